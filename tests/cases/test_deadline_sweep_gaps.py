"""The deadline sweep's harder cases: the respond deadline, the dispatch queue, moved deadlines,
and automatic closure under concurrent sweeps (ADR 0005, docs/domain/cases.md)."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from grassroots.accounts.models import Notification
from grassroots.cases import services, tasks
from grassroots.cases.enums import CaseEventType, CaseStatus, Priority
from grassroots.cases.models import Case, CaseEvent
from grassroots.core import clock
from grassroots.organizations import duty
from tests.factories.cases import person, staff, submit
from tests.factories.organizations import make_tree

pytestmark = pytest.mark.django_db


def _fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def _dispatched(tree: Any, people: Any, **draft: Any) -> Case:
    case = submit(**draft)
    services.dispatch_case(case, unit=tree["s1"], actor=people["dispatcher"])
    return _fresh(case)


def _queued_at(unit: Any, **draft: Any) -> Case:
    """A case in the dispatch queue located in `unit` (the geo lookup is not under test)."""
    case = submit(**draft)
    Case.objects.filter(pk=case.pk).update(place_unit=unit)
    return _fresh(case)


def _escalations(case: Case) -> list[str]:
    events = CaseEvent.objects.filter(case=case, type=CaseEventType.ESCALATED).order_by("id")
    return [e.data["deadline"] for e in events]


def _told(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


def _respond_due(case: Case) -> datetime:
    assert case.respond_due is not None
    return case.respond_due


def _resolve_due(case: Case) -> datetime:
    assert case.resolve_due is not None
    return case.resolve_due


# --- 1. the respond deadline escalates, apart from the resolve deadline -----------------------


def test_a_dispatched_case_nobody_accepts_escalates_for_its_respond_deadline_once(
    tree: Any, people: Any
) -> None:
    person("s1-supervisor", "supervisor", tree["s1"])
    case = _dispatched(tree, people)
    late = _respond_due(case) + timedelta(minutes=1)
    assert late < _resolve_due(case)

    first, again = tasks.sweep(late), tasks.sweep(late + timedelta(minutes=5))

    assert (first.escalated, again.escalated) == (1, 0)
    stored = _fresh(case)
    assert (stored.escalated_respond, stored.escalated) == (True, False)
    assert _escalations(case) == ["respond"]
    assert _told("case.escalated.respond") == {"s1-supervisor"}
    note = Notification.objects.get(kind="case.escalated.respond")
    assert note.title.startswith("No first contact in time: ")
    assert _told("case.escalated") == set()

    # the resolve deadline still escalates, on its own flag, once
    later = _resolve_due(case) + timedelta(hours=1)
    assert (tasks.sweep(later).escalated, tasks.sweep(later).escalated) == (1, 0)
    assert _escalations(case) == ["respond", "resolve"]
    assert _told("case.escalated") == {"s1-supervisor"}


def test_after_downtime_both_deadlines_escalate_in_one_sweep_each_once(
    tree: Any, people: Any
) -> None:
    case = _dispatched(tree, people)

    report = tasks.sweep(_resolve_due(case) + timedelta(days=3))

    assert report.escalated == 2
    assert sorted(_escalations(case)) == ["resolve", "respond"]
    assert tasks.sweep(_resolve_due(case) + timedelta(days=4)).escalated == 0


def test_first_contact_in_time_means_no_respond_escalation(tree: Any, people: Any) -> None:
    case = _dispatched(tree, people)
    services.accept_case(case, actor=people["handler1"])  # records responded_at

    report = tasks.sweep(_respond_due(case) + timedelta(hours=1))

    assert report.escalated == 0
    assert _fresh(case).escalated_respond is False


def test_a_transferred_case_already_contacted_gets_no_respond_reminder(
    tree: Any, people: Any
) -> None:
    case = _dispatched(tree, people)
    services.accept_case(case, actor=people["handler1"])
    services.transfer_case(case, unit=tree["s2"], reason="theirs", actor=people["dispatcher"])
    assert _fresh(case).status == CaseStatus.DISPATCHED

    report = tasks.sweep(_respond_due(case) + timedelta(minutes=1))

    assert (report.reminded, report.escalated) == (0, 0)


# --- 2. cases still in the dispatch queue ------------------------------------------------------


def test_a_queued_case_is_remembered_to_the_dispatcher_on_duty_for_its_place(
    tree: Any, people: Any
) -> None:
    on_call = person("d1-dispatcher", "dispatcher", tree["d1"])
    person("d1-dispatcher-off", "dispatcher", tree["d1"])
    case = _queued_at(tree["s1"])
    at = _respond_due(case) - timedelta(minutes=30)
    duty.add_shift(
        on_call,
        unit=tree["d1"],
        starts_at=at - timedelta(hours=1),
        ends_at=at + timedelta(hours=1),
        actor=None,
    )

    first, second = tasks.sweep(at), tasks.sweep(at + timedelta(minutes=5))

    assert (first.reminded, second.reminded) == (1, 0)
    assert _told("case.reminder.respond") == {"d1-dispatcher"}
    event = CaseEvent.objects.get(case=case, type=CaseEventType.REMINDED)
    assert event.data["deadline"] == "respond" and event.data["queue"] is True


def test_with_nobody_on_duty_the_nearest_dispatchers_of_the_place_are_reminded(
    tree: Any, people: Any
) -> None:
    person("d1-dispatcher", "dispatcher", tree["d1"])
    person("d2-dispatcher", "dispatcher", tree["d2"])  # another district: not theirs
    case = _queued_at(tree["s1"])

    tasks.sweep(_respond_due(case) - timedelta(minutes=30))

    assert _told("case.reminder.respond") == {"d1-dispatcher"}  # not the city one above them


def test_a_queued_case_without_a_place_goes_to_the_root_centre(tree: Any, people: Any) -> None:
    person("d1-dispatcher", "dispatcher", tree["d1"])  # cannot see a case without a place
    case = submit()

    tasks.sweep(_respond_due(case) - timedelta(minutes=30))

    assert _told("case.reminder.respond") == {"dispatcher"}


def test_a_queued_case_past_its_respond_deadline_escalates_to_the_centre_supervisors(
    tree: Any, people: Any
) -> None:
    person("d1-supervisor", "supervisor", tree["d1"])
    person("d2-supervisor", "supervisor", tree["d2"])
    case = _queued_at(tree["s1"])
    late = _respond_due(case) + timedelta(minutes=1)

    assert (tasks.sweep(late).escalated, tasks.sweep(late).escalated) == (1, 0)

    assert _escalations(case) == ["respond"]
    assert _told("case.escalated.respond") == {"d1-supervisor"}
    note = Notification.objects.get(kind="case.escalated.respond")
    assert note.title.startswith("Not dispatched in time: ")


def test_without_a_supervisor_the_escalation_still_reaches_the_dispatchers() -> None:
    units = make_tree("Q")  # a second tree: no supervisor anywhere in it
    person("q-dispatcher", "dispatcher", units["d1"])
    case = _queued_at(units["s1"])

    tasks.sweep(_respond_due(case) + timedelta(minutes=1))

    assert _told("case.escalated.respond") == {"q-dispatcher"}


def test_a_queued_case_past_its_resolve_deadline_escalates_too(tree: Any, people: Any) -> None:
    case = _queued_at(tree["s1"])

    tasks.sweep(_resolve_due(case) + timedelta(hours=1))

    assert sorted(_escalations(case)) == ["resolve", "respond"]
    assert _told("case.escalated") == {"supervisor"}  # the city's, the nearest above s1


# --- 4. claimed cases are not walked again -----------------------------------------------------


def test_a_second_sweep_reads_no_claimed_case(
    tree: Any, people: Any, django_assert_max_num_queries: Any
) -> None:
    for _n in range(3):
        _dispatched(tree, people)
    late = _resolve_due(Case.objects.first()) + timedelta(days=1)  # type: ignore[arg-type]
    assert tasks.sweep(late).escalated == 6

    # four selects (one per deadline and kind) and one for automatic closure: no UPDATE
    with django_assert_max_num_queries(5) as captured:
        report = tasks.sweep(late)

    assert (report.reminded, report.escalated) == (0, 0)
    assert not [q for q in captured.captured_queries if q["sql"].startswith("UPDATE")]


# --- 5. a moved deadline gets its own reminder and escalation ---------------------------------


def test_a_reopened_case_is_reminded_and_escalated_again_for_its_new_deadline(
    tree: Any, people: Any
) -> None:
    case = _dispatched(tree, people)
    services.accept_case(case, actor=people["handler1"])
    tasks.sweep(_resolve_due(case) + timedelta(hours=1))
    services.reply_case(case, reply="Done.", actor=people["handler1"])
    services.reopen_case(case, reason="Still dark.", actor=people["dispatcher"])
    reopened = _fresh(case)
    assert (reopened.reminded_resolve, reopened.escalated) == (False, False)

    report = tasks.sweep(_resolve_due(reopened) + timedelta(hours=1))

    assert (report.reminded, report.escalated) == (1, 1)
    assert _escalations(case) == ["resolve", "resolve"]


def test_an_approved_extension_reminds_again_before_the_new_deadline(
    tree: Any, people: Any
) -> None:
    case = _dispatched(tree, people)
    services.accept_case(case, actor=people["handler1"])
    tasks.sweep(_resolve_due(case) + timedelta(hours=1))
    extension = services.request_extension(
        case, working_days=3, reason="parts", actor=people["handler1"]
    )
    services.decide_extension(extension, approve=True, actor=people["supervisor"])
    extended = _fresh(case)

    soon = tasks.sweep(_resolve_due(extended) - timedelta(hours=1))
    late = tasks.sweep(_resolve_due(extended) + timedelta(hours=1))

    assert (soon.reminded, soon.escalated, late.escalated) == (1, 0, 1)


def test_a_later_respond_deadline_from_a_new_priority_escalates_again(
    tree: Any, people: Any
) -> None:
    case = submit(priority=Priority.EMERGENCY)
    late = _respond_due(case) + timedelta(minutes=1)
    with clock.at(late):
        assert tasks.sweep(late).escalated == 1
        services.change_case_priority(
            case, priority=Priority.NORMAL, actor=people["supervisor"], reason="Not urgent."
        )
    moved = _fresh(case)
    assert _respond_due(moved) > late
    assert (moved.reminded_respond, moved.escalated_respond) == (False, False)

    report = tasks.sweep(_respond_due(moved) + timedelta(minutes=1))

    assert report.escalated == 1
    assert _escalations(case) == ["respond", "respond"]


def test_an_earlier_respond_deadline_already_passed_does_not_escalate_twice(
    tree: Any, people: Any
) -> None:
    case = submit()
    late = _respond_due(case) + timedelta(minutes=1)
    with clock.at(late):
        assert tasks.sweep(late).escalated == 1
        services.change_case_priority(
            case, priority=Priority.EMERGENCY, actor=people["supervisor"], reason="Gas smell."
        )
    moved = _fresh(case)
    assert _respond_due(moved) < late and moved.escalated_respond is True

    tasks.sweep(late + timedelta(minutes=1))  # the resolve deadline, moved back too, may escalate

    assert _escalations(case).count("respond") == 1


def test_return_and_transfer_keep_the_deadlines_and_what_was_sent_for_them(
    tree: Any, people: Any
) -> None:
    case = _dispatched(tree, people)
    late = _respond_due(case) + timedelta(minutes=1)
    tasks.sweep(late)  # reminded the unit, escalated to the supervisors: once
    services.return_case(case, reason="Not ours.", actor=people["handler1"])
    services.dispatch_case(case, unit=tree["s2"], actor=people["dispatcher"])
    services.transfer_case(case, unit=tree["s1"], reason="Back.", actor=people["dispatcher"])
    stored = _fresh(case)
    assert (stored.respond_due, stored.resolve_due) == (case.respond_due, case.resolve_due)

    assert tasks.sweep(late + timedelta(minutes=5)).escalated == 0
    assert _escalations(case) == ["respond"]


def test_a_case_returned_before_its_respond_deadline_alerts_the_centre_when_it_passes(
    tree: Any, people: Any
) -> None:
    case = _dispatched(tree, people)
    services.return_case(case, reason="Not ours.", actor=people["handler1"])

    tasks.sweep(_respond_due(case) + timedelta(minutes=1))

    assert _told("case.escalated.respond") == {"supervisor"}  # the city, the case has no place


# --- 3. automatic closure: a claim, never a crash ----------------------------------------------


def _replied(tree: Any, people: Any) -> Case:
    case = _dispatched(tree, people)
    services.accept_case(case, actor=people["handler1"])
    services.reply_case(case, reply="Fixed.", actor=people["handler1"])
    return _fresh(case)


def _closings(case: Case) -> int:
    return CaseEvent.objects.filter(case=case, type=CaseEventType.CLOSED).count()


def test_a_sweep_meeting_a_case_closed_meanwhile_goes_on_with_the_next(
    tree: Any, people: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second, third = (_replied(tree, people) for _n in range(3))
    real = tasks.close_case

    def close_and_let_another_worker_close_the_second(case: Case, **kw: Any) -> Case:
        if case.pk == first.pk:  # another worker closes the second while this one works
            services.close_case(second, note="by hand", actor=people["dispatcher"])
        return real(case, **kw)

    monkeypatch.setattr(tasks, "close_case", close_and_let_another_worker_close_the_second)
    late = timezone.now() + timedelta(days=30)

    report = tasks.sweep(late)

    assert report.auto_closed == 2  # the first and the third
    assert [_closings(c) for c in (first, second, third)] == [1, 1, 1]
    assert {_fresh(c).status for c in (first, second, third)} == {CaseStatus.CLOSED}


def _waiting_on_a_lock(timeout: float) -> bool:
    """Whether another session waits for a row lock (PostgreSQL), polled up to `timeout`."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.02)
    return False


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_close_a_due_case_once_and_neither_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the in-memory SQLite test database admits one writer at a time")
    tree = make_tree()
    people = staff(tree)
    case = _replied(tree, people)
    late = timezone.now() + timedelta(days=30)
    real = tasks.close_case
    inside, release = threading.Event(), threading.Event()

    def close_then_hold(locked: Case, **kw: Any) -> Case:
        closed = real(locked, **kw)
        if not inside.is_set():  # the first sweep holds its closed, uncommitted row
            inside.set()
            release.wait(10)
        return closed

    monkeypatch.setattr(tasks, "close_case", close_then_hold)
    results: dict[str, Any] = {}

    def run(name: str) -> None:
        try:
            results[name] = tasks.sweep(late)
        except Exception as exc:  # the assertion below names it
            results[name] = exc
        finally:
            connection.close()

    first = threading.Thread(target=run, args=("first",))
    first.start()
    assert inside.wait(10)
    second = threading.Thread(target=run, args=("second",))
    second.start()
    waited = _waiting_on_a_lock(10)  # the second sweep reached the row the first one holds
    release.set()
    first.join(20)
    second.join(20)

    assert waited
    assert not [r for r in results.values() if isinstance(r, Exception)], results
    assert sorted(r.auto_closed for r in results.values()) == [0, 1]
    assert _closings(case) == 1
    assert _fresh(case).status == CaseStatus.CLOSED
