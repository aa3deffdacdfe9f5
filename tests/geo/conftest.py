"""A small nested tree of areas for the geo tests, and a fresh index around each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from grassroots.geo import address, index
from grassroots.organizations.models import Unit
from tests.factories.geo import box, unit_with_area


@pytest.fixture(autouse=True)
def fresh_index() -> Iterator[None]:
    """No index or address matcher built by another test (with other rows) is ever reused."""
    index.invalidate()
    address.invalidate()
    yield
    index.invalidate()
    address.invalidate()


@pytest.fixture
def tree(db: None) -> dict[str, Unit]:
    """City 0..10 × 0..10 (lng × lat); districts split it at lng 5; street S1 (0..5 × 0..5)
    holds community C1 (0..4 × 0..4) with grids GB (0..2) and GA (2..4) sharing lng 2
    (GB created first, so the border rule cannot be the creation order); street S2
    (0..5 × 5..10) has no communities."""
    city = unit_with_area("CITY", "city", box(0, 0, 10, 10))
    d1 = unit_with_area("D1", "district", box(0, 0, 5, 10), city)
    d2 = unit_with_area("D2", "district", box(5, 0, 10, 10), city)
    s1 = unit_with_area("S1", "street", box(0, 0, 5, 5), d1)
    s2 = unit_with_area("S2", "street", box(0, 5, 5, 10), d1)
    c1 = unit_with_area("C1", "community", box(0, 0, 4, 4), s1)
    gb = unit_with_area("GB", "grid", box(0, 0, 2, 4), c1)
    ga = unit_with_area("GA", "grid", box(2, 0, 4, 4), c1)
    return {"city": city, "d1": d1, "d2": d2, "s1": s1, "s2": s2, "c1": c1, "ga": ga, "gb": gb}
