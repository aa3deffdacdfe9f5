"""The end of a case: follow-up, reopen, close, merge, reject; and the logged identity view."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.core import audit, clock

from ..deadlines import compute_deadlines
from ..enums import (
    AssignmentRole,
    AssignmentStatus,
    CaseEventType,
    CaseStatus,
    Satisfaction,
)
from ..errors import CaseError, CaseErrorCode
from ..models import Case, Resident
from ..permissions import is_owner
from ..workflow import Action
from ._common import RESIDENT, lock, record, step
from .handling import _text


def _end_assignments(case: Case) -> None:
    case.assignments.filter(
        status__in=(AssignmentStatus.PENDING, AssignmentStatus.ACCEPTED)
    ).update(status=AssignmentStatus.ENDED, updated_at=clock.now())


def _close(case: Case, *, actor: Any, before: str, note: str, auto: bool) -> None:
    case.status, case.closed_at = CaseStatus.CLOSED, clock.now()
    case.save()
    _end_assignments(case)
    record(
        case,
        CaseEventType.CLOSED,
        actor=actor,
        from_status=before,
        to_status=CaseStatus.CLOSED,
        note=note,
        data={"auto": auto},
    )


@transaction.atomic
def follow_up_case(
    case: Case, *, resolved: bool, satisfaction: str, comment: str = "", actor: Any
) -> Case:
    """The resident's verdict (回访): was it solved, how satisfied. Solved closes the case."""
    case, before, after = step(case, Action.FOLLOW_UP)
    if satisfaction not in Satisfaction.values:
        raise CaseError(
            CaseErrorCode.INVALID, _("satisfaction: one of %s.") % ", ".join(Satisfaction.values)
        )
    case.resolved, case.satisfaction = bool(resolved), satisfaction
    case.followup_comment = _text(comment, "comment", required=False)
    case.followed_up_at, case.status = clock.now(), CaseStatus.FOLLOWED_UP
    case.save()
    record(
        case,
        CaseEventType.FOLLOWED_UP,
        actor=actor,
        from_status=before,
        to_status=after or "",
        public_note=case.followup_comment,
        data={"resolved": case.resolved, "satisfaction": satisfaction},
    )
    if case.resolved:
        _close(case, actor=actor, before=CaseStatus.FOLLOWED_UP, note="", auto=True)
    return case


@transaction.atomic
def reopen_case(case: Case, *, reason: str, actor: Any) -> Case:
    """The resident says it was not solved: back to the same unit, with a new deadline."""
    case, before, after = step(case, Action.REOPEN)
    window = timedelta(days=settings.CASE_REOPEN_WINDOW_DAYS)
    if before == CaseStatus.CLOSED and case.closed_at and clock.now() - case.closed_at > window:
        raise CaseError(
            CaseErrorCode.ILLEGAL_TRANSITION,
            _("The case was closed too long ago to reopen; please submit a new one."),
            status=409,
        )
    if case.unit is None:
        raise CaseError(
            CaseErrorCode.ILLEGAL_TRANSITION, _("The case has no handling unit."), status=409
        )
    now = clock.now()
    case.status, case.reopen_count, case.closed_at = (
        CaseStatus.ACCEPTED,
        case.reopen_count + 1,
        None,
    )
    case.resolved, case.satisfaction, case.followed_up_at = None, "", None
    case.resolve_due = compute_deadlines(case.category, case.priority, now).resolve_due
    case.reminded_resolve = case.escalated = False
    case.save()
    case.assignments.filter(role=AssignmentRole.LEAD, unit=case.unit).update(
        status=AssignmentStatus.ACCEPTED, updated_at=now
    )
    record(
        case,
        CaseEventType.REOPENED,
        actor=actor,
        from_status=before,
        to_status=after or "",
        unit=case.unit,
        note=_text(reason, "reason"),
        # The resident's own words are theirs to see; a reason typed by staff stays internal
        # (the resident sees the step itself).
        public_note=reason.strip() if _by_resident(actor, case) else "",
    )
    return case


def _by_resident(actor: Any, case: Case) -> bool:
    return actor is RESIDENT or is_owner(actor, case)


@transaction.atomic
def close_case(case: Case, *, note: str = "", actor: Any, auto: bool = False) -> Case:
    """Close an answered case (after follow-up, or when the resident cannot be reached)."""
    case, before, _after = step(case, Action.CLOSE)
    _close(case, actor=actor, before=before, note=note.strip(), auto=auto)
    return case


@transaction.atomic
def merge_case(case: Case, *, into: Case, note: str = "", actor: Any) -> Case:
    """A duplicate joins its parent (合并): it follows the parent and receives its reply."""
    case, before, after = step(case, Action.MERGE)
    parent = lock(into)
    while parent.parent_id is not None and parent.status == CaseStatus.MERGED:
        parent = lock(parent.parent)  # type: ignore[arg-type]
    if parent.pk == case.pk or parent.status not in (
        CaseStatus.RECEIVED,
        CaseStatus.DISPATCHED,
        CaseStatus.ACCEPTED,
    ):
        raise CaseError(
            CaseErrorCode.ILLEGAL_TRANSITION,
            _("A case can only be merged into another open, unanswered case."),
            status=409,
        )
    case.parent, case.status = parent, CaseStatus.MERGED
    case.save()
    _end_assignments(case)
    case.merged_cases.update(parent=parent)  # its own duplicates follow it
    record(
        case,
        CaseEventType.MERGED,
        actor=actor,
        from_status=before,
        to_status=after or "",
        note=note,
        data={"into": parent.tracking_code},
    )
    record(
        parent,
        CaseEventType.MERGED,
        actor=actor,
        from_status=parent.status,
        to_status=parent.status,
        public=False,
        data={"merged": case.tracking_code},
    )
    return case


@transaction.atomic
def reject_case(case: Case, *, reason: str, actor: Any) -> Case:
    """Refuse a case (spam, out of scope) with a reason the resident sees."""
    case, before, after = step(case, Action.REJECT)
    case.rejection_reason = _text(reason, "reason")
    case.status, case.closed_at = CaseStatus.REJECTED, clock.now()
    case.save()
    record(
        case,
        CaseEventType.REJECTED,
        actor=actor,
        from_status=before,
        to_status=after or "",
        public_note=case.rejection_reason,
    )
    return case


@transaction.atomic
def reveal_resident(case: Case, *, reason: str, actor: Any) -> Resident | None:
    """The unmasked resident, for a staff member whose role needs it; every look is logged."""
    if case.resident_id is None:
        return None
    record(
        case,
        CaseEventType.IDENTITY_VIEWED,
        actor=actor,
        from_status=case.status,
        to_status=case.status,
        public=False,
        note=reason.strip()[:300],
    )
    audit.record(
        "cases.resident.viewed",
        actor=actor,
        target=case.resident,
        summary=case.tracking_code,
        data={"reason": reason.strip()[:300]},
    )
    return case.resident
