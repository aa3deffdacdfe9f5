"""The KPI table and its drill-down, over a small month built through the case services."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from grassroots.core import clock
from grassroots.insights.drilldown import KPI_NAMES, cases_behind
from grassroots.insights.kpis import Scope, kpi_table
from grassroots.insights.models import COUNTERS, CaseFact, UnitDay, UnitMonth
from grassroots.insights.naive import naive_buckets
from grassroots.insights.periods import parse_period
from grassroots.insights.services import fold_changes, mark_unreasonable, rebuild_rollups

pytestmark = pytest.mark.django_db
EVERYONE = Scope(paths=None)
MARCH = parse_period("2025-03")

FIGURE_OF = {name: name for name in COUNTERS} | {
    "overdue_open": "overdue_open",
    "response_rate": "response_base",
    "resolution_rate": "followed_up",
    "satisfaction_rate": "rated",
    "handling_time": "handled",
}
HITS_OF = {
    "response_rate": "responded_on_time",
    "resolution_rate": "resolved",
    "satisfaction_rate": None,
    "on_time_rate": "closed_on_time",
    "overdue_rate": "overdue_open",
}


def table(level: str, period: Any = MARCH, **kw: Any) -> dict[str, dict[str, Any]]:
    rows = kpi_table(level, period, unit=None, scope=EVERYONE, now=clock.now(), **kw)
    return {row["unit"]: row for row in rows}


def test_street_figures_count_the_subtree_cases_of_the_month(month: Any) -> None:
    # given the month's cases, folded into the roll-ups
    fold_changes()
    # when the street table is read
    rows = table("street")
    # then street S1 holds its own three March cases and its grid's one, S2 the stuck one;
    # the reopened case's verdict was cleared by the reopening, so it is not followed up now
    s1, s2 = rows["KS1"], rows["KS2"]
    assert (s1["received"], s1["followed_up"], s1["resolved"], s1["closed"]) == (4, 3, 2, 2)
    assert (s1["satisfied"], s1["basic"], s1["unsatisfied"], s1["reopened"]) == (1, 1, 1, 1)
    assert (s1["response_base"], s1["responded_on_time"]) == (4, 3)
    assert (s2["received"], s2["overdue_open"], s2["closed"], s2["on_time_rate"]) == (1, 1, 0, 0.0)


def test_returned_case_counts_for_the_unit_that_has_it_now(month: Any) -> None:
    fold_changes()
    rows = table("department")
    assert (rows["KDEPT"]["received"], rows["KDEPT"]["returned"]) == (1, 1)
    assert rows["KDEPT"]["followed_up"] == 0


def test_every_figure_equals_the_length_of_its_case_list(month: Any, tree: Any) -> None:
    # given the roll-ups
    fold_changes()
    rows = table("street") | table("district") | table("department")
    for kpi, (code, row) in ((k, r) for k in KPI_NAMES for r in rows.items()):
        unit = next(u for u in tree.values() if u.code == code)
        # when the cases behind the figure are listed
        cases = cases_behind(unit, kpi, MARCH, now=clock.now())
        # then the list has exactly as many cases as the figure (rates: their base and hits)
        if kpi == "on_time_rate":
            assert len(cases) == row["closed"] + row["overdue_open"]
        elif kpi == "overdue_rate":  # the share counted against the score: kept cases
            assert len(cases) == row["received"] - row["excluded"], (code, kpi)
            hits = sum(1 for c in cases if c["hit"])
            assert row["overdue_rate"] == (hits / len(cases) if cases else None), (code, kpi)
        else:
            assert len(cases) == row[FIGURE_OF[kpi]], (code, kpi)
        if HITS_OF.get(kpi):
            assert sum(1 for c in cases if c["hit"]) == row[HITS_OF[kpi]], (code, kpi)


def test_rebuild_from_scratch_gives_the_numbers_the_fold_gave(month: Any) -> None:
    # given roll-ups kept by incremental folds (one per change batch)
    fold_changes()

    def snapshot() -> Any:
        days = sorted(UnitDay.objects.values_list("unit_id", "day", *COUNTERS))
        months = sorted(
            UnitMonth.objects.values_list("unit_id", "month", "durations", "open_dues", *COUNTERS),
            key=lambda r: (r[0], r[1]),
        )
        return days, months

    folded = snapshot()
    # when everything is rebuilt
    rebuild_rollups()
    # then every row is identical
    assert snapshot() == folded
    assert len(folded[0]) == 7


def test_rollups_agree_with_the_naive_group_by_over_cases(month: Any) -> None:
    fold_changes()
    for level in ("district", "street", "department", "community"):
        assert table(level) == table(level, reader=naive_buckets)
    week = parse_period("2025-03-10..2025-03-16")
    assert table("street", week) == table("street", week, reader=naive_buckets)


def test_marked_case_leaves_the_rates_but_stays_counted_and_listed(
    month: Any, people: Any, tree: Any
) -> None:
    fold_changes()
    before = table("street")["KS1"]
    # when the supervisor marks the unsatisfied case as an unreasonable demand
    mark_unreasonable(month["spam"], reason="Demands a new road", actor=people["supervisor"])
    # then it is still received, counted as excluded, and out of the resolution rate
    after = table("street")["KS1"]
    assert (after["received"], after["excluded"]) == (before["received"], 1)
    assert (before["followed_up"], after["followed_up"]) == (3, 2)
    assert (before["resolution_rate"], after["resolution_rate"]) == (pytest.approx(2 / 3), 1.0)
    listed = cases_behind(tree["s1"], "excluded", MARCH, now=clock.now())
    assert [c["tracking_code"] for c in listed] == [month["spam"].tracking_code]
    assert listed[0]["unreasonable"]["reason"] == "Demands a new road"
    received = cases_behind(tree["s1"], "received", MARCH, now=clock.now())
    assert [c["unreasonable"] is not None for c in received].count(True) == 1


def test_month_on_month_change_compares_with_february(month: Any) -> None:
    fold_changes()
    row = table("street")["KS1"]
    assert row["previous_score"] is not None
    assert row["score_change"] == pytest.approx(row["score"] - row["previous_score"])


@override_settings(INSIGHTS_RANK_MIN_CASES="2", INSIGHTS_SHRINK_CASES="10")
def test_small_unit_is_unranked_and_its_rate_pulled_to_the_city(month: Any) -> None:
    fold_changes()
    rows = table("street")
    s1, s2 = rows["KS1"], rows["KS2"]
    # S2 has one case: listed without a rank; S1 ranks first
    assert (s1["rank"], s2["rank"], s2["ranked"]) == (1, None, False)
    # its raw response rate (0 of 1) is pulled toward the city's (4 of 6)
    city = 4 / 6
    assert s2["response_rate"] == 0.0
    assert s2["response_adjusted"] == pytest.approx((0 + 10 * city) / (1 + 10))


@override_settings(INSIGHTS_SCORE_WEIGHTS="resolution=1")
def test_score_weights_come_from_the_deployment(month: Any) -> None:
    fold_changes()
    row = table("street")["KS1"]
    assert row["score_before_overdue"] == pytest.approx(row["resolution_adjusted"])
    assert row["score"] == pytest.approx(row["resolution_adjusted"] * (1 - row["overdue_adjusted"]))


def test_rebuild_command_reports_the_cases_it_projected(month: Any) -> None:
    out = StringIO()
    call_command("insights", "rebuild", stdout=out)
    assert out.getvalue().startswith(f"cases={CaseFact.objects.count()} events=0 ")
    assert CaseFact.objects.count() == 7  # every case with a handling unit (not the queued)
