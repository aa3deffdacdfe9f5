"""locate(): the deepest unit at a point, its ancestors, borders, holes, multipolygons."""

from __future__ import annotations

import numpy as np
import pytest
from django.utils import translation

from grassroots.geo.index import locate, locate_many
from grassroots.organizations.models import Unit
from tests.factories.geo import box, unit_with_area

pytestmark = pytest.mark.django_db


def code_at(lat: float, lng: float) -> str | None:
    found = locate(lat, lng)
    return found.code if found else None


def codes(found: object) -> list[str]:
    return [ref.code for ref in found.path]  # type: ignore[attr-defined]


def test_point_in_a_grid_gives_the_grid_with_its_whole_chain(tree: dict[str, Unit]) -> None:
    # given the tree; when
    found = locate(1.0, 1.0)  # lat 1, lng 1: inside grid GB
    # then
    assert found is not None
    assert (found.code, found.level, found.id) == ("GB", "grid", tree["gb"].pk)
    assert codes(found) == ["CITY", "D1", "S1", "C1", "GB"]
    assert [ref.level for ref in found.ancestors] == ["city", "district", "street", "community"]


def test_point_in_a_street_without_grids_gives_the_street(tree: dict[str, Unit]) -> None:
    found = locate(7.0, 2.0)
    assert found is not None
    assert codes(found) == ["CITY", "D1", "S2"]


def test_point_outside_every_area_gives_none(tree: dict[str, Unit]) -> None:
    assert locate(20.0, 20.0) is None
    assert locate(-0.5, 3.0) is None


def test_point_on_a_shared_border_goes_to_the_lowest_code_every_time(tree: dict[str, Unit]) -> None:
    # given grids GB (lng 0..2) and GA (lng 2..4), GB created first; when, on lng 2
    answers = {locate(lat, 2.0).code for lat in (0.5, 1.0, 3.25) for _ in range(3)}  # type: ignore[union-attr]
    batch = locate_many([0.5, 1.0, 3.25], [2.0, 2.0, 2.0])
    # then the lower code wins, the same in both paths
    assert answers == {"GA"}
    assert batch.tolist() == [tree["ga"].pk] * 3


def test_the_deeper_unit_wins_over_a_lower_code_on_its_border(tree: dict[str, Unit]) -> None:
    # the corner (lng 4, lat 4) is on C1's and GA's border, inside S1
    found = locate(4.0, 4.0)
    assert found is not None and found.code == "GA"


def test_a_point_in_a_hole_is_not_in_the_polygon(db: None) -> None:
    # given a street with a hole (2..3 × 2..3) inside a district
    city = unit_with_area("CITY", "city", box(0, 0, 10, 10))
    outer = [[0, 0], [5, 0], [5, 5], [0, 5], [0, 0]]
    hole = [[2, 2], [3, 2], [3, 3], [2, 3], [2, 2]]
    unit_with_area("S9", "district", {"type": "Polygon", "coordinates": [outer, hole]}, city)
    # when / then
    assert code_at(2.5, 2.5) == "CITY"
    assert code_at(1.0, 1.0) == "S9"
    assert code_at(2.0, 2.5) == "S9"  # on the hole's edge


def test_multipolygon_parts_all_belong_to_the_unit(db: None) -> None:
    city = unit_with_area("CITY", "city", box(0, 0, 10, 10))
    parts = [box(0, 0, 1, 1)["coordinates"], box(8, 8, 9, 9)["coordinates"]]
    unit_with_area("ISLANDS", "district", {"type": "MultiPolygon", "coordinates": parts}, city)
    assert code_at(0.5, 0.5) == "ISLANDS"
    assert code_at(8.5, 8.5) == "ISLANDS"
    assert code_at(5.0, 5.0) == "CITY"


def test_locate_many_matches_single_lookups_and_marks_misses(tree: dict[str, Unit]) -> None:
    rng = np.random.default_rng(7)
    lats, lngs = rng.uniform(-1, 11, 500), rng.uniform(-1, 11, 500)
    lats[:3] = [np.nan, np.inf, 50.0]
    ids = locate_many(lats, lngs)
    singles = [(f.id if (f := locate(a, b)) else -1) for a, b in zip(lats, lngs, strict=True)]
    assert ids.tolist() == singles
    assert ids[:3].tolist() == [-1, -1, -1]
    # the city, D1 and C1 are tiled by their children, so they never answer
    expected = {-1, *(tree[k].pk for k in ("d2", "s1", "s2", "ga", "gb"))}
    assert set(ids.tolist()) == expected


def test_name_follows_the_active_language(tree: dict[str, Unit]) -> None:
    found = locate(1.0, 1.0)
    assert found is not None
    with translation.override("en"):
        assert found.name == "Unit GB"
    with translation.override("zh-hans"):
        assert found.name == "单位GB"


def test_inactive_unit_is_skipped(tree: dict[str, Unit]) -> None:
    from grassroots.organizations.services import update_unit

    update_unit(tree["gb"], is_active=False, actor=None)
    assert code_at(1.0, 1.0) == "C1"


@pytest.mark.django_db
def test_a_deployment_without_areas_locates_nothing_instead_of_failing() -> None:
    from grassroots.geo import index

    index.invalidate()

    assert index.locate(39.9, 116.4) is None
    assert index.locate_many([39.9, 40.0], [116.4, 116.5]).tolist() == [-1, -1]
