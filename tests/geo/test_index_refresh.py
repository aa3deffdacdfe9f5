"""The index sees new areas: at once in the writing process, within the interval elsewhere."""

from __future__ import annotations

import pytest
from django.test import override_settings

from grassroots.geo import index
from grassroots.geo.services import set_area
from grassroots.organizations.models import Unit
from tests.factories.geo import box, unit_with_area

pytestmark = pytest.mark.django_db


@override_settings(GEO_INDEX_REFRESH_SECONDS=3600)
def test_set_area_is_seen_by_the_next_lookup_in_the_same_process(
    tree: dict[str, Unit], django_capture_on_commit_callbacks: object
) -> None:
    # given an index built before the change, and no version check due for an hour
    assert index.locate(7.0, 2.0).code == "S2"  # type: ignore[union-attr]
    # when a grid appears under S2 and the transaction commits
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        community = unit_with_area("C2", "community", box(1, 6, 3, 8), tree["s2"])
    # then
    assert index.locate(7.0, 2.0).code == "C2"  # type: ignore[union-attr]
    assert community.area.min_lng == 1.0


@override_settings(GEO_INDEX_REFRESH_SECONDS=5)
def test_another_process_notices_a_change_after_the_interval(tree: dict[str, Unit]) -> None:
    # given a second process's index (its own holder and clock), built at t=100
    now = [100.0]
    other = index.IndexHolder(clock=lambda: now[0])
    assert other.locate(1.0, 1.0).code == "GB"  # type: ignore[union-attr]
    # when this process moves grid GB away (no commit reaches the other process)
    set_area(tree["gb"], geometry=box(0, 0, 0.5, 0.5), actor=None)
    # then the other keeps its index within the interval, and rebuilds after it
    now[0] = 104.9
    assert other.locate(1.0, 1.0).code == "GB"  # type: ignore[union-attr]
    now[0] = 105.0
    assert other.locate(1.0, 1.0).code == "C1"  # type: ignore[union-attr]


@override_settings(GEO_INDEX_REFRESH_SECONDS=5)
def test_a_lookup_within_the_interval_makes_no_query(
    tree: dict[str, Unit], django_assert_num_queries: object
) -> None:
    now = [0.0]
    holder = index.IndexHolder(clock=lambda: now[0])
    holder.locate(1.0, 1.0)
    now[0] = 4.0
    with django_assert_num_queries(0):  # type: ignore[operator]
        assert holder.locate(1.0, 1.0).code == "GB"  # type: ignore[union-attr]


def test_a_renamed_unit_is_renamed_in_the_index(tree: dict[str, Unit]) -> None:
    from grassroots.organizations.services import update_unit

    assert index.locate(1.0, 1.0).name_en == "Unit GB"  # type: ignore[union-attr]
    update_unit(tree["gb"], name_en="Grid B", actor=None)
    assert index.locate(1.0, 1.0).name_en == "Grid B"  # type: ignore[union-attr]
