"""Deadline work in the background: reminders, escalation, automatic closure.

One periodic sweep finds what is due from the cases' own state, so it catches up after any
downtime, and claims each item with a compare-and-set UPDATE, so that several workers running
the sweep at once act on each item exactly once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks import task

from grassroots.accounts.services import notify
from grassroots.core import clock
from grassroots.organizations.enums import Role
from grassroots.organizations.models import Membership

from .enums import CaseEventType, CaseStatus
from .models import Case
from .services import close_case
from .services._common import record

logger = logging.getLogger(__name__)
HANDLING = (CaseStatus.DISPATCHED, CaseStatus.ACCEPTED)


@dataclass
class SweepReport:
    reminded: int = 0
    escalated: int = 0
    auto_closed: int = 0


def _claim(case_id: int, flag: str) -> bool:
    """Set a case's flag from False to True; only one caller ever sees True."""
    return Case.objects.filter(pk=case_id, **{flag: False}).update(**{flag: True}) == 1


def _people(case: Case, roles: tuple[str, ...], *, nearest: bool) -> list[Any]:
    """Holders of `roles` at the case's unit or above it (only the nearest level if asked)."""
    if case.unit is None:
        return []
    chain = [*case.unit.ancestor_ids, case.unit.pk]
    members = list(
        Membership.objects.filter(unit_id__in=chain, role__in=roles).select_related("user", "unit")
    )
    if nearest and members:
        deepest = max(m.unit.depth for m in members)
        members = [m for m in members if m.unit.depth == deepest]
    return list({m.user.pk: m.user for m in members if m.user.is_active}.values())


def _remind(case: Case, *, which: str, due: datetime) -> None:
    record(
        case,
        CaseEventType.REMINDED,
        actor=None,
        from_status=case.status,
        to_status=case.status,
        unit=case.unit,
        public=False,
        data={"deadline": which, "due": due.isoformat()},
    )
    notify(
        _people(case, (Role.HANDLER,), nearest=True),
        kind=f"case.reminder.{which}",
        title=_("Deadline soon: %(code)s %(subject)s")
        % {"code": case.tracking_code, "subject": case.subject},
        link=f"/cases/{case.pk}/",
        dedupe=f"case:{case.pk}:remind:{which}:{due.isoformat()}",
    )


def _escalate(case: Case) -> None:
    due = case.resolve_due.isoformat() if case.resolve_due else ""
    record(
        case,
        CaseEventType.ESCALATED,
        actor=None,
        from_status=case.status,
        to_status=case.status,
        unit=case.unit,
        public=False,
        data={"due": case.resolve_due.isoformat() if case.resolve_due else None},
    )
    notify(
        _people(case, (Role.SUPERVISOR,), nearest=True),
        kind="case.escalated",
        title=_("Overdue: %(code)s %(subject)s")
        % {"code": case.tracking_code, "subject": case.subject},
        link=f"/cases/{case.pk}/",
        dedupe=f"case:{case.pk}:escalate:{due}",
    )


def _each(qs: Any, flag: str, act: Any) -> int:
    done = 0
    for case in qs.select_related("unit"):
        with transaction.atomic():
            if _claim(case.pk, flag):
                act(case)
                done += 1
    return done


def sweep(now: datetime | None = None) -> SweepReport:
    """Everything due at `now`: reminders, escalations, automatic closures."""
    now = now or clock.now()
    report = SweepReport()
    respond_soon = now + timedelta(hours=settings.CASE_REMIND_RESPOND_HOURS)
    resolve_soon = now + timedelta(hours=settings.CASE_REMIND_RESOLVE_HOURS)
    report.reminded += _each(
        Case.objects.filter(status=CaseStatus.DISPATCHED, respond_due__lte=respond_soon),
        "reminded_respond",
        lambda c: _remind(c, which="respond", due=c.respond_due),
    )
    report.reminded += _each(
        Case.objects.filter(status__in=HANDLING, resolve_due__lte=resolve_soon),
        "reminded_resolve",
        lambda c: _remind(c, which="resolve", due=c.resolve_due),
    )
    report.escalated = _each(
        Case.objects.filter(status__in=HANDLING, resolve_due__lt=now), "escalated", _escalate
    )
    report.auto_closed = _auto_close(now)
    return report


def _auto_close(now: datetime) -> int:
    """Close answered cases whose resident did not respond to the follow-up in time."""
    limit = now - timedelta(hours=settings.CASE_AUTO_CLOSE_AFTER_HOURS)
    closed = 0
    for case in Case.objects.filter(status=CaseStatus.REPLIED, replied_at__lt=limit):
        with transaction.atomic():
            # The state machine is the claim: a second worker finds the case already closed.
            if Case.objects.filter(pk=case.pk, status=CaseStatus.REPLIED).exists():
                close_case(
                    case, note=_("No answer to the follow-up in time."), actor=None, auto=True
                )
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
