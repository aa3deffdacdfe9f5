"""/api/v1/insights over HTTP: the table, the drill-down, the marks; scopes and errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from grassroots.cases import services as cases
from grassroots.core import clock
from grassroots.core.models import AuditEntry
from grassroots.insights.models import DemandMark
from grassroots.insights.periods import parse_period
from grassroots.insights.services import fold_changes

from .conftest import at

pytestmark = pytest.mark.django_db


def test_table_has_one_row_per_unit_of_the_level(month: Any, api_as: Any) -> None:
    fold_changes()
    response = api_as("supervisor").get("/insights/kpis", level="street", period="2025-03")
    assert response.status_code == 200
    rows = {r["unit"]: r for r in response.json()["rows"]}
    assert sorted(rows) == ["KS1", "KS2"]
    assert (rows["KS1"]["received"], rows["KS1"]["rank"]) == (4, None)  # below 10 cases


def test_drill_down_lists_as_many_cases_as_the_figure(month: Any, api_as: Any) -> None:
    fold_changes()
    api = api_as("supervisor")
    row = api.get("/insights/kpis", level="street", period="2025-03").json()["rows"][0]
    body = api.get(f"/insights/kpis/{row['unit']}/cases", kpi="response_rate", period="2025-03")
    assert body.status_code == 200
    assert (body.json()["count"], body.json()["hits"]) == (
        row["response_base"],
        row["responded_on_time"],
    )


def test_handler_sees_only_the_units_under_its_own(month: Any, api_as: Any) -> None:
    fold_changes()
    api = api_as("handler1")
    rows = api.get("/insights/kpis", level="street", period="2025-03").json()["rows"]
    assert [r["unit"] for r in rows] == ["KS1"]
    denied = api.get("/insights/kpis/KS2/cases", kpi="received", period="2025-03")
    assert (denied.status_code, denied.json()["code"]) == (404, "not_found")


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"level": "street", "period": "2025-13"}, "bad_period"),
        ({"level": "planet", "period": "2025-03"}, "invalid"),
        ({"level": "street", "period": "2025-03", "unit": "NOPE"}, "not_found"),
    ],
)
def test_bad_table_requests_are_4xx_with_a_code(api_as: Any, params: Any, code: str) -> None:
    response = api_as("supervisor").get("/insights/kpis", **params)
    assert response.status_code in (404, 422)
    assert response.json()["code"] == code


def test_unknown_kpi_is_refused(month: Any, api_as: Any) -> None:
    response = api_as("supervisor").get("/insights/kpis/KS1/cases", kpi="luck", period="2025-03")
    assert (response.status_code, response.json()["code"]) == (422, "unknown_kpi")


def test_anonymous_gets_no_figures(api_as: Any) -> None:
    response = api_as("anonymous").get("/insights/kpis", level="street", period="2025-03")
    assert response.status_code == 401


def test_handler_may_not_mark_and_nothing_changes(month: Any, api_as: Any) -> None:
    case = month["spam"]
    response = api_as("handler1").post(
        f"/insights/cases/{case.pk}/unreasonable", {"reason": "Unreasonable"}
    )
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert DemandMark.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="insights.").exists()


def test_supervisor_marks_and_withdraws_on_the_record(month: Any, api_as: Any) -> None:
    api, case = api_as("supervisor"), month["spam"]
    marked = api.post(f"/insights/cases/{case.pk}/unreasonable", {"reason": "Wants a new road"})
    again = api.post(f"/insights/cases/{case.pk}/unreasonable", {"reason": "Twice"})
    withdrawn = api.post(
        f"/insights/cases/{case.pk}/unreasonable/withdraw", {"reason": "Reviewed again"}
    )
    assert (marked.status_code, again.status_code, withdrawn.status_code) == (200, 409, 200)
    assert withdrawn.json()["unreasonable"]["active"] is False
    actions = list(
        AuditEntry.objects.filter(action__startswith="insights.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["insights.demand.marked", "insights.demand.withdrawn"]


def test_mark_needs_a_reason(month: Any, api_as: Any) -> None:
    response = api_as("supervisor").post(
        f"/insights/cases/{month['spam'].pk}/unreasonable", {"reason": "  "}
    )
    assert (response.status_code, response.json()["code"]) == (422, "invalid")


def test_fold_takes_in_what_changed_after_the_watermark(
    month: Any, api_as: Any, people: Any
) -> None:
    # given folded roll-ups, then the stuck case is accepted and answered
    fold_changes()
    api = api_as("supervisor")
    before = api.get("/insights/kpis", level="street", period="2025-03").json()["rows"]
    with clock.at(at("2025-03-12 09:30")):
        cases.accept_case(month["stuck"], actor=people["handler2"])
    # when the next fold runs
    report = fold_changes()
    after = api.get("/insights/kpis", level="street", period="2025-03").json()["rows"]
    # then the street's response figure moved by one
    s2_before = next(r for r in before if r["unit"] == "KS2")
    s2_after = next(r for r in after if r["unit"] == "KS2")
    assert (s2_before["responded_on_time"], s2_after["responded_on_time"]) == (0, 1)
    assert report.cases >= 1


def test_the_fold_is_a_periodic_task() -> None:
    assert ("grassroots.insights.tasks.fold_kpis", settings.SWEEP_INTERVAL_SECONDS) in (
        settings.PERIODIC_TASKS
    )


def test_periods_of_every_kind_parse() -> None:
    assert (parse_period("2024-12").start.isoformat(), parse_period("2024-12").end.isoformat()) == (
        "2024-12-01",
        "2025-01-01",
    )
    week = parse_period("2025-W10")
    assert (week.start.isoformat(), week.end.isoformat()) == ("2025-03-03", "2025-03-10")
    assert parse_period("2025-03-05..2025-03-06").end.isoformat() == "2025-03-07"
    assert parse_period("2025-01").previous().label == "2024-12"
