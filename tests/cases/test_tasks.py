"""Reminders, escalation and automatic closure: each exactly once, caught up after downtime."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from grassroots.accounts.models import Notification
from grassroots.cases import services, tasks
from grassroots.cases.enums import CaseEventType, CaseStatus
from grassroots.cases.models import Case, CaseEvent
from tests.factories.cases import person, submit

pytestmark = pytest.mark.django_db


def _dispatched(tree: Any, people: Any) -> Case:
    case = submit()
    services.dispatch_case(case, unit=tree["s1"], actor=people["dispatcher"])
    return Case.objects.get(pk=case.pk)


def _events(case: Case, kind: str) -> int:
    return CaseEvent.objects.filter(case=case, type=kind).count()


def test_nothing_is_due_right_after_dispatch(tree: Any, people: Any) -> None:
    _dispatched(tree, people)

    report = tasks.sweep(timezone.now())

    assert (report.reminded, report.escalated, report.auto_closed) == (0, 0, 0)


def test_respond_reminder_goes_to_the_units_handlers_once(tree: Any, people: Any) -> None:
    case = _dispatched(tree, people)
    assert case.respond_due is not None
    at = case.respond_due - timedelta(minutes=30)

    first = tasks.sweep(at)
    second = tasks.sweep(at + timedelta(minutes=5))

    assert (first.reminded, second.reminded) == (1, 0)
    assert _events(case, CaseEventType.REMINDED) == 1
    assert list(Notification.objects.values_list("user__username", "kind")) == [
        ("handler1", "case.reminder.respond")
    ]


def test_overdue_case_escalates_to_the_nearest_supervisor_once(tree: Any, people: Any) -> None:
    street_supervisor = person("s1-supervisor", "supervisor", tree["s1"])
    case = _dispatched(tree, people)
    services.accept_case(case, actor=people["handler1"])  # responded: only resolve can be late
    assert case.resolve_due is not None
    late = case.resolve_due + timedelta(days=3)  # the workers were down for days

    report = tasks.sweep(late)
    again = tasks.sweep(late)

    assert (report.escalated, again.escalated) == (1, 0)
    assert Case.objects.get(pk=case.pk).escalated is True
    recipients = set(
        Notification.objects.filter(kind="case.escalated").values_list("user", flat=True)
    )
    assert recipients == {street_supervisor.pk}


def test_two_workers_sweeping_at_once_escalate_once(tree: Any, people: Any) -> None:
    case = _dispatched(tree, people)
    assert case.resolve_due is not None
    stale = Case.objects.filter(pk=case.pk)  # both workers read the case before either claims

    claimed = [tasks._claim(c.pk, "escalated") for c in (stale.get(), stale.get())]

    assert claimed == [True, False]


def test_an_approved_extension_allows_a_new_escalation_for_the_new_deadline(
    tree: Any, people: Any
) -> None:
    case = _dispatched(tree, people)
    services.accept_case(case, actor=people["handler1"])
    assert case.resolve_due is not None
    tasks.sweep(case.resolve_due + timedelta(hours=1))
    extension = services.request_extension(
        case, working_days=2, reason="parts", actor=people["handler1"]
    )
    services.decide_extension(extension, approve=True, actor=people["supervisor"])
    new_due = Case.objects.get(pk=case.pk).resolve_due
    assert new_due is not None

    report = tasks.sweep(new_due + timedelta(hours=1))

    assert report.escalated == 1
    assert _events(case, CaseEventType.ESCALATED) == 2


def test_unanswered_follow_up_closes_the_case_automatically(
    tree: Any, people: Any, settings: Any
) -> None:
    settings.CASE_AUTO_CLOSE_AFTER_HOURS = 72
    case = _dispatched(tree, people)
    services.accept_case(case, actor=people["handler1"])
    services.reply_case(case, reply="Done.", actor=people["handler1"])
    replied = Case.objects.get(pk=case.pk).replied_at
    assert replied is not None

    early = tasks.sweep(replied + timedelta(hours=71))
    late = tasks.sweep(replied + timedelta(hours=73))

    assert (early.auto_closed, late.auto_closed) == (0, 1)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED
    closed = CaseEvent.objects.get(case=case, type=CaseEventType.CLOSED)
    assert closed.data == {"auto": True}


def test_the_scheduler_enqueues_the_sweep(tree: Any, people: Any) -> None:
    case = _dispatched(tree, people)
    Case.objects.filter(pk=case.pk).update(resolve_due=timezone.now() - timedelta(hours=1))

    call_command("scheduler", "--once")  # the test backend runs enqueued tasks at once

    assert Case.objects.get(pk=case.pk).escalated is True
