"""Deliberation meetings for staff: the list, planning a meeting, and its page (agenda,
participants, minutes with decisions, follow-up of each decision). One service per post."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grassroots.core.errors import DomainError
from grassroots.deliberation.models import Decision, Meeting
from grassroots.deliberation.models.meetings import DECISION_FINISHED
from grassroots.deliberation.permissions import (
    access_meeting,
    access_proposal,
    may_follow_decision,
    may_moderate,
    moderated_q,
)
from grassroots.deliberation.services import meetings as sv
from grassroots.deliberation.services.suggestions import today
from grassroots.organizations.models import Unit

from .errors import staff_view
from .suggestion_forms import (
    AgendaItemForm,
    DecisionForm,
    DecisionUpdateForm,
    MeetingForm,
    MinutesForm,
    ParticipantForm,
    ReasonForm,
    my_units,
)


@staff_view
def meeting_list(request: HttpRequest) -> HttpResponse:
    """Meetings of the user's units, or owning one of their decisions; newest first."""
    user = request.user
    owned = Decision.objects.filter(moderated_q(user, field="owner_unit")).values("meeting")
    rows = (
        Meeting.objects.filter(moderated_q(user) | Q(pk__in=owned))
        .select_related("unit")
        .order_by("-starts_at")[:100]
    )
    return render(request, "web/suggestions/meetings.html", {"meetings": rows})


