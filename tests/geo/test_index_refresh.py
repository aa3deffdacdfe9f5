"""The index sees new areas: at once in the writing process, within the interval elsewhere."""

from __future__ import annotations

import threading

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


@override_settings(GEO_INDEX_REFRESH_SECONDS=5)
def test_lookups_keep_the_old_index_while_another_thread_rebuilds(
    tree: dict[str, Unit], django_assert_num_queries: object
) -> None:
    # given an index built at t=0, a change to the areas, and the check now due
    now = [0.0]
    holder = index.IndexHolder(clock=lambda: now[0])
    assert holder.locate(1.0, 1.0).code == "GB"  # type: ignore[union-attr]
    set_area(tree["gb"], geometry=box(0, 0, 0.5, 0.5), actor=None)
    now[0] = 10.0
    # when another thread holds the rebuild lock, a lookup answers at once from the old index
    # (had it waited, the holder would release after 5 s and the lookup would see C1)
    release, held = threading.Event(), threading.Event()

    def rebuilding() -> None:
        with holder.lock:
            held.set()
            release.wait(timeout=5)

    rebuilder = threading.Thread(target=rebuilding)
    rebuilder.start()
    held.wait(timeout=30)
    with django_assert_num_queries(0):  # type: ignore[operator]
        assert holder.locate(1.0, 1.0).code == "GB"  # type: ignore[union-attr]
    release.set()
    rebuilder.join()
    # then the next lookup after the rebuild lock is free sees the change
    assert holder.locate(1.0, 1.0).code == "C1"  # type: ignore[union-attr]


def test_the_first_build_waits_for_the_lock_rather_than_answering_nothing(
    tree: dict[str, Unit], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given an index built here (the worker thread cannot see this test's transaction)
    built = index.build_index()
    monkeypatch.setattr(index, "build_index", lambda: built)
    monkeypatch.setattr(index, "current_version", lambda: built.version)
    holder = index.IndexHolder()
    results: list[str | None] = []

    def lookup() -> None:
        located = holder.locate(1.0, 1.0)
        results.append(located.code if located else None)

    # when a first lookup arrives while the rebuild lock is held, it waits
    with holder.lock:
        worker = threading.Thread(target=lookup)
        worker.start()
        worker.join(timeout=0.2)
        assert worker.is_alive()
    # then it answers once the lock is free
    worker.join(timeout=30)
    assert results == ["GB"]
