"""Suggestion collection for staff: the to-do (answers due, decisions to follow), opening a
call, moderating it, offline entry, and the review page of a proposal (answer, follow-through,
hide, make a case). Each post calls one service and redirects back (post/redirect/get)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grassroots.core import clock
from grassroots.core.errors import DomainError
from grassroots.deliberation.models import Meeting, Proposal, ProposalComment, SuggestionCall
from grassroots.deliberation.permissions import (
    access_call,
    access_proposal,
    moderated_q,
    require_moderator,
)
from grassroots.deliberation.services import meetings as meeting_services
from grassroots.deliberation.services import suggestions as sv
from grassroots.deliberation.services import suggestions_review as review
from grassroots.organizations.models import Unit

from .errors import staff_view
from .suggestion_forms import (
    AnswerForm,
    CallForm,
    FollowThroughForm,
    OfflineProposalForm,
    PromoteCaseForm,
    ReasonForm,
    my_units,
)


@staff_view
def todo(request: HttpRequest) -> HttpResponse:
    """The unit's to-do: proposals awaiting an official answer, meeting decisions to follow,
    and the calls the user runs."""
    user = request.user
    calls = (
        SuggestionCall.objects.filter(moderated_q(user))
        .select_related("unit")
        .annotate(
            n=Count("proposals", filter=Q(proposals__hidden=False)),
            n_hidden=Count("proposals", filter=Q(proposals__hidden=True)),
        )[:50]
    )
    context = {
        "due": list(review.answers_due(user)[:200]),
        "decisions": list(meeting_services.decisions_to_follow(user)[:200]),
        "calls": calls,
        "now": clock.now(),
        "today": sv.today(),
    }
    return render(request, "web/suggestions/staff_todo.html", context)


@staff_view
def call_new(request: HttpRequest) -> HttpResponse:
    """Open a call for suggestions."""
    form = CallForm(request.POST or None)
    form.fields["unit"].choices = my_units(request.user)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            call = sv.open_call(
                Unit.objects.get(code=data["unit"]),
                title=data["title"],
                description=data["description"],
                area=data["area"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                support_threshold=data["support_threshold"],
                answer_days=data["answer_days"],
                actor=request.user,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The call is open."))
            return redirect("web:suggestion_call_manage", call_id=call.pk)
    status = 400 if form.errors else 200
    return render(request, "web/suggestions/staff_call_new.html", {"form": form}, status=status)


@staff_view
def call_manage(request: HttpRequest, call_id: int) -> HttpResponse:
    """Moderate a call: every proposal with its state, hidden ones with their reasons."""
    call = access_call(request.user, call_id)
    require_moderator(request.user, call.unit)
    proposals = (
        Proposal.objects.filter(call=call)
        .select_related("case")
        .order_by("hidden", "-support_count", "-id")
    )
    context = {
        "call": call,
        "proposals": proposals,
        "accepting": sv.accepts_proposals(call),
        "promote_form": PromoteCaseForm(),
    }
    return render(request, "web/suggestions/staff_call.html", context)


@staff_view
@require_POST
def call_close(request: HttpRequest, call_id: int) -> HttpResponse:
    """Close the call early."""
    sv.close_call(access_call(request.user, call_id), actor=request.user)
    messages.success(request, _("The call is closed."))
    return redirect("web:suggestion_call_manage", call_id=call_id)


@staff_view
@require_POST
def call_promote(request: HttpRequest, call_id: int) -> HttpResponse:
    """Promote a case to a proposal of this call."""
    call = access_call(request.user, call_id)
    form = PromoteCaseForm(request.POST)
    if not form.is_valid():
        messages.warning(request, _("Give the case number."))
        return redirect("web:suggestion_call_manage", call_id=call_id)
    data = form.cleaned_data
    try:
        proposal = review.promote_case(
            data["case"], call=call, title=data["title"], text=data["text"], actor=request.user
        )
    except DomainError as error:
        messages.warning(request, error.message)
        return redirect("web:suggestion_call_manage", call_id=call_id)
    messages.success(request, _("The case is now a proposal."))
    return redirect("web:suggestion_review", proposal_id=proposal.pk)


@staff_view
def offline(request: HttpRequest, call_id: int) -> HttpResponse:
    """Type in suggestions collected offline; "save and add another" keeps the source."""
    call = access_call(request.user, call_id)
    require_moderator(request.user, call.unit)
    meetings = Meeting.objects.filter(moderated_q(request.user)).order_by("-starts_at")[:30]
    initial = {"source_note": request.GET.get("source", "")}
    form = OfflineProposalForm(request.POST or None, initial=initial)
    form.fields["meeting"].choices = [("", "—")] + [  # type: ignore[attr-defined]
        (m.pk, f"{m.starts_at:%Y-%m-%d} {m.title}") for m in meetings
    ]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        draft = sv.ProposalDraft(
            title=data["title"],
            text=data["text"],
            address=data["address"],
            author_name=data["author_name"],
        )
        meeting = Meeting.objects.filter(pk=data["meeting"]).first() if data["meeting"] else None
        try:
            sv.record_offline_proposal(
                call, draft, source_note=data["source_note"], meeting=meeting, actor=request.user
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Suggestion recorded as collected offline."))
            if "another" in request.POST:
                url = redirect("web:suggestion_offline", call_id=call.pk).url
                return redirect(f"{url}?{urlencode({'source': data['source_note']})}")
            return redirect("web:suggestion_call_manage", call_id=call.pk)
    status = 400 if form.errors else 200
    context = {"call": call, "form": form}
    return render(request, "web/suggestions/staff_offline.html", context, status=status)


def _review_context(request: HttpRequest, proposal: Proposal, **forms: Any) -> dict[str, Any]:
    return {
        "p": proposal,
        "call": proposal.call,
        "photos": list(proposal.photos.all()),
        "comments": list(proposal.comments.all()),
        "updates": list(proposal.updates.all()),
        "answer_form": forms.get("answer_form") or AnswerForm(),
        "follow_form": forms.get("follow_form") or FollowThroughForm(),
        "hide_form": forms.get("hide_form") or ReasonForm(),
        "now": clock.now(),
    }


@staff_view
def proposal_review(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """The staff page of a proposal: answer, follow-through, moderation, case link."""
    proposal = access_proposal(request.user, proposal_id, moderate=True)
    return render(
        request, "web/suggestions/staff_proposal.html", _review_context(request, proposal)
    )


ACTIONS = ("answer", "follow", "hide", "show", "case")


@staff_view
@require_POST
def proposal_act(request: HttpRequest, proposal_id: int, name: str) -> HttpResponse:
    """One action on a proposal; a form error re-renders the page with the message."""
    proposal = access_proposal(request.user, proposal_id, moderate=True)
    user = request.user
    form: Any = None
    try:
        if name == "answer":
            form = AnswerForm(request.POST)
            if form.is_valid():
                review.answer_proposal(proposal, actor=user, **form.cleaned_data)
        elif name == "follow":
            form = FollowThroughForm(request.POST)
            if form.is_valid():
                review.update_implementation(proposal, actor=user, **form.cleaned_data)
        elif name == "hide":
            form = ReasonForm(request.POST)
            if form.is_valid():
                sv.hide_proposal(proposal, reason=form.cleaned_data["reason"], actor=user)
        elif name == "show":
            sv.show_proposal(proposal, actor=user)
        elif name == "case":
            case = review.proposal_to_case(proposal, actor=user)
            messages.success(request, _("Case %s created.") % case.tracking_code)
        else:
            return render(request, "web/error.html", {"message": _("Unknown action.")}, status=404)
    except DomainError as error:
        if form is None:
            messages.warning(request, error.message)
        else:
            form.add_error(None, error.message)
    if form is not None and form.errors:
        key = {"answer": "answer_form", "follow": "follow_form", "hide": "hide_form"}[name]
        context = _review_context(request, proposal, **{key: form})
        return render(request, "web/suggestions/staff_proposal.html", context, status=400)
    if name != "case":
        messages.success(request, _("Saved."))
    return redirect("web:suggestion_review", proposal_id=proposal.pk)


@staff_view
@require_POST
def comment_act(request: HttpRequest, comment_id: int, name: str) -> HttpResponse:
    """Hide (with a reason) or show a comment."""
    comment = ProposalComment.objects.filter(pk=comment_id).first()
    if comment is None:
        return render(request, "web/error.html", {"message": _("No such comment.")}, status=404)
    access_proposal(request.user, comment.proposal_id, moderate=True)
    form = ReasonForm(request.POST)
    try:
        if name == "hide" and form.is_valid():
            sv.hide_comment(comment, reason=form.cleaned_data["reason"], actor=request.user)
        elif name == "show":
            sv.show_comment(comment, actor=request.user)
        else:
            messages.warning(request, _("Give a reason."))
    except DomainError as error:
        messages.warning(request, error.message)
    return redirect("web:suggestion_review", proposal_id=comment.proposal_id)
