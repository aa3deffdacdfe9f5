"""Changing what a case is after intake: its priority or its category, with new deadlines.

Both are legal while the case is still unanswered (received, dispatched, accepted): after the
reply the deadlines no longer run, and a closed, rejected or merged case is history. The
deadlines are recomputed from the policy for the new priority/category, from the moment each
clock started (received; the resolve clock restarts at the latest reopen), so a case raised to
an emergency gets the emergency deadline it would have had from the start. A deadline already
met (respond, once the unit responded) is left alone. Reminder and escalation flags are reset
for a deadline that moved, so the case sweep judges the new moment afresh.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.core import clock

from ..deadlines import compute_deadlines
from ..enums import CaseEventType, CaseStatus, Priority
from ..errors import CaseError, CaseErrorCode
from ..models import Case, Category
from ._common import lock, record

# The states in which a case can still be reclassified (its deadlines still run).
RECLASSIFIABLE = frozenset({CaseStatus.RECEIVED, CaseStatus.DISPATCHED, CaseStatus.ACCEPTED})
MAX_REASON = 5000


def _check_state(case: Case, action: str) -> None:
    if case.status not in RECLASSIFIABLE:
        raise CaseError(
            CaseErrorCode.ILLEGAL_TRANSITION,
            _("“%(action)s” is not possible while the case is “%(status)s”.")
            % {"action": action, "status": CaseStatus(case.status).label},
            status=409,
        )


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise CaseError(CaseErrorCode.INVALID, _("%s: required.") % "reason")
    if len(reason) > MAX_REASON:
        raise CaseError(
            CaseErrorCode.INVALID,
            _("%(f)s: at most %(n)d characters.") % {"f": "reason", "n": MAX_REASON},
        )
    return reason


def _resolve_start(case: Case) -> datetime:
    """When the resolve clock started: the latest reopen, else reception."""
    reopened = (
        case.events.filter(type=CaseEventType.REOPENED).order_by("-at", "-id").first()
        if case.reopen_count
        else None
    )
    return reopened.at if reopened is not None else case.received_at


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _redo_deadlines(case: Case, category: Category | None, priority: str) -> dict[str, Any]:
    """Set the case's deadlines for `category`/`priority`; returns what the timeline records."""
    received = compute_deadlines(category, priority, case.received_at)
    start = _resolve_start(case)
    resolve = (
        received if start == case.received_at else compute_deadlines(category, priority, start)
    ).resolve_due
    before = {"respond_due": _iso(case.respond_due), "resolve_due": _iso(case.resolve_due)}
    if case.responded_at is None and case.respond_due != received.respond_due:
        case.respond_due, case.reminded_respond = received.respond_due, False
        if received.respond_due > clock.now():
            case.escalated_respond = False  # as for resolve below: a new, future deadline
    if case.resolve_due != resolve:
        case.resolve_due, case.reminded_resolve = resolve, False
        if resolve > clock.now():
            case.escalated = False  # the new deadline is still ahead: not overdue any more
    return {
        "deadline_policy": received.policy,
        "deadlines_before": before,
        "respond_due": _iso(case.respond_due),
        "resolve_due": _iso(case.resolve_due),
    }


@transaction.atomic
def change_case_priority(case: Case, *, priority: str, actor: Any, reason: str) -> Case:
    """Raise or lower a case's priority (an emergency jumps the dispatch queue) and recompute
    its deadlines from the policy for the new priority; a staff-only timeline event with the
    reason. Illegal once the case is answered or finished; the same priority is refused."""
    if priority not in Priority.values:
        raise CaseError(
            CaseErrorCode.INVALID, _("priority: one of %s.") % ", ".join(Priority.values)
        )
    reason = _reason(reason)
    case = lock(case)
    _check_state(case, _("change priority"))
    if case.priority == priority:
        raise CaseError(CaseErrorCode.INVALID, _("The case already has this priority."))
    old = case.priority
    data = _redo_deadlines(case, case.category, priority)
    case.priority = priority
    case.save()
    record(
        case,
        CaseEventType.PRIORITY_CHANGED,
        actor=actor,
        from_status=case.status,
        to_status=case.status,
        unit=case.unit,
        note=reason,
        public=False,
        data={"old": old, "new": priority, **data},
    )
    return case


@transaction.atomic
def change_case_category(case: Case, *, category: Category, actor: Any, reason: str) -> Case:
    """Put a case in another (active) category and recompute its deadlines from that
    category's policy; a staff-only timeline event with the reason. Illegal once the case is
    answered or finished; the same category is refused."""
    if category is None or not category.is_active:
        code = getattr(category, "code", "")
        raise CaseError(CaseErrorCode.UNKNOWN_CATEGORY, _("Unknown category “%s”.") % code)
    reason = _reason(reason)
    case = lock(case)
    _check_state(case, _("change category"))
    if case.category_id == category.pk:
        raise CaseError(CaseErrorCode.INVALID, _("The case is already in this category."))
    old = case.category.code if case.category_id is not None and case.category else None
    data = _redo_deadlines(case, category, case.priority)
    case.category = category
    case.save()
    record(
        case,
        CaseEventType.CATEGORY_CHANGED,
        actor=actor,
        from_status=case.status,
        to_status=case.status,
        unit=case.unit,
        note=reason,
        public=False,
        data={"old": old, "new": category.code, **data},
    )
    return case
