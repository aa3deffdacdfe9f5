"""Turning cases into API and page data: masked people, resident-safe timelines, actions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from grassroots.core import clock
from grassroots.organizations.models import Unit

from .enums import CaseEventType, CaseStatus
from .masking import mask_email, mask_id_number, mask_name, mask_phone
from .models import Attachment, Case, CaseEvent, Category, Resident
from .permissions import Scope, may, shows_resident
from .workflow import Action, actions_in

# Apps above cases (triage) may word the notes they wrote on timeline events in the reader's
# language: a hook takes a case's events and returns {event id: note}. Cases cannot import
# those apps (dependencies point one way), so they register here from AppConfig.ready.
NOTE_HOOKS: list[Callable[[Sequence[CaseEvent]], dict[int, str]]] = []


def event_notes(events: Sequence[CaseEvent]) -> dict[int, str]:
    """The notes the registered hooks word for these events; the others keep their own."""
    notes: dict[int, str] = {}
    for hook in NOTE_HOOKS:
        notes.update(hook(events))
    return notes


def unit_ref(unit: Unit | None) -> dict[str, str] | None:
    return {"code": unit.code, "name": unit.name, "level": unit.level} if unit else None


def category_ref(category: Category | None) -> dict[str, str] | None:
    return {"code": category.code, "name": category.name} if category else None


def is_overdue(case: Case, now: datetime | None = None) -> bool:
    now = now or clock.now()
    waiting = case.status in (CaseStatus.DISPATCHED, CaseStatus.ACCEPTED, CaseStatus.RECEIVED)
    return bool(waiting and case.resolve_due and case.resolve_due < now)


def deadlines(case: Case) -> dict[str, Any]:
    return {
        "respond_due": case.respond_due,
        "resolve_due": case.resolve_due,
        "overdue": is_overdue(case),
    }


def resident_out(resident: Resident | None, *, masked: bool = True) -> dict[str, Any] | None:
    if resident is None:
        return None
    if not masked:
        return {
            "name": resident.name,
            "phone": resident.phone,
            "id_number": resident.id_number,
            "email": resident.email,
            "masked": False,
        }
    return {
        "name": mask_name(resident.name),
        "phone": mask_phone(resident.phone),
        "id_number": mask_id_number(resident.id_number),
        "email": mask_email(resident.email),
        "masked": True,
    }


def summary(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "tracking_code": case.tracking_code,
        "kind": case.kind,
        "channel": case.channel,
        "subject": case.subject,
        "category": category_ref(case.category),
        "priority": case.priority,
        "status": case.status,
        "unit": unit_ref(case.unit),
        "place": unit_ref(case.place_unit),
        "received_at": case.received_at,
        "deadlines": deadlines(case),
    }


def event_out(event: CaseEvent, *, for_resident: bool, note: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": event.type,
        "label": str(CaseEventType(event.type).label),
        "at": event.at,
        "unit": unit_ref(event.unit),
        "from_status": event.from_status,
        "to_status": event.to_status,
    }
    if for_resident:
        out["note"] = event.public_note
    else:
        out.update(
            actor=event.actor_label,
            note=note or event.note or event.public_note,
            public=event.public,
        )
    return out


def available_actions(user: Any, case: Case, scope: Scope) -> list[str]:
    """The actions this user may take on this case now (state and role both allow)."""
    names = []
    for action in actions_in(case.status):
        if action == Action.TRANSFER:
            ok = may(user, case, action, scope=scope, target=case.unit)
        else:
            ok = may(user, case, action, scope=scope)
        if ok:
            names.append(action.value)
    return names


def attachment_out(attachment: Attachment, *, resident: bool = False) -> dict[str, Any]:
    """A file's description; the resident's URL still needs their secret as `?secret=`."""
    base = (
        f"/api/v1/track/{attachment.case.tracking_code}"
        if resident
        else f"/api/v1/cases/{attachment.case_id}"
    )
    return {
        "id": attachment.pk,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "public": attachment.public,
        "url": f"{base}/attachments/{attachment.pk}",
    }


def detail(case: Case, user: Any, scope: Scope) -> dict[str, Any]:
    """The staff view of a case; the resident is masked (a logged reveal shows more)."""
    return {
        **summary(case),
        "description": case.description,
        "lat": case.lat,
        "lng": case.lng,
        "address": case.address,
        # A confidential case's resident is withheld below the centre (permissions.py).
        "resident": resident_out(case.resident) if shows_resident(case, scope) else None,
        "erased_at": case.erased_at,
        "anonymous": case.anonymous,
        "confidential": case.confidential,
        "reply": case.reply,
        "rejection_reason": case.rejection_reason,
        "resolved": case.resolved,
        "satisfaction": case.satisfaction,
        "followup_comment": case.followup_comment,
        "parent": case.parent.tracking_code if case.parent else None,
        "merged": list(case.merged_cases.values_list("tracking_code", flat=True)),
        "return_count": case.return_count,
        "reopen_count": case.reopen_count,
        "supervise_count": case.supervise_count,
        "assignments": [
            {
                "id": a.pk,
                "unit": unit_ref(a.unit),
                "role": a.role,
                "via": a.via,
                "status": a.status,
                "part": a.part,
                "result": a.result,
            }
            for a in case.assignments.all()
        ],
        "extensions": list(
            case.extensions.values("id", "working_days", "reason", "status", "created_at")
        ),
        "timeline": staff_timeline(case),
        "attachments": [attachment_out(a) for a in case.attachments.all()],
        "actions": available_actions(user, case, scope),
    }


def staff_timeline(case: Case) -> list[dict[str, Any]]:
    """The whole timeline, notes worded by the registered hooks where they have one."""
    events = list(case.events.select_related("unit"))
    notes = event_notes(events)
    return [event_out(e, for_resident=False, note=notes.get(e.pk)) for e in events]


def track(case: Case) -> dict[str, Any]:
    """What the resident sees: no staff names, no internal notes, no other people."""
    events = case.events.filter(public=True).select_related("unit")
    return {
        "tracking_code": case.tracking_code,
        "status": case.status,
        "status_label": str(CaseStatus(case.status).label),
        "kind": case.kind,
        "subject": case.subject,
        "category": category_ref(case.category),
        "unit": unit_ref(case.unit),
        "received_at": case.received_at,
        "deadlines": deadlines(case),
        "reply": case.reply,
        "rejection_reason": case.rejection_reason,
        "resolved": case.resolved,
        "satisfaction": case.satisfaction,
        "timeline": [event_out(e, for_resident=True) for e in events],
        "attachments": [
            attachment_out(a, resident=True) for a in case.attachments.filter(public=True)
        ],
        "can_follow_up": case.status == CaseStatus.REPLIED,
        "can_reopen": case.status
        in (CaseStatus.REPLIED, CaseStatus.FOLLOWED_UP, CaseStatus.CLOSED),
    }
