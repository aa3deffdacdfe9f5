"""A unit's work on a case: dispatch, accept, return, transfer, co-handle, extend, reply."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.core import clock
from grassroots.core.worktime import get_calendar
from grassroots.organizations.enums import UnitLevel
from grassroots.organizations.models import Unit

from ..enums import (
    AssignmentRole,
    AssignmentStatus,
    AssignmentVia,
    CaseEventType,
    CaseStatus,
    ExtensionStatus,
)
from ..errors import CaseError, CaseErrorCode
from ..models import Case, CaseAssignment, ExtensionRequest
from ..workflow import Action
from ._common import record, step

MAX_TEXT = 5000


def _text(value: str, field: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise CaseError(CaseErrorCode.INVALID, _("%s: required.") % field)
    if len(value) > MAX_TEXT:
        raise CaseError(
            CaseErrorCode.INVALID,
            _("%(f)s: at most %(n)d characters.") % {"f": field, "n": MAX_TEXT},
        )
    return value


def _check_unit(unit: Unit) -> None:
    if not unit.is_active:
        raise CaseError(CaseErrorCode.UNKNOWN_UNIT, _("Unit “%s” is not active.") % unit.code)
    if unit.level == UnitLevel.CITY:
        raise CaseError(CaseErrorCode.INVALID, _("A case goes to a unit below the city."))


def _withdraw_lead(case: Case) -> None:
    """The lead unit gives the case up (return, transfer): it leaves that unit's view."""
    case.assignments.filter(role=AssignmentRole.LEAD).exclude(
        status__in=(AssignmentStatus.WITHDRAWN, AssignmentStatus.ENDED)
    ).update(status=AssignmentStatus.WITHDRAWN, updated_at=clock.now())


def _give_to(case: Case, unit: Unit, via: AssignmentVia) -> None:
    _withdraw_lead(case)
    CaseAssignment.objects.create(case=case, unit=unit, role=AssignmentRole.LEAD, via=via)
    case.unit = unit
    case.dispatched_at = clock.now()
    case.status = CaseStatus.DISPATCHED


@transaction.atomic
def dispatch_case(case: Case, *, unit: Unit, actor: Any, note: str = "") -> Case:
    """Give a case from the dispatch queue to the unit that must act (派单)."""
    case, before, after = step(case, Action.DISPATCH)
    _check_unit(unit)
    _give_to(case, unit, AssignmentVia.DISPATCH)
    case.save()
    record(
        case,
        CaseEventType.DISPATCHED,
        actor=actor,
        from_status=before,
        to_status=after or "",
        unit=unit,
        note=note,
        data={"unit": unit.code},
    )
    return case


@transaction.atomic
def accept_case(case: Case, *, actor: Any, note: str = "") -> Case:
    """The unit takes the case on and has contacted the resident (counts as the response)."""
    case, before, after = step(case, Action.ACCEPT)
    now = clock.now()
    case.status = CaseStatus.ACCEPTED
    case.responded_at = case.responded_at or now
    case.save()
    case.assignments.filter(role=AssignmentRole.LEAD, status=AssignmentStatus.PENDING).update(
        status=AssignmentStatus.ACCEPTED, accepted_at=now, updated_at=now
    )
    record(
        case,
        CaseEventType.ACCEPTED,
        actor=actor,
        from_status=before,
        to_status=after or "",
        unit=case.unit,
        note=note,
    )
    return case


@transaction.atomic
def return_case(case: Case, *, reason: str, actor: Any) -> Case:
    """A wrongly routed case goes back to the dispatch queue with the unit's reason (退单)."""
    case, before, after = step(case, Action.RETURN)
    reason = _text(reason, "reason")
    unit = case.unit
    _withdraw_lead(case)
    case.unit = None
    case.status = CaseStatus.RECEIVED
    case.return_count += 1
    case.save()
    record(
        case,
        CaseEventType.RETURNED,
        actor=actor,
        from_status=before,
        to_status=after or "",
        unit=unit,
        note=reason,
        public=False,
    )
    return case


@transaction.atomic
def transfer_case(case: Case, *, unit: Unit, reason: str, actor: Any) -> Case:
    """Hand the case on to another unit (转办); it must accept it anew."""
    case, before, after = step(case, Action.TRANSFER)
    _check_unit(unit)
    if unit.pk == case.unit_id:
        raise CaseError(CaseErrorCode.INVALID, _("The case is already with this unit."))
    old = case.unit
    _give_to(case, unit, AssignmentVia.TRANSFER)
    case.save()
    record(
        case,
        CaseEventType.TRANSFERRED,
        actor=actor,
        from_status=before,
        to_status=after or "",
        unit=unit,
        note=_text(reason, "reason", required=False),
        data={"from": old.code if old else None, "to": unit.code},
    )
    return case


@transaction.atomic
def add_supporting_units(
    case: Case, *, parts: list[tuple[Unit, str]], summon: bool = False, actor: Any
) -> list[CaseAssignment]:
    """Co-handle (协办) or summon (吹哨报到): supporting units each with their own part."""
    case, before, _after = step(case, Action.SUMMON if summon else Action.COHANDLE)
    if not parts:
        raise CaseError(CaseErrorCode.INVALID, _("units: name at least one unit."))
    taken = set(
        case.assignments.exclude(
            status__in=(AssignmentStatus.WITHDRAWN, AssignmentStatus.ENDED)
        ).values_list("unit_id", flat=True)
    )
    created = []
    for unit, part in parts:
        _check_unit(unit)
        if unit.pk in taken:
            raise CaseError(
                CaseErrorCode.INVALID, _("Unit “%s” already works on this case.") % unit.code
            )
        taken.add(unit.pk)
        created.append(
            CaseAssignment.objects.create(
                case=case,
                unit=unit,
                role=AssignmentRole.SUPPORT,
                via=AssignmentVia.SUMMON if summon else AssignmentVia.COHANDLE,
                part=_text(part, "part", required=False),
            )
        )
    record(
        case,
        CaseEventType.SUMMONED if summon else CaseEventType.COHANDLE_ADDED,
        actor=actor,
        from_status=before,
        to_status=before,
        public=False,
        data={"units": [u.code for u, _p in parts]},
    )
    return created


