"""Area endpoints: which unit covers a point, and a unit's area as GeoJSON."""

from __future__ import annotations

import math
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from . import index
from .datum import Datum, to_wgs84
from .errors import GeoError, GeoErrorCode
from .querysets import area_of
from .schemas import AreaFeatureOut, LocateOut

router = Router()


def parse_coordinate(raw: str | None, *, name: str, limit: float) -> float:
    """A finite number of degrees within ±limit, or a 422 `invalid_coordinate`."""
    try:
        value = float(raw) if raw is not None else math.nan
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and -limit <= value <= limit):
        raise GeoError(
            GeoErrorCode.INVALID_COORDINATE,
            _("%(name)s must be a number between -%(limit)s and %(limit)s, got “%(raw)s”.")
            % {"name": name, "limit": int(limit), "raw": raw if raw is not None else ""},
        )
    return value


def parse_datum(raw: str) -> Datum:
    """`wgs84` or `gcj02` (any case), or a 422 `invalid_datum`."""
    try:
        return Datum(raw.lower())
    except ValueError:
        raise GeoError(
            GeoErrorCode.INVALID_DATUM,
            _("datum must be one of %(choices)s, got “%(raw)s”.")
            % {"choices": ", ".join(Datum), "raw": raw},
        ) from None


def _brief(ref: index.UnitRef) -> dict[str, str]:
    return {"code": ref.code, "name": ref.name, "level": ref.level}


@router.get("/locate", response=LocateOut, summary="Which unit covers a point")
def locate_point(
    request: HttpRequest, lat: str | None = None, lng: str | None = None, datum: str = "wgs84"
) -> dict[str, Any]:
    """The deepest unit whose area covers the point, with the chain from the city down to it.

    `datum` says which datum the coordinate uses (`wgs84`, the default, or `gcj02`). On a
    border shared by two areas of the same level, the unit with the lowest code answers.
    """
    lat_value = parse_coordinate(lat, name="lat", limit=90.0)
    lng_value = parse_coordinate(lng, name="lng", limit=180.0)
    found = index.locate(*to_wgs84(lat_value, lng_value, parse_datum(datum)))
    if found is None:
        raise GeoError(
            GeoErrorCode.OUTSIDE_ALL_AREAS, _("The point lies outside every area."), status=404
        )
    return {"unit": _brief(found), "path": [_brief(ref) for ref in found.path]}


@router.get("/{code}", response=AreaFeatureOut, summary="A unit's area as GeoJSON")
def area_feature(request: HttpRequest, code: str) -> dict[str, Any]:
    """The area of the unit with this code as a GeoJSON Feature in WGS84."""
    area = area_of(code)
    unit = area.unit
    properties = {
        "code": unit.code,
        "name": unit.name,
        "level": unit.level,
        "parent": unit.parent.code if unit.parent else None,
    }
    return {"type": "Feature", "geometry": area.geometry, "properties": properties}
