"""Hot issues: cases about the same problem, in the same place, close in time, form one issue;
unrelated cases, other places and distant times do not."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command

from grassroots.cases import services
from grassroots.cases.models import Case
from grassroots.core import clock
from grassroots.insights.hot.cluster import Report, Settings
from grassroots.insights.hot.heat import heat_of, hot_issues
from grassroots.insights.hot.services import compute_hot_issues
from grassroots.insights.models import HotIssue, HotIssueCase
from grassroots.insights.periods import parse_period
from tests.factories.cases import submit

from .conftest import at

DRAIN = [
    "Blocked drain floods Maple Street after rain",
    "Maple Street drain blocked again, street flooded",
    "Flooding on Maple Street: the drain is blocked",
    "Drain on Maple Street blocked, water in the street",
]
OTHERS = [
    "Noisy karaoke bar open past midnight",
    "Broken swing in the children's playground",
    "Bus stop timetable missing at the station",
]


def _case(subject: str, unit: Any, moment: str, people: dict[str, Any]) -> Case:
    with clock.at(at(moment)):
        case = submit(subject=subject, description="")
        return services.dispatch_case(case, unit=unit, actor=people["dispatcher"])


@pytest.fixture
def drains(tree: dict[str, Any], people: dict[str, Any]) -> dict[str, list[Case]]:
    """Four drain reports at street 1 over a week, three unrelated ones there, and three drain
    reports at street 2 (another place)."""
    here = [_case(s, tree["s1"], f"2025-03-{3 + i:02} 10:00", people) for i, s in enumerate(DRAIN)]
    other = [
        _case(s, tree["s1"], f"2025-03-{4 + i:02} 11:00", people) for i, s in enumerate(OTHERS)
    ]
    there = [
        _case(s, tree["s2"], f"2025-03-{5 + i:02} 12:00", people) for i, s in enumerate(DRAIN[:3])
    ]
    return {"here": here, "other": other, "there": there}


def _members(issue: HotIssue) -> set[int]:
    return set(HotIssueCase.objects.filter(issue=issue).values_list("case_id", flat=True))


@pytest.mark.django_db
def test_same_problem_same_place_forms_one_issue(drains: dict[str, list[Case]], tree: Any) -> None:
    with clock.at(at("2025-03-20 12:00")):
        issues = compute_hot_issues(parse_period("2025-03"))
    by_unit = {i.unit_id: i for i in issues}
    assert len(issues) == 2
    assert _members(by_unit[tree["s1"].pk]) == {c.pk for c in drains["here"]}
    assert _members(by_unit[tree["s2"].pk]) == {c.pk for c in drains["there"]}
    first = by_unit[tree["s1"].pk]
    assert (first.reports, first.open_reports, first.period) == (4, 4, "2025-03")
    assert set(first.keywords[:3]) == {"drain", "maple", "street"}
    assert first.title in DRAIN
    assert first.first_at == at("2025-03-03 10:00") and first.last_at == at("2025-03-06 10:00")


@pytest.mark.django_db
def test_unrelated_cases_make_no_issue(tree: Any, people: dict[str, Any]) -> None:
    for i, subject in enumerate(OTHERS):
        _case(subject, tree["s1"], f"2025-03-{3 + i:02} 10:00", people)
    with clock.at(at("2025-03-20 12:00")):
        assert compute_hot_issues(parse_period("2025-03")) == []
    assert HotIssue.objects.count() == 0


@pytest.mark.django_db
def test_recomputing_replaces_the_period_issues(drains: Any, tree: Any) -> None:
    with clock.at(at("2025-03-20 12:00")):
        compute_hot_issues(parse_period("2025-03"))
        again = compute_hot_issues(parse_period("2025-03"))
    assert HotIssue.objects.count() == 2
    assert sorted(HotIssue.objects.values_list("pk", flat=True)) == sorted(i.pk for i in again)


@pytest.mark.django_db
def test_merged_duplicates_count_as_support(drains: Any, people: dict[str, Any]) -> None:
    target = drains["here"][0]
    with clock.at(at("2025-03-07 10:00")):
        extra = submit(subject=DRAIN[1], description="")
        services.merge_case(extra, into=target, actor=people["dispatcher"])
    with clock.at(at("2025-03-20 12:00")):
        issues = compute_hot_issues(parse_period("2025-03"))
    issue = next(i for i in issues if target.pk in _members(i))
    assert (issue.reports, issue.support) == (4, 1)
    assert extra.pk not in _members(issue)


@pytest.mark.django_db
def test_command_computes_a_period(drains: Any, capsys: Any) -> None:
    with clock.at(at("2025-03-20 12:00")):
        call_command("insights", "hot", "--period", "2025-03", "--no-progress")
    out = capsys.readouterr().out
    assert "period=2025-03 issues=2" in out
    assert HotIssue.objects.filter(period="2025-03").count() == 2


BASE = datetime(2025, 3, 1, 9, 0)


def _report(key: int, text: str, place: str = "d1/s1/", days: float = 0, **extra: Any) -> Report:
    return Report(key=key, text=text, place=place, at=BASE + timedelta(days=days), **extra)


def _keys(reports: list[Report], **settings: Any) -> list[set[int]]:
    found = hot_issues(
        reports, start=BASE, end=BASE + timedelta(days=31), settings=Settings(**settings)
    )
    return [set(i.keys) for i in found]


def test_reports_far_apart_in_time_do_not_link() -> None:
    reports = [_report(i, DRAIN[i % 4], days=i * 40) for i in range(4)]
    reports += [_report(10 + i, OTHERS[i]) for i in range(3)]
    assert _keys(reports, window_days=30) == []


def test_a_report_of_the_wider_place_joins_the_issue_of_a_street_in_it() -> None:
    reports = [_report(1, DRAIN[0]), _report(2, DRAIN[1]), _report(3, DRAIN[2], place="d1/")]
    reports += [_report(4, DRAIN[3], place="d2/s9/")]  # a street in another district
    reports += [_report(10 + i, OTHERS[i]) for i in range(3)]
    assert _keys(reports) == [{1, 2, 3}]


def test_points_within_the_radius_link_across_places() -> None:
    near = (39.9000, 116.4000)
    close = (39.9020, 116.4010)  # about 240 m away
    far = (39.9500, 116.4000)  # about 5.6 km away
    reports = [
        _report(1, DRAIN[0], place="d1/a/", point=near),
        _report(2, DRAIN[1], place="d1/b/", point=close),
        _report(3, DRAIN[2], place="d1/c/", point=close),
        _report(4, DRAIN[3], place="d1/d/", point=far),
    ]
    reports += [_report(10 + i, OTHERS[i]) for i in range(3)]
    assert _keys(reports, radius_m=500) == [{1, 2, 3}]


def test_a_report_bridging_two_problems_does_not_chain_them_into_one_issue() -> None:
    bar = [
        "Noisy karaoke bar open past midnight",
        "Karaoke bar noise past midnight again",
        "Midnight karaoke noise from the bar",
    ]
    bridge = "Maple Street drain blocked and flooded; karaoke bar noise past midnight"
    reports = [_report(i, DRAIN[i]) for i in range(3)] + [_report(3, bridge)]
    reports += [_report(4 + i, text) for i, text in enumerate(bar)]
    reports += [_report(10 + i, OTHERS[i]) for i in (1, 2)]
    assert sorted(_keys(reports), key=min) == [{0, 1, 2, 3}, {4, 5, 6}]


def test_many_identical_reports_form_one_issue() -> None:
    # given 90 copies of one report among 410 unrelated ones (a repetitive source)
    reports = [_report(i, DRAIN[0], days=i % 20) for i in range(90)]
    reports += [_report(1000 + i, f"request {i} about matter{i}") for i in range(410)]
    assert _keys(reports) == [set(range(90))]


def test_heat_counts_residents_support_growth_and_waiting() -> None:
    assert heat_of(3, 0, 0.0, 0.0, 0.0) == 20.0
    assert heat_of(3, 7, 1.0, 0.5, 3.0) == 20.0 + 9.0 + 5.0 + 2.0
    reports = [_report(i, DRAIN[i], resident="same" if i < 2 else "", support=2) for i in range(4)]
    reports += [_report(10 + i, OTHERS[i]) for i in range(3)]
    (issue,) = hot_issues(reports, start=BASE, end=BASE + timedelta(days=31))
    assert (issue.residents, issue.support, issue.open_reports) == (3, 8, 0)


@pytest.mark.django_db
def test_api_lists_issues_with_their_cases_in_the_viewer_scope(
    drains: dict[str, list[Case]], api_as: Any
) -> None:
    with clock.at(at("2025-03-20 12:00")):
        compute_hot_issues(parse_period("2025-03"))
    city = api_as("supervisor").get("/insights/hot-issues", period="2025-03").json()
    assert [i["unit"] for i in city["issues"]] == ["KS1", "KS2"]
    assert {c["id"] for c in city["issues"][0]["cases"]} == {c.pk for c in drains["here"]}
    street = api_as("handler2").get("/insights/hot-issues", period="2025-03").json()
    assert [(i["unit"], i["reports"]) for i in street["issues"]] == [("KS2", 3)]
    under = api_as("supervisor").get("/insights/hot-issues", period="2025-03", unit="KD2")
    assert [i["unit"] for i in under.json()["issues"]] == ["KS2"]


@pytest.mark.django_db
def test_api_refuses_bad_input_and_strangers(drains: Any, api_as: Any) -> None:
    bad = api_as("supervisor").get("/insights/hot-issues", period="March")
    assert (bad.status_code, bad.json()["code"]) == (422, "bad_period")
    hidden = api_as("handler2").get("/insights/hot-issues", period="2025-03", unit="KS1")
    assert (hidden.status_code, hidden.json()["code"]) == (404, "not_found")
    assert api_as("anonymous").get("/insights/hot-issues", period="2025-03").status_code == 401
    empty = api_as("supervisor").get("/insights/hot-issues", period="2025-04").json()
    assert (empty["issues"], empty["computed_at"]) == ([], None)