@transaction.atomic
def complete_part(assignment: CaseAssignment, *, result: str, actor: Any) -> CaseAssignment:
    """A supporting unit reports its part done, with what it did."""
    case, before, _after = step(assignment.case, Action.PART_DONE)
    assignment = CaseAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.role != AssignmentRole.SUPPORT or assignment.status in (
        AssignmentStatus.DONE,
        AssignmentStatus.WITHDRAWN,
        AssignmentStatus.ENDED,
    ):
        raise CaseError(CaseErrorCode.ILLEGAL_TRANSITION, _("This part is not open."), status=409)
    now = clock.now()
    assignment.status, assignment.done_at = AssignmentStatus.DONE, now
    assignment.accepted_at = assignment.accepted_at or now
    assignment.result = _text(result, "result")
    assignment.save()
    record(
        case,
        CaseEventType.PART_DONE,
        actor=actor,
        from_status=before,
        to_status=before,
        unit=assignment.unit,
        note=assignment.result,
        public=False,
    )
    return assignment


@transaction.atomic
def request_extension(
    case: Case, *, working_days: int, reason: str, actor: Any
) -> ExtensionRequest:
    """The handling unit asks for more time (延期申请); a supervisor decides."""
    case, before, _after = step(case, Action.EXTEND)
    if not 1 <= int(working_days) <= 60:
        raise CaseError(CaseErrorCode.INVALID, _("working_days: between 1 and 60."))
    if case.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise CaseError(
            CaseErrorCode.ILLEGAL_TRANSITION,
            _("An extension request is already waiting."),
            status=409,
        )
    assert case.unit is not None  # DISPATCHED/ACCEPTED cases always have a lead unit
    extension = ExtensionRequest.objects.create(
        case=case,
        unit=case.unit,
        working_days=int(working_days),
        reason=_text(reason, "reason"),
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record(
        case,
        CaseEventType.EXTENSION_REQUESTED,
        actor=actor,
        from_status=before,
        to_status=before,
        unit=case.unit,
        note=extension.reason,
        public=False,
        data={"extension": extension.pk, "working_days": extension.working_days},
    )
    return extension


@transaction.atomic
def decide_extension(
    extension: ExtensionRequest, *, approve: bool, note: str = "", actor: Any
) -> ExtensionRequest:
    """A supervisor approves (the deadline moves) or denies an extension request."""
    case, before, _after = step(extension.case, Action.APPROVE_EXTENSION)
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    if extension.status != ExtensionStatus.PENDING:
        raise CaseError(
            CaseErrorCode.ILLEGAL_TRANSITION, _("This request was already decided."), status=409
        )
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.DENIED
    extension.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    extension.decided_at, extension.decision_note = clock.now(), note.strip()
    extension.save()
    data: dict[str, Any] = {"extension": extension.pk}
    if approve:
        start = max(case.resolve_due or clock.now(), clock.now())
        case.resolve_due = get_calendar().add_working_days(start, extension.working_days)
        case.reminded_resolve = case.escalated = False
        case.save()
        data["resolve_due"] = case.resolve_due.isoformat()
    record(
        case,
        CaseEventType.EXTENSION_APPROVED if approve else CaseEventType.EXTENSION_DENIED,
        actor=actor,
        from_status=before,
        to_status=before,
        note=note,
        public=approve,
        data=data,
    )
    return extension


@transaction.atomic
def supervise_case(case: Case, *, note: str, actor: Any) -> Case:
    """A supervisor presses the handling unit (督办), usually on an overdue case."""
    case, before, _after = step(case, Action.SUPERVISE)
    case.supervise_count += 1
    case.save(update_fields=["supervise_count", "updated_at"])
    record(
        case,
        CaseEventType.SUPERVISED,
        actor=actor,
        from_status=before,
        to_status=before,
        unit=case.unit,
        note=_text(note, "note"),
        public=False,
    )
    return case


@transaction.atomic
def reply_case(case: Case, *, reply: str, actor: Any) -> Case:
    """The lead unit answers the resident; merged duplicates receive the same answer."""
    case, before, after = step(case, Action.REPLY)
    now = clock.now()
    case.reply, case.replied_at, case.status = _text(reply, "reply"), now, CaseStatus.REPLIED
    case.save()
    record(
        case,
        CaseEventType.REPLIED,
        actor=actor,
        from_status=before,
        to_status=after or "",
        unit=case.unit,
        public_note=case.reply,
    )
    for child in case.merged_cases.select_for_update().filter(status=CaseStatus.MERGED):
        child.reply, child.replied_at = case.reply, now
        child.save(update_fields=["reply", "replied_at", "updated_at"])
        record(
            child,
            CaseEventType.REPLIED,
            actor=actor,
            from_status=child.status,
            to_status=child.status,
            unit=case.unit,
            public_note=case.reply,
            data={"via_parent": case.tracking_code},
        )
    return case