@staff_view
def meeting_new(request: HttpRequest) -> HttpResponse:
    """Plan a meeting on one issue (optionally about a proposal: `?proposal=ID`)."""
    proposal_id = request.GET.get("proposal") or request.POST.get("proposal") or ""
    proposal = (
        access_proposal(request.user, int(proposal_id), moderate=True)
        if proposal_id.isascii() and proposal_id.isdecimal() and len(proposal_id) <= 18
        else None
    )
    initial = {"title": proposal.title} if proposal else {}
    form = MeetingForm(request.POST or None, initial=initial)
    form.fields["unit"].choices = my_units(request.user)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agenda = [line.strip() for line in data["agenda"].splitlines() if line.strip()]
        try:
            meeting = sv.create_meeting(
                Unit.objects.get(code=data["unit"]),
                title=data["title"],
                description=data["description"],
                place=data["place"],
                starts_at=data["starts_at"],
                proposal=proposal,
                agenda=agenda,
                actor=request.user,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The meeting is planned."))
            return redirect("web:meeting", meeting_id=meeting.pk)
    context = {"form": form, "proposal": proposal}
    status = 400 if form.errors else 200
    return render(request, "web/suggestions/meeting_new.html", context, status=status)


def _context(request: HttpRequest, meeting: Meeting, **forms: Any) -> dict[str, Any]:
    participants = list(meeting.participants.select_related("unit").order_by("id"))
    decisions = list(
        meeting.decisions.select_related("owner_unit").prefetch_related("updates").order_by("id")
    )
    user = request.user
    for d in decisions:
        d.overdue = d.status not in DECISION_FINISHED and d.due_on < today()  # type: ignore[attr-defined]
        d.may_update = d.status not in DECISION_FINISHED and may_follow_decision(  # type: ignore[attr-defined]
            user, meeting.unit, d.owner_unit
        )
    choices = [(p.pk, f"{p.name} ({p.get_role_display()})") for p in participants]
    return {
        "m": meeting,
        "agenda": list(meeting.agenda.all()),
        "participants": participants,
        "decisions": decisions,
        "organiser": may_moderate(user, meeting.unit),
        "agenda_form": forms.get("agenda_form") or AgendaItemForm(),
        "participant_form": forms.get("participant_form") or ParticipantForm(),
        "minutes_form": forms.get("minutes_form") or MinutesForm(participants=choices),
        "decision_forms": forms.get("decision_forms")
        or [DecisionForm(prefix=f"d{i}") for i in range(3)],
        "decision_form": forms.get("decision_form") or DecisionForm(prefix="new"),
        "update_form": DecisionUpdateForm(),
        "cancel_form": forms.get("cancel_form") or ReasonForm(),
    }


@staff_view
def meeting_page(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """A meeting: agenda, participants, minutes and decisions with their follow-up."""
    meeting = access_meeting(request.user, meeting_id)
    return render(request, "web/suggestions/meeting.html", _context(request, meeting))


def _minutes(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    """Record the minutes with up to three decisions; returns the forms on error."""
    choices = [(p.pk, p.name) for p in meeting.participants.all()]
    form = MinutesForm(request.POST, participants=choices)
    drafts = [DecisionForm(request.POST, prefix=f"d{i}") for i in range(3)]
    filled = [d for d in drafts if any(request.POST.get(f"{d.prefix}-{f}") for f in d.fields)]
    if form.is_valid() and all(d.is_valid() for d in filled):
        sv.record_minutes(
            meeting,
            minutes=form.cleaned_data["minutes"],
            attended=form.cleaned_data["attended"],
            decisions=[sv.DecisionDraft(**d.cleaned_data) for d in filled],
            actor=request.user,
        )
        return {}
    return {"minutes_form": form, "decision_forms": drafts}


def _act(request: HttpRequest, meeting: Meeting, name: str) -> dict[str, Any]:
    """Run one action; the forms to show again when input did not validate."""
    user = request.user
    form: Any
    if name == "agenda":
        form = AgendaItemForm(request.POST)
        if form.is_valid():
            sv.add_agenda_item(meeting, title=form.cleaned_data["title"], actor=user)
            return {}
        return {"agenda_form": form}
    if name == "participant":
        form = ParticipantForm(request.POST)
        if form.is_valid():
            sv.add_participant(meeting, actor=user, **form.cleaned_data)
            return {}
        return {"participant_form": form}
    if name == "minutes":
        return _minutes(request, meeting)
    if name == "decision":
        form = DecisionForm(request.POST, prefix="new")
        if form.is_valid():
            sv.add_decision(meeting, sv.DecisionDraft(**form.cleaned_data), actor=user)
            return {}
        return {"decision_form": form}
    if name == "cancel":
        form = ReasonForm(request.POST)
        if form.is_valid():
            sv.cancel_meeting(meeting, reason=form.cleaned_data["reason"], actor=user)
            return {}
        return {"cancel_form": form}
    raise DomainError("not_found", _("Unknown action."), status=404)


@staff_view
@require_POST
def meeting_act(request: HttpRequest, meeting_id: int, name: str) -> HttpResponse:
    """One action on a meeting (post/redirect/get; invalid input re-renders with errors)."""
    meeting = access_meeting(request.user, meeting_id)
    try:
        failed = _act(request, meeting, name)
    except DomainError as error:
        if error.status == 404:
            raise
        messages.warning(request, error.message)
        return redirect("web:meeting", meeting_id=meeting.pk)
    if failed:
        context = _context(request, meeting, **failed)
        return render(request, "web/suggestions/meeting.html", context, status=400)
    messages.success(request, _("Saved."))
    return redirect("web:meeting", meeting_id=meeting.pk)


@staff_view
@require_POST
def decision_update(request: HttpRequest, decision_id: int) -> HttpResponse:
    """A follow-up note on a decision, by the meeting's or the owner unit's staff."""
    decision = Decision.objects.filter(pk=decision_id).first()
    if decision is None:
        raise DomainError("not_found", _("No such decision."), status=404)
    access_meeting(request.user, decision.meeting_id)
    form = DecisionUpdateForm(request.POST)
    if not form.is_valid():
        messages.warning(request, _("Give a status and a note."))
    else:
        try:
            sv.update_decision(decision, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.warning(request, error.message)
        else:
            messages.success(request, _("Saved."))
    return redirect(f"{redirect('web:meeting', meeting_id=decision.meeting_id).url}#d{decision.pk}")
