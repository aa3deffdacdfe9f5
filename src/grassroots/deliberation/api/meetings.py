"""Deliberation meeting endpoints (staff only: participants' names are personal data)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from grassroots.accounts.auth import STAFF

from ..errors import not_found
from ..models import Decision, Meeting, Proposal
from ..models.meetings import DECISION_FINISHED
from ..permissions import access_meeting, access_proposal, moderated_q
from ..services import meetings as sv
from ..services.suggestions import today
from . import suggestion_schemas as s
from .conversations import unit_by_code, user_of

router = Router(tags=["meetings"])


def decision_out(d: Decision) -> dict[str, Any]:
    """A decision with its follow-up notes and whether it is overdue."""
    return {
        "id": d.pk,
        "meeting": d.meeting_id,
        "text": d.text,
        "owner_unit": d.owner_unit.code,
        "due_on": d.due_on,
        "status": d.status,
        "overdue": d.status not in DECISION_FINISHED and d.due_on < today(),
        "completed_at": d.completed_at,
        "updates": [{"status": u.status, "note": u.note, "at": u.at} for u in d.updates.all()],
    }


def meeting_out(m: Meeting) -> dict[str, Any]:
    """A meeting with its agenda, participants and decisions."""
    return {
        "id": m.pk,
        "unit": m.unit.code,
        "title": m.title,
        "description": m.description,
        "place": m.place,
        "starts_at": m.starts_at,
        "status": m.status,
        "minutes": m.minutes,
        "proposal": m.proposal_id,
        "agenda": [
            {"id": a.pk, "position": a.position, "title": a.title, "notes": a.notes}
            for a in m.agenda.all()
        ],
        "participants": [
            {
                "id": p.pk,
                "name": p.name,
                "role": p.role,
                "affiliation": p.affiliation,
                "unit": p.unit.code if p.unit else None,
                "attended": p.attended,
            }
            for p in m.participants.select_related("unit")
        ],
        "decisions": [
            decision_out(d)
            for d in m.decisions.select_related("owner_unit").prefetch_related("updates")
        ],
    }


def _meeting(user: Any, meeting_id: int) -> Meeting:
    return access_meeting(user, meeting_id)


@router.get("", response=list[s.MeetingOut], auth=STAFF)
def list_meetings(request: HttpRequest, status: str = "") -> list[dict[str, Any]]:
    """Meetings of the caller's units (or owning one of their decisions), newest first."""
    user = user_of(request)
    mine = moderated_q(user) | Q(
        pk__in=Decision.objects.filter(moderated_q(user, field="owner_unit")).values("meeting")
    )
    qs = Meeting.objects.filter(mine).select_related("unit")
    if status:
        qs = qs.filter(status=status)
    return [meeting_out(m) for m in qs[:100]]


@router.post("", response={201: s.MeetingOut}, auth=STAFF)
def create_meeting(request: HttpRequest, body: s.MeetingIn) -> Status[Any]:
    """Plan a meeting on one issue, with its agenda (optionally about a proposal)."""
    user = user_of(request)
    proposal: Proposal | None = access_proposal(user, body.proposal) if body.proposal else None
    meeting = sv.create_meeting(
        unit_by_code(body.unit),
        title=body.title,
        description=body.description,
        place=body.place,
        starts_at=body.starts_at,
        proposal=proposal,
        agenda=body.agenda,
        actor=user,
    )
    return Status(201, meeting_out(_meeting(user, meeting.pk)))


@router.get("/decisions", response=list[s.DecisionOut], auth=STAFF)
def decisions_to_follow(request: HttpRequest) -> list[dict[str, Any]]:
    """Unfinished decisions of the caller's meetings or owned by the caller's units, due
    first (overdue ones flagged)."""
    qs = sv.decisions_to_follow(user_of(request)).prefetch_related("updates")
    return [decision_out(d) for d in qs[:500]]


@router.post("/decisions/{decision_id}/updates", response={201: s.DecisionOut}, auth=STAFF)
def update_decision(
    request: HttpRequest, decision_id: int, body: s.DecisionUpdateIn
) -> Status[Any]:
    """A follow-up note on a decision and the status it moves to (meeting or owner staff)."""
    user = user_of(request)
    decision = Decision.objects.filter(pk=decision_id).first()
    if decision is None:
        raise not_found(_("No such decision."))
    access_meeting(user, decision.meeting_id)
    sv.update_decision(decision, status=body.status, note=body.note, actor=user)
    fresh = Decision.objects.select_related("owner_unit").get(pk=decision_id)
    return Status(201, decision_out(fresh))


@router.get("/{meeting_id}", response=s.MeetingOut, auth=STAFF)
def meeting_detail(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    """One meeting: agenda, participants, minutes, decisions with their follow-up."""
    return meeting_out(_meeting(user_of(request), meeting_id))


@router.post("/{meeting_id}/agenda", response={201: s.MeetingOut}, auth=STAFF)
def add_agenda_item(request: HttpRequest, meeting_id: int, body: s.AgendaItemIn) -> Status[Any]:
    """Append a point to a planned meeting's agenda."""
    user = user_of(request)
    sv.add_agenda_item(_meeting(user, meeting_id), title=body.title, notes=body.notes, actor=user)
    return Status(201, meeting_out(_meeting(user, meeting_id)))


@router.post("/{meeting_id}/participants", response={201: s.MeetingOut}, auth=STAFF)
def add_participant(request: HttpRequest, meeting_id: int, body: s.ParticipantIn) -> Status[Any]:
    """Invite or record a participant (resident, official, expert, other party)."""
    user = user_of(request)
    sv.add_participant(
        _meeting(user, meeting_id),
        name=body.name,
        role=body.role,
        affiliation=body.affiliation,
        unit=unit_by_code(body.unit) if body.unit else None,
        attended=body.attended,
        actor=user,
    )
    return Status(201, meeting_out(_meeting(user, meeting_id)))


@router.post("/{meeting_id}/minutes", response=s.MeetingOut, auth=STAFF)
def record_minutes(request: HttpRequest, meeting_id: int, body: s.MinutesIn) -> dict[str, Any]:
    """The meeting was held: minutes, attendance and decisions (each with an owner unit and
    a due date), all in one step."""
    user = user_of(request)
    decisions = [
        sv.DecisionDraft(text=d.text, owner_unit=unit_by_code(d.owner_unit), due_on=d.due_on)
        for d in body.decisions
    ]
    sv.record_minutes(
        _meeting(user, meeting_id),
        minutes=body.minutes,
        attended=body.attended,
        decisions=decisions,
        actor=user,
    )
    return meeting_out(_meeting(user, meeting_id))


@router.post("/{meeting_id}/decisions", response={201: s.MeetingOut}, auth=STAFF)
def add_decision(request: HttpRequest, meeting_id: int, body: s.DecisionIn) -> Status[Any]:
    """Add a decision to a held meeting."""
    user = user_of(request)
    draft = sv.DecisionDraft(
        text=body.text, owner_unit=unit_by_code(body.owner_unit), due_on=body.due_on
    )
    sv.add_decision(_meeting(user, meeting_id), draft, actor=user)
    return Status(201, meeting_out(_meeting(user, meeting_id)))


@router.post("/{meeting_id}/cancel", response=s.MeetingOut, auth=STAFF)
def cancel_meeting(request: HttpRequest, meeting_id: int, body: s.CancelIn) -> dict[str, Any]:
    """Call off a planned meeting, with the reason."""
    user = user_of(request)
    sv.cancel_meeting(_meeting(user, meeting_id), reason=body.reason, actor=user)
    return meeting_out(_meeting(user, meeting_id))
