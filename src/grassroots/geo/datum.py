"""WGS84 ↔ GCJ-02, the datum most Chinese map data and map APIs use.

GCJ-02 is WGS84 plus a published, deliberately irregular offset (a few hundred metres) inside
China; outside the rectangle below the two are the same. The forward transform is the standard
published one (Krasovsky 1940 ellipsoid constants). The inverse has no closed form: it is found
by fixed-point iteration, to well under a centimetre.

Every function takes and returns (lat, lng) in degrees, as floats or as numpy arrays.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely

_A = 6378245.0  # semi-major axis of the Krasovsky 1940 ellipsoid, metres
_EE = 0.00669342162296594323  # its first eccentricity squared
_INVERSE_TOLERANCE = 1e-10  # degrees, about 0.01 mm
_INVERSE_MAX_STEPS = 30


class Datum(StrEnum):
    WGS84 = "wgs84"  # GPS and international maps (OpenStreetMap); what the database holds
    GCJ02 = "gcj02"  # Chinese "Mars" datum used by AutoNavi/Amap, Tencent, DataV exports


def in_china(lat: Any, lng: Any) -> Any:
    """Whether the transform applies: the published rough rectangle around China."""
    return (lng >= 72.004) & (lng <= 137.8347) & (lat >= 0.8293) & (lat <= 55.8271)


def _offset(lat: Any, lng: Any, m: Any) -> tuple[Any, Any]:
    """The GCJ-02 shift (dlat, dlng) in degrees at a WGS84 point; `m` is math or numpy."""
    x, y = lng - 105.0, lat - 35.0
    pi = math.pi
    common = (20.0 * m.sin(6.0 * x * pi) + 20.0 * m.sin(2.0 * x * pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * m.sqrt(abs(x))
    dlat += common + (20.0 * m.sin(y * pi) + 40.0 * m.sin(y / 3.0 * pi)) * 2.0 / 3.0
    dlat += (160.0 * m.sin(y / 12.0 * pi) + 320.0 * m.sin(y * pi / 30.0)) * 2.0 / 3.0
    dlng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * m.sqrt(abs(x))
    dlng += common + (20.0 * m.sin(x * pi) + 40.0 * m.sin(x / 3.0 * pi)) * 2.0 / 3.0
    dlng += (150.0 * m.sin(x / 12.0 * pi) + 300.0 * m.sin(x / 30.0 * pi)) * 2.0 / 3.0
    rad = lat / 180.0 * pi
    magic = 1.0 - _EE * m.sin(rad) ** 2
    sqrt_magic = m.sqrt(magic)
    dlat = dlat * 180.0 / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * pi)
    dlng = dlng * 180.0 / (_A / sqrt_magic * m.cos(rad) * pi)
    return dlat, dlng


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    """A WGS84 point in GCJ-02 (unchanged outside China)."""
    if not in_china(lat, lng):
        return lat, lng
    dlat, dlng = _offset(lat, lng, math)
    return lat + dlat, lng + dlng


def gcj02_to_wgs84(lat: float, lng: float) -> tuple[float, float]:
    """A GCJ-02 point in WGS84, by iteration (error below 1e-10 degrees)."""
    if not in_china(lat, lng):
        return lat, lng
    wlat, wlng = lat, lng
    for _step in range(_INVERSE_MAX_STEPS):
        glat, glng = wgs84_to_gcj02(wlat, wlng)
        err_lat, err_lng = glat - lat, glng - lng
        wlat, wlng = wlat - err_lat, wlng - err_lng
        if max(abs(err_lat), abs(err_lng)) < _INVERSE_TOLERANCE:
            break
    return wlat, wlng


FloatArray = npt.NDArray[np.float64]


def wgs84_to_gcj02_arrays(
    lats: npt.ArrayLike, lngs: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """`wgs84_to_gcj02` for numpy arrays."""
    lat = np.asarray(lats, dtype=np.float64)
    lng = np.asarray(lngs, dtype=np.float64)
    dlat, dlng = _offset(lat, lng, np)
    inside = in_china(lat, lng)
    return np.where(inside, lat + dlat, lat), np.where(inside, lng + dlng, lng)


def gcj02_to_wgs84_arrays(
    lats: npt.ArrayLike, lngs: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """`gcj02_to_wgs84` for numpy arrays."""
    lat = np.asarray(lats, dtype=np.float64)
    lng = np.asarray(lngs, dtype=np.float64)
    wlat, wlng = lat.copy(), lng.copy()
    for _step in range(_INVERSE_MAX_STEPS):
        glat, glng = wgs84_to_gcj02_arrays(wlat, wlng)
        err_lat, err_lng = glat - lat, glng - lng
        wlat, wlng = wlat - err_lat, wlng - err_lng
        if not len(lat) or max(np.abs(err_lat).max(), np.abs(err_lng).max()) < _INVERSE_TOLERANCE:
            break
    return wlat, wlng


def to_wgs84(lat: float, lng: float, datum: Datum | str) -> tuple[float, float]:
    """A point given in `datum`, in WGS84."""
    return gcj02_to_wgs84(lat, lng) if Datum(datum) == Datum.GCJ02 else (lat, lng)


def geometry_to_wgs84(geom: shapely.Geometry, datum: Datum | str) -> shapely.Geometry:
    """A shapely geometry (x = longitude, y = latitude) given in `datum`, in WGS84."""
    if Datum(datum) == Datum.WGS84:
        return geom

    def convert(coords: FloatArray) -> FloatArray:
        lat, lng = gcj02_to_wgs84_arrays(coords[:, 1], coords[:, 0])
        return np.column_stack([lng, lat])

    return shapely.transform(geom, convert)
