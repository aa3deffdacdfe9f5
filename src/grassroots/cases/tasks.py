"""Deadline work in the background: reminders, escalation, automatic closure.

One periodic sweep finds what is due from the cases' own state, so it catches up after any
downtime, and claims each item with a compare-and-set UPDATE, so that several workers running
the sweep at once act on each item exactly once.

Who hears of it depends on where the case is (docs/domain/cases.md "Background work"):
- with a unit (dispatched, accepted): reminders to the unit's handlers, escalations to the
  nearest supervisors above the unit;
- still in the dispatch queue (received): reminders to the dispatchers on duty for the case's
  place (else the nearest dispatchers whose area holds it), escalations to the nearest
  supervisors whose area holds the place (else those dispatchers, so that it reaches someone).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_tasks import task

from grassroots.accounts.services import notify
from grassroots.core import clock
from grassroots.organizations.duty import on_duty
from grassroots.organizations.enums import Role
from grassroots.organizations.models import Membership, Unit

from .enums import CaseEventType, CaseStatus
from .models import Case
from .services import close_case
from .services._common import record

logger = logging.getLogger(__name__)
HANDLING = (CaseStatus.DISPATCHED, CaseStatus.ACCEPTED)
# The respond deadline (first contact with the resident) runs until a unit accepts the case.
NOT_RESPONDED = (CaseStatus.RECEIVED, CaseStatus.DISPATCHED)
# The resolve deadline runs until the case is answered, in the queue as with a unit.
NOT_ANSWERED = (CaseStatus.RECEIVED, *HANDLING)


@dataclass
class SweepReport:
    reminded: int = 0
    escalated: int = 0
    auto_closed: int = 0


def _claim(case_id: int, flag: str, due: QuerySet[Case] | None = None) -> bool:
    """Set a case's flag from False to True while it is still `due`; only one caller ever sees
    True. A case that moved on (answered, extended) since the sweep read it is not claimed."""
    rows = Case.objects.all() if due is None else due
    return rows.filter(pk=case_id, **{flag: False}).update(**{flag: True}) == 1


def _chain(unit: Unit | None) -> list[int]:
    """The unit and its ancestors; for no unit, the roots of the tree (who see every case)."""
    if unit is None:
        return list(Unit.objects.filter(parent__isnull=True).values_list("pk", flat=True))
    return [*unit.ancestor_ids, unit.pk]


def _holders(chain: list[int], roles: tuple[str, ...], *, nearest: bool) -> list[Any]:
    """Active holders of `roles` at the units of `chain` (only the deepest such level if asked)."""
    members = list(
        Membership.objects.filter(unit_id__in=chain, role__in=roles).select_related("user", "unit")
    )
    if nearest and members:
        deepest = max(m.unit.depth for m in members)
        members = [m for m in members if m.unit.depth == deepest]
    return list({m.user.pk: m.user for m in members if m.user.is_active}.values())


def _people(case: Case, roles: tuple[str, ...], *, nearest: bool) -> list[Any]:
    """Holders of `roles` at the case's unit or above it (only the nearest level if asked)."""
    return [] if case.unit is None else _holders(_chain(case.unit), roles, nearest=nearest)


def _dispatchers(case: Case, at: datetime) -> list[Any]:
    """Who must dispatch a queued case: the dispatchers on duty for its place at `at` (the duty
    roster); when nobody is, the nearest dispatchers whose area holds the place. A case with
    no place belongs to the root of the tree (only the root's centre sees it)."""
    places = (
        [case.place_unit]
        if case.place_unit is not None
        else Unit.objects.filter(parent__isnull=True)
    )
    rostered = {user.pk: user for place in places for user in on_duty(place, at)}
    if rostered:
        return list(rostered.values())
    return _holders(_chain(case.place_unit), (Role.DISPATCHER,), nearest=True)


def _centre_supervisors(case: Case, at: datetime) -> list[Any]:
    """Who hears that a queued case is overdue: the nearest supervisors whose area holds its
    place; without any, the dispatchers of `_dispatchers`."""
    chain = _chain(case.place_unit)
    return _holders(chain, (Role.SUPERVISOR,), nearest=True) or _dispatchers(case, at)


def _due(case: Case, which: str) -> datetime | None:
    return case.respond_due if which == "respond" else case.resolve_due


def _remind(case: Case, *, which: str, at: datetime) -> None:
    due = _due(case, which)
    iso = due.isoformat() if due else ""
    queued = case.status == CaseStatus.RECEIVED
    record(
        case,
        CaseEventType.REMINDED,
        actor=None,
        from_status=case.status,
        to_status=case.status,
        unit=case.unit,
        public=False,
        data={"deadline": which, "due": iso or None, **({"queue": True} if queued else {})},
    )
    words = {"code": case.tracking_code, "subject": case.subject}
    if queued:
        people = _dispatchers(case, at)
        title = _("Still in the dispatch queue, deadline soon: %(code)s %(subject)s") % words
    else:
        people = _people(case, (Role.HANDLER,), nearest=True)
        title = _("Deadline soon: %(code)s %(subject)s") % words
    _notify(
        people, kind=f"case.reminder.{which}", title=title, case=case, key=f"remind:{which}:{iso}"
    )


