"""Changing a case's priority or category: legal states, new deadlines, timeline and audit."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from grassroots.cases import services
from grassroots.cases.enums import CaseEventType, CaseStatus, Priority
from grassroots.cases.errors import CaseError
from grassroots.cases.models import Case, Category
from grassroots.core.models import AuditEntry

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
# A Tuesday, 10:00, in a week without holidays.
AT = datetime(2025, 11, 4, 10, 0, tzinfo=SH)


def _submit(**kw: Any) -> Case:
    draft = services.CaseDraft(kind="complaint", subject="Gas smell in the stairwell", **kw)
    return services.submit_case(draft, actor=None, now=AT).case


def _state(case: Case) -> tuple[Any, ...]:
    case.refresh_from_db()
    return (case.priority, case.category_id, case.respond_due, case.resolve_due, case.status)


def test_raising_to_emergency_gives_the_emergency_deadlines_from_reception(people: Any) -> None:
    case = _submit()
    assert case.resolve_due.astimezone(SH) == datetime(2025, 11, 13, 18, 0, tzinfo=SH)

    services.change_case_priority(
        case, priority=Priority.EMERGENCY, actor=people["dispatcher"], reason="Gas leak"
    )

    case.refresh_from_db()
    assert case.priority == Priority.EMERGENCY
    assert case.respond_due.astimezone(SH) == datetime(2025, 11, 4, 12, 0, tzinfo=SH)
    assert case.resolve_due.astimezone(SH) == datetime(2025, 11, 5, 10, 0, tzinfo=SH)
    event = case.events.get(type=CaseEventType.PRIORITY_CHANGED)
    assert (event.note, event.public, event.actor, event.from_status, event.to_status) == (
        "Gas leak",
        False,
        people["dispatcher"],
        CaseStatus.RECEIVED,
        CaseStatus.RECEIVED,
    )
    assert (event.data["old"], event.data["new"]) == ("normal", "emergency")
    assert event.data["deadlines_before"]["resolve_due"].startswith("2025-11-13T10:00")
    assert AuditEntry.objects.filter(
        action="cases.case.priority_changed", summary=case.tracking_code
    ).exists()


def test_emergency_jumps_the_dispatch_queue(people: Any) -> None:
    first, second = _submit(), _submit()
    assert list(Case.objects.in_dispatch_queue()) == [first, second]

    services.change_case_priority(
        second, priority=Priority.EMERGENCY, actor=people["dispatcher"], reason="Fire"
    )

    assert list(Case.objects.in_dispatch_queue()) == [second, first]


def test_changing_category_applies_that_categorys_policy(people: Any) -> None:
    case = _submit()
    wages = Category.objects.get(code="labour.wages")

    services.change_case_category(
        case, category=wages, actor=people["dispatcher"], reason="Unpaid wages, not gas"
    )

    case.refresh_from_db()
    assert case.category == wages
    # Fifteen working days from Tuesday 4 November 2025.
    assert case.resolve_due.astimezone(SH) == datetime(2025, 11, 25, 18, 0, tzinfo=SH)
    event = case.events.get(type=CaseEventType.CATEGORY_CHANGED)
    assert (event.data["old"], event.data["new"], event.note) == (
        None,
        "labour.wages",
        "Unpaid wages, not gas",
    )


def test_a_met_respond_deadline_stays_and_the_resolve_deadline_moves(
    people: Any, tree: Any
) -> None:
    case = _submit()
    services.dispatch_case(case, unit=tree["s1"], actor=people["dispatcher"])
    services.accept_case(case, actor=people["handler1"])
    case.refresh_from_db()
    respond_due = case.respond_due

    services.change_case_priority(
        case, priority=Priority.URGENT, actor=people["dispatcher"], reason="Elderly resident"
    )

    case.refresh_from_db()
    assert (case.status, case.respond_due) == (CaseStatus.ACCEPTED, respond_due)
    # Urgent: three working days from Tuesday 10:00.
    assert case.resolve_due.astimezone(SH) == datetime(2025, 11, 7, 18, 0, tzinfo=SH)


@pytest.mark.parametrize("status", [CaseStatus.REPLIED, CaseStatus.CLOSED, CaseStatus.MERGED])
def test_answered_or_finished_cases_cannot_be_reclassified(people: Any, status: str) -> None:
    case = _submit()
    Case.objects.filter(pk=case.pk).update(status=status)
    before = _state(case)
    events = case.events.count()
    wages = Category.objects.get(code="labour.wages")

    with pytest.raises(CaseError) as priority_refused:
        services.change_case_priority(
            case, priority=Priority.EMERGENCY, actor=people["dispatcher"], reason="Fire"
        )
    with pytest.raises(CaseError) as category_refused:
        services.change_case_category(
            case, category=wages, actor=people["dispatcher"], reason="Wages"
        )

    assert (priority_refused.value.code, priority_refused.value.status) == (
        "illegal_transition",
        409,
    )
    assert category_refused.value.code == "illegal_transition"
    assert (_state(case), case.events.count()) == (before, events)


def test_same_priority_unknown_priority_and_missing_reason_are_refused(people: Any) -> None:
    case = _submit()
    before = _state(case)
    refused = []
    for priority, reason in (("normal", "x"), ("critical", "x"), ("urgent", "  ")):
        with pytest.raises(CaseError) as caught:
            services.change_case_priority(
                case, priority=priority, actor=people["dispatcher"], reason=reason
            )
        refused.append(caught.value.code)

    assert refused == ["invalid_case", "invalid_case", "invalid_case"]
    assert _state(case) == before
    assert not case.events.filter(type=CaseEventType.PRIORITY_CHANGED).exists()


def test_same_or_inactive_category_is_refused(people: Any) -> None:
    wages = Category.objects.get(code="labour.wages")
    case = _submit(category="labour.wages")
    noise = Category.objects.get(code="environment.noise")
    Category.objects.filter(pk=noise.pk).update(is_active=False)
    noise.refresh_from_db()
    before = _state(case)

    with pytest.raises(CaseError) as same:
        services.change_case_category(case, category=wages, actor=None, reason="x")
    with pytest.raises(CaseError) as inactive:
        services.change_case_category(case, category=noise, actor=None, reason="x")

    assert (same.value.code, inactive.value.code) == ("invalid_case", "unknown_category")
    assert _state(case) == before


def test_reopened_case_restarts_the_resolve_clock_at_the_reopen(people: Any, tree: Any) -> None:
    case = _submit()
    reopened_at = datetime(2025, 11, 20, 10, 0, tzinfo=SH)
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.ACCEPTED, reopen_count=1, unit=tree["s1"]
    )
    case.events.create(type=CaseEventType.REOPENED, at=reopened_at, actor_label="resident", data={})

    services.change_case_priority(
        case, priority=Priority.EMERGENCY, actor=people["dispatcher"], reason="Now dangerous"
    )

    case.refresh_from_db()
    assert case.resolve_due.astimezone(SH) == datetime(2025, 11, 21, 10, 0, tzinfo=SH)
