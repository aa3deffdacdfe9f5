"""The unreasonable-demand mark on the staff case page: always shown while active, marked and
withdrawn by a supervisor with a reason, each step on the timeline and in the audit log."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from grassroots.cases import services
from grassroots.cases.enums import CaseEventType
from grassroots.cases.models import Case, CaseEvent
from grassroots.cases.presenters import track
from grassroots.core.audit import AuditEntry
from grassroots.insights.models import DemandMark
from grassroots.insights.services import mark_unreasonable
from tests.factories.cases import submit

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true", "Accept-Language": "en"}


def as_user(user: Any) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


@pytest.fixture
def case(city: Any, people: Any) -> Case:
    case = submit(subject="Wants the neighbour's tree cut, daily", lat=39.1, lng=116.1)
    return services.dispatch_case(case, unit=city["s1"], actor=people["dispatcher"])


def _events(case: Case, kind: str) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case, type=kind))


def _audits(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


def test_the_page_shows_the_mark_to_a_handler_without_the_form(case: Case, people: Any) -> None:
    # given a case a supervisor marked through the service (as the API does)
    mark_unreasonable(case, reason="Twelfth call this week", actor=people["supervisor"])
    # when the street's handler opens it
    page = as_user(people["handler1"]).get(f"/console/cases/{case.pk}/").content.decode()
    # then the notice says who, when, why and what it means, and the timeline has the step
    assert 'data-testid="demand-mark-notice"' in page
    assert "Marked as unreasonable demand by supervisor on" in page
    assert "Twelfth call this week — excluded from the rates." in page
    assert page.count("Marked as unreasonable demand") >= 2  # notice and timeline
    # but the handler may not mark or withdraw
    assert f'action="/console/cases/{case.pk}/demand/"' not in page
    assert (
        as_user(people["handler1"])
        .post(f"/console/cases/{case.pk}/demand/", {"action": "withdraw", "reason": "No"})
        .status_code
        == 403
    )
    assert DemandMark.objects.get(case=case).active


def test_an_unmarked_case_shows_no_notice_and_the_supervisor_gets_the_form(
    case: Case, people: Any
) -> None:
    handler_page = as_user(people["handler1"]).get(f"/console/cases/{case.pk}/").content.decode()
    assert 'data-testid="demand-mark"' not in handler_page
    page = as_user(people["supervisor"]).get(f"/console/cases/{case.pk}/").content.decode()
    assert 'data-testid="demand-mark-notice"' not in page
    assert 'data-action="demand-mark"' in page


def test_a_supervisor_marks_and_withdraws_from_the_page(case: Case, people: Any) -> None:
    client = as_user(people["supervisor"])
    url = f"/console/cases/{case.pk}/demand/"
    # when the supervisor marks with a reason (htmx: the panel comes back)
    response = client.post(url, {"action": "mark", "reason": "Same demand, 40 times"}, headers=HTMX)
    # then the case is marked, the staff-only event and both audit entries are written
    assert response.status_code == 200
    panel = response.content.decode()
    assert "Same demand, 40 times — excluded from the rates." in panel
    assert 'data-action="demand-withdraw"' in panel
    (event,) = _events(case, CaseEventType.DEMAND_MARKED)
    assert (event.public, event.note, event.actor) == (
        False,
        "Same demand, 40 times",
        people["supervisor"],
    )
    assert _audits("insights.demand.marked") == 1
    assert _audits("cases.case.demand_marked") == 1
    # when the supervisor withdraws it (no htmx: back to the page)
    response = client.post(url, {"action": "withdraw", "reason": "Misjudged"})
    assert (response.status_code, response["Location"]) == (302, f"/console/cases/{case.pk}/")
    # then the mark is withdrawn, the notice gone, the withdrawal on the timeline and audited
    assert not DemandMark.objects.get(case=case).active
    page = client.get(f"/console/cases/{case.pk}/").content.decode()
    assert 'data-testid="demand-mark-notice"' not in page
    assert "Unreasonable-demand mark withdrawn" in page and "Misjudged" in page
    (withdrawn,) = _events(case, CaseEventType.DEMAND_UNMARKED)
    assert withdrawn.public is False
    assert _audits("insights.demand.withdrawn") == 1


@pytest.mark.parametrize("reason", ["", "   "])
def test_no_reason_is_a_form_error_and_nothing_is_written(
    case: Case, people: Any, reason: str
) -> None:
    client = as_user(people["supervisor"])
    response = client.post(
        f"/console/cases/{case.pk}/demand/", {"action": "mark", "reason": reason}
    )
    assert response.status_code == 400
    assert 'data-testid="demand-mark-error"' in response.content.decode()
    assert not DemandMark.objects.filter(case=case).exists()
    assert not _events(case, CaseEventType.DEMAND_MARKED)
    assert _audits("insights.demand.marked") == 0
    # htmx: the panel with the error, still a 2xx so that it is swapped in
    response = client.post(
        f"/console/cases/{case.pk}/demand/", {"action": "mark", "reason": reason}, headers=HTMX
    )
    assert response.status_code == 200 and "Give a reason." in response.content.decode()


def test_withdrawing_an_unmarked_case_is_a_form_error(case: Case, people: Any) -> None:
    response = as_user(people["supervisor"]).post(
        f"/console/cases/{case.pk}/demand/", {"action": "withdraw", "reason": "Oops"}
    )
    assert response.status_code == 400
    assert "The case is not marked." in response.content.decode()
    assert not _events(case, CaseEventType.DEMAND_UNMARKED)


def test_residents_never_see_the_mark(case: Case, people: Any) -> None:
    mark_unreasonable(case, reason="Twelfth call", actor=people["supervisor"])
    seen = track(Case.objects.get(pk=case.pk))
    assert "Twelfth call" not in str(seen)
    assert "demand_marked" not in str(seen)
