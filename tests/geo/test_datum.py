"""WGS84 ↔ GCJ-02: the published transform, its iterative inverse, identity outside China."""

from __future__ import annotations

import numpy as np
import pytest

from grassroots.geo.datum import (
    gcj02_to_wgs84,
    gcj02_to_wgs84_arrays,
    to_wgs84,
    wgs84_to_gcj02,
    wgs84_to_gcj02_arrays,
)


def test_tiananmen_moves_by_the_published_offset() -> None:
    lat, lng = wgs84_to_gcj02(39.9087, 116.3975)
    assert lat == pytest.approx(39.91010, abs=2e-5)
    assert lng == pytest.approx(116.40374, abs=2e-5)


@pytest.mark.parametrize(
    ("lat", "lng"),
    [(39.9087, 116.3975), (31.2304, 121.4737), (22.5431, 114.0579), (43.8256, 87.6168)],
)
def test_round_trip_error_is_below_a_millionth_of_a_degree(lat: float, lng: float) -> None:
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lat, lng))
    assert abs(back[0] - lat) < 1e-6 and abs(back[1] - lng) < 1e-6
    assert abs(back[0] - lat) < 1e-9  # in fact sub-millimetre


def test_outside_china_the_transform_is_the_identity() -> None:
    assert wgs84_to_gcj02(40.7128, -74.0060) == (40.7128, -74.0060)
    assert gcj02_to_wgs84(51.5, -0.12) == (51.5, -0.12)


def test_array_versions_agree_with_the_scalar_ones() -> None:
    lats, lngs = np.array([39.9087, 40.7128, 31.2304]), np.array([116.3975, -74.006, 121.4737])
    glat, glng = wgs84_to_gcj02_arrays(lats, lngs)
    expected = [wgs84_to_gcj02(a, b) for a, b in zip(lats, lngs, strict=True)]
    assert np.allclose(np.column_stack([glat, glng]), expected, atol=1e-12, rtol=0)
    wlat, wlng = gcj02_to_wgs84_arrays(glat, glng)
    assert np.abs(wlat - lats).max() < 1e-9 and np.abs(wlng - lngs).max() < 1e-9


def test_to_wgs84_converts_only_gcj02() -> None:
    assert to_wgs84(39.9, 116.4, "wgs84") == (39.9, 116.4)
    assert to_wgs84(*wgs84_to_gcj02(39.9, 116.4), "gcj02") == pytest.approx((39.9, 116.4))