def _escalate(case: Case, *, which: str, at: datetime) -> None:
    due = _due(case, which)
    iso = due.isoformat() if due else ""
    queued = case.status == CaseStatus.RECEIVED
    record(
        case,
        CaseEventType.ESCALATED,
        actor=None,
        from_status=case.status,
        to_status=case.status,
        unit=case.unit,
        public=False,
        data={"deadline": which, "due": iso or None, **({"queue": True} if queued else {})},
    )
    words = {"code": case.tracking_code, "subject": case.subject}
    people = (
        _centre_supervisors(case, at) if queued else _people(case, (Role.SUPERVISOR,), nearest=True)
    )
    if which == "resolve":
        # Kind and dedupe key as before the respond escalation existed (already sent ones match).
        title = _("Overdue: %(code)s %(subject)s") % words
        _notify(people, kind="case.escalated", title=title, case=case, key=f"escalate:{iso}")
        return
    if queued:
        title = _("Not dispatched in time: %(code)s %(subject)s") % words
    else:
        title = _("No first contact in time: %(code)s %(subject)s") % words
    _notify(
        people, kind="case.escalated.respond", title=title, case=case, key=f"escalate:respond:{iso}"
    )


def _notify(people: Iterable[Any], *, kind: str, title: str, case: Case, key: str) -> None:
    notify(
        people, kind=kind, title=title, link=f"/cases/{case.pk}/", dedupe=f"case:{case.pk}:{key}"
    )


def _each(due: QuerySet[Case], flag: str, act: Callable[[Case], None]) -> int:
    """Claim and act on every case of `due` whose `flag` is still False, one transaction each."""
    pending = due.filter(**{flag: False})
    done = 0
    for case_id in list(pending.order_by("pk").values_list("pk", flat=True)):
        with transaction.atomic():
            if _claim(case_id, flag, pending):
                act(Case.objects.select_related("unit", "place_unit").get(pk=case_id))
                done += 1
    return done


def sweep(now: datetime | None = None) -> SweepReport:
    """Everything due at `now`: reminders, escalations, automatic closures."""
    now = now or clock.now()
    report = SweepReport()
    respond_soon = now + timedelta(hours=settings.CASE_REMIND_RESPOND_HOURS)
    resolve_soon = now + timedelta(hours=settings.CASE_REMIND_RESOLVE_HOURS)
    not_responded = Case.objects.filter(status__in=NOT_RESPONDED, responded_at__isnull=True)
    not_answered = Case.objects.filter(status__in=NOT_ANSWERED)
    report.reminded += _each(
        not_responded.filter(respond_due__lte=respond_soon),
        "reminded_respond",
        lambda c: _remind(c, which="respond", at=now),
    )
    report.reminded += _each(
        not_answered.filter(resolve_due__lte=resolve_soon),
        "reminded_resolve",
        lambda c: _remind(c, which="resolve", at=now),
    )
    report.escalated += _each(
        not_responded.filter(respond_due__lt=now),
        "escalated_respond",
        lambda c: _escalate(c, which="respond", at=now),
    )
    report.escalated += _each(
        not_answered.filter(resolve_due__lt=now),
        "escalated",  # the resolve deadline's flag (models.py)
        lambda c: _escalate(c, which="resolve", at=now),
    )
    report.auto_closed = _auto_close(now)
    return report


def _auto_close(now: datetime) -> int:
    """Close answered cases whose resident did not respond to the follow-up in time."""
    limit = now - timedelta(hours=settings.CASE_AUTO_CLOSE_AFTER_HOURS)
    due = Case.objects.filter(status=CaseStatus.REPLIED, replied_at__lt=limit)
    closed = 0
    for case_id in list(due.order_by("pk").values_list("pk", flat=True)):
        with transaction.atomic():
            # The claim: lock the row only while it is still due. A second worker waits here
            # for the first one's commit and then finds nothing (PostgreSQL re-checks the
            # condition on the locked row; SQLite runs one writer at a time), so it never
            # meets the closed case in `close_case` and goes on with the next one.
            case = due.select_for_update().filter(pk=case_id).first()
            if case is None:
                continue
            close_case(case, note=_("No answer to the follow-up in time."), actor=None, auto=True)
            closed += 1
    return closed


@task()
def sweep_deadlines() -> dict[str, int]:
    """The periodic task: run `sweep` now; returns the counts for the task result."""
    report = sweep()
    if report.reminded or report.escalated or report.auto_closed:
        logger.info("deadline sweep: %s", report)
    return {
        "reminded": report.reminded,
        "escalated": report.escalated,
        "auto_closed": report.auto_closed,
    }


@task()
def erase_expired_personal_data() -> dict[str, int]:
    """The periodic task: erase personal data past the retention period (retention.py)."""
    from .services.retention import erase_personal_data

    report = erase_personal_data(actor=None)
    if report.cases or report.residents:
        logger.info("retention: erased %s", report)
    return {"cases": report.cases, "residents": report.residents}
