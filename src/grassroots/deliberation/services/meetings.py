"""Deliberation meetings: plan a meeting on one issue (agenda, participants), record its
minutes and decisions, and follow each decision to completion."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core import audit, clock
from grassroots.organizations.models import Unit

from ..errors import DeliberationErrorCode, conflict, invalid
from ..models import AgendaItem, Decision, DecisionUpdate, Meeting, MeetingParticipant, Proposal
from ..models.meetings import DECISION_FINISHED, DecisionStatus, MeetingStatus, ParticipantRole
from ..permissions import (
    moderated_q,
    require_decision_follower,
    require_moderator,
)
from ._common import clean_text, user_of

MAX_TITLE = 200
MAX_TEXT = 20000


def _lock(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("unit").get(pk=meeting.pk)


def _require_planned(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.PLANNED:
        raise conflict(
            DeliberationErrorCode.MEETING_NOT_PLANNED,
            _("This meeting was already held or cancelled."),
        )


def create_meeting(
    unit: Unit,
    *,
    title: str,
    starts_at: dt.datetime,
    description: str = "",
    place: str = "",
    proposal: Proposal | None = None,
    agenda: list[str] | tuple[str, ...] = (),
    actor: Any,
) -> Meeting:
    """Plan a meeting on one issue (optionally a proposal being discussed), with its agenda."""
    require_moderator(actor, unit)
    title = clean_text(title, "title", limit=MAX_TITLE)
    description = clean_text(description, "description", limit=MAX_TEXT, required=False)
    place = clean_text(place, "place", limit=300, required=False)
    items = [clean_text(a, "agenda", limit=MAX_TITLE) for a in agenda]
    with transaction.atomic():
        meeting = Meeting.objects.create(
            unit=unit,
            title=title,
            description=description,
            place=place,
            starts_at=starts_at,
            proposal=proposal,
            created_by=user_of(actor),
        )
        AgendaItem.objects.bulk_create(
            AgendaItem(meeting=meeting, position=i + 1, title=t) for i, t in enumerate(items)
        )
        audit.record(
            "deliberation.meeting.planned",
            actor=actor,
            target=meeting,
            summary=title,
            data={"unit": unit.code, "agenda": len(items)},
        )
    return meeting


def add_agenda_item(meeting: Meeting, *, title: str, notes: str = "", actor: Any) -> AgendaItem:
    """Append a point to the agenda of a planned meeting."""
    title = clean_text(title, "title", limit=MAX_TITLE)
    notes = clean_text(notes, "notes", limit=MAX_TEXT, required=False)
    with transaction.atomic():
        locked = _lock(meeting)
        require_moderator(actor, locked.unit)
        _require_planned(locked)
        top = locked.agenda.aggregate(m=Max("position"))["m"] or 0
        item = AgendaItem.objects.create(meeting=locked, position=top + 1, title=title, notes=notes)
        audit.record("deliberation.meeting.agenda_added", actor=actor, target=locked, summary=title)
    return item


def add_participant(
    meeting: Meeting,
    *,
    name: str,
    role: str,
    affiliation: str = "",
    unit: Unit | None = None,
    attended: bool = False,
    actor: Any,
) -> MeetingParticipant:
    """Invite (or record) a participant: a resident, an official, an expert, another party."""
    name = clean_text(name, "name", limit=100)
    affiliation = clean_text(affiliation, "affiliation", limit=200, required=False)
    if role not in ParticipantRole.values:
        raise invalid(_("role: one of %s.") % ", ".join(ParticipantRole.values))
    with transaction.atomic():
        locked = _lock(meeting)
        require_moderator(actor, locked.unit)
        if locked.status == MeetingStatus.CANCELLED:
            _require_planned(locked)
        participant = MeetingParticipant.objects.create(
            meeting=locked,
            name=name,
            role=role,
            affiliation=affiliation,
            unit=unit,
            attended=attended,
        )
        # Names are personal data: the audit keeps the role, not the name.
        audit.record(
            "deliberation.meeting.participant_added",
            actor=actor,
            target=locked,
            data={"role": role, "participant": participant.pk},
        )
    return participant


@dataclass(frozen=True)
class DecisionDraft:
    """One decision as the minutes record it."""

    text: str
    owner_unit: Unit
    due_on: dt.date


def _clean_decision(draft: DecisionDraft, held_on: dt.date) -> DecisionDraft:
    text = clean_text(draft.text, "decisions.text", limit=MAX_TEXT)
    if draft.due_on < held_on:
        raise invalid(_("decisions.due_on: not before the meeting."))
    return DecisionDraft(text=text, owner_unit=draft.owner_unit, due_on=draft.due_on)


def record_minutes(
    meeting: Meeting,
    *,
    minutes: str,
    attended: list[int] | tuple[int, ...] = (),
    decisions: list[DecisionDraft] | tuple[DecisionDraft, ...] = (),
    actor: Any,
) -> Meeting:
    """The meeting was held: its minutes, who attended (participant ids) and its decisions."""
    minutes = clean_text(minutes, "minutes", limit=MAX_TEXT)
    held_on = timezone.localdate(meeting.starts_at)
    cleaned = [_clean_decision(d, held_on) for d in decisions]
    with transaction.atomic():
        locked = _lock(meeting)
        require_moderator(actor, locked.unit)
        _require_planned(locked)
        known = set(locked.participants.values_list("pk", flat=True))
        if not set(attended) <= known:
            raise invalid(_("attended: not participants of this meeting."))
        locked.participants.update(attended=False)
        locked.participants.filter(pk__in=list(attended)).update(attended=True)
        locked.status = MeetingStatus.HELD
        locked.minutes = minutes
        locked.save(update_fields=["status", "minutes", "updated_at"])
        Decision.objects.bulk_create(
            Decision(meeting=locked, text=d.text, owner_unit=d.owner_unit, due_on=d.due_on)
            for d in cleaned
        )
        audit.record(
            "deliberation.meeting.held",
            actor=actor,
            target=locked,
            summary=locked.title,
            data={"attended": len(attended), "decisions": len(cleaned)},
        )
    return locked


def add_decision(meeting: Meeting, draft: DecisionDraft, *, actor: Any) -> Decision:
    """Add a decision to a held meeting's record (one forgotten in the minutes)."""
    with transaction.atomic():
        locked = _lock(meeting)
        require_moderator(actor, locked.unit)
        if locked.status != MeetingStatus.HELD:
            raise conflict(
                DeliberationErrorCode.ILLEGAL_TRANSITION,
                _("Decisions are recorded once the meeting was held."),
            )
        clean = _clean_decision(draft, timezone.localdate(locked.starts_at))
        decision = Decision.objects.create(
            meeting=locked, text=clean.text, owner_unit=clean.owner_unit, due_on=clean.due_on
        )
        audit.record(
            "deliberation.decision.added",
            actor=actor,
            target=decision,
            summary=clean.text[:100],
            data={"owner": clean.owner_unit.code, "due_on": clean.due_on.isoformat()},
        )
    return decision


def cancel_meeting(meeting: Meeting, *, reason: str, actor: Any) -> Meeting:
    """Call off a planned meeting; the reason goes into its minutes."""
    reason = clean_text(reason, "reason", limit=300)
    with transaction.atomic():
        locked = _lock(meeting)
        require_moderator(actor, locked.unit)
        _require_planned(locked)
        locked.status = MeetingStatus.CANCELLED
        locked.minutes = reason
        locked.save(update_fields=["status", "minutes", "updated_at"])
        audit.record("deliberation.meeting.cancelled", actor=actor, target=locked, summary=reason)
    return locked


def update_decision(decision: Decision, *, status: str, note: str, actor: Any) -> DecisionUpdate:
    """A follow-up on a decision by the meeting's staff or the owner unit's: a note and the
    status it moves to. A done or dropped decision takes no further updates."""
    if status not in DecisionStatus.values:
        raise invalid(_("status: one of %s.") % ", ".join(DecisionStatus.values))
    note = clean_text(note, "note", limit=MAX_TEXT)
    with transaction.atomic():
        locked = (
            Decision.objects.select_for_update()
            .select_related("meeting__unit", "owner_unit")
            .get(pk=decision.pk)
        )
        require_decision_follower(actor, locked.meeting.unit, locked.owner_unit)
        if locked.status in DECISION_FINISHED:
            raise conflict(
                DeliberationErrorCode.DECISION_FINISHED, _("This decision is already finished.")
            )
        now = clock.now()
        update = DecisionUpdate.objects.create(
            decision=locked, status=status, note=note, by=user_of(actor), at=now
        )
        locked.status = status
        locked.completed_at = now if status in DECISION_FINISHED else None
        locked.save(update_fields=["status", "completed_at", "updated_at"])
        audit.record(
            "deliberation.decision.updated",
            actor=actor,
            target=locked,
            summary=note[:100],
            data={"status": status},
        )
    return update


def decisions_to_follow(user: Any) -> QuerySet[Decision]:
    """Unfinished decisions the user follows (as meeting or owner unit staff), due first."""
    mine = moderated_q(user, field="meeting__unit") | moderated_q(user, field="owner_unit")
    return (
        Decision.objects.filter(Q(mine))
        .exclude(status__in=DECISION_FINISHED)
        .select_related("meeting", "owner_unit")
        .order_by("due_on", "id")
    )
