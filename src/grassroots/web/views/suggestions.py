"""Suggestion collection for residents: open calls, a call's proposals by support, propose,
support, comment. Everything works without JavaScript.

Residents need no account: the browser gets a random device token in a long-lived cookie
(only its hash is stored), which makes support one per device, as the API's X-Device-Token.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from grassroots.core import ratelimit
from grassroots.core.errors import DomainError
from grassroots.deliberation.errors import DeliberationError
from grassroots.deliberation.models import Proposal, ProposalPhoto, SuggestionCall
from grassroots.deliberation.permissions import access_call, access_proposal, may_moderate
from grassroots.deliberation.services import suggestions as sv
from grassroots.deliberation.services.conversations import Voter

from .suggestion_forms import CommentForm, ProposalForm

logger = logging.getLogger(__name__)
DEVICE_COOKIE = "gr_device"
DEVICE_MAX_AGE = 400 * 24 * 3600  # browsers cap cookies at 400 days
PAGE_SIZE = 30
SORTS = {"support": ("-support_count", "-id"), "new": ("-created_at", "-id")}


def _token(request: HttpRequest) -> str:
    """This browser's device token, made on first need (set on the response by `resident`)."""
    token = request.COOKIES.get(DEVICE_COOKIE, "")
    if len(token) < 16 or len(token) > 64:
        token = getattr(request, "_new_device_token", "") or secrets.token_urlsafe(24)
        request._new_device_token = token  # type: ignore[attr-defined]
    return token


def voter(request: HttpRequest) -> Voter:
    """The resident: the logged-in user, else this browser's device token."""
    user = request.user if request.user.is_authenticated else None
    return Voter(user=user, device_token=_token(request))


def known_voter(request: HttpRequest) -> Voter:
    """For reading only: a browser without the cookie yet has supported nothing."""
    user = request.user if request.user.is_authenticated else None
    return Voter(user=user, device_token=request.COOKIES.get(DEVICE_COOKIE, ""))


def resident(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sets the device cookie when the view made one; a refusal becomes an error page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except DomainError as error:
            context = {"message": error.message, "status": error.status}
            response = render(request, "web/error.html", context, status=error.status)
        token = getattr(request, "_new_device_token", "")
        if token:
            response.set_cookie(
                DEVICE_COOKIE,
                token,
                max_age=DEVICE_MAX_AGE,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response

    return wrapped


def _limited(request: HttpRequest, bucket: str) -> bool:
    if request.user.is_authenticated:
        return False
    return not ratelimit.allow(request, bucket, settings.CASE_INTAKE_RATE_PER_MINUTE)


@require_GET
@resident
def calls(request: HttpRequest) -> HttpResponse:
    """Calls taking suggestions now, and the last closed ones with their answers."""
    today = sv.today()
    base = SuggestionCall.objects.select_related("unit").annotate(
        n=Count("proposals", filter=Q(proposals__hidden=False))
    )
    open_calls = base.filter(status="open", opens_on__lte=today, closes_on__gte=today)
    past = base.exclude(pk__in=open_calls.values("pk")).filter(opens_on__lte=today)[:10]
    context = {"open_calls": open_calls[:50], "past_calls": past}
    return render(request, "web/suggestions/calls.html", context)


@require_GET
@resident
def call_page(request: HttpRequest, call_id: int) -> HttpResponse:
    """A call with its visible proposals, most supported first."""
    who = known_voter(request)
    call = access_call(who.user, call_id)
    sort = request.GET.get("sort", "support")
    ordered = Proposal.objects.filter(call=call, hidden=False).order_by(
        *SORTS.get(sort, SORTS["support"])
    )
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    supported = _supported_ids(rows, who)
    context = {
        "call": call,
        "proposals": rows,
        "page": page,
        "supported": supported,
        "sort": sort if sort in SORTS else "support",
        "accepting": sv.accepts_proposals(call),
        "may_moderate": may_moderate(request.user, call.unit),
    }
    return render(request, "web/suggestions/call.html", context)


def _supported_ids(rows: list[Proposal], who: Voter) -> set[int]:
    from grassroots.deliberation.models import ProposalSupport

    ids = [p.pk for p in rows]
    if who.user is not None:
        mine = ProposalSupport.objects.filter(proposal_id__in=ids, user=who.user)
    elif who.token_hash:
        mine = ProposalSupport.objects.filter(proposal_id__in=ids, token_hash=who.token_hash)
    else:
        return set()
    return set(mine.values_list("proposal_id", flat=True))


@resident
def propose(request: HttpRequest, call_id: int) -> HttpResponse:
    """The proposal form; a valid submission leads to the new proposal's page."""
    call = access_call(request.user, call_id)
    form = ProposalForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if _limited(request, "suggestions"):
            form.add_error(None, _("Too many submissions; wait a minute."))
        else:
            data = form.cleaned_data
            draft = sv.ProposalDraft(
                title=data["title"], text=data["text"], address=data["address"]
            )
            try:
                proposal = sv.submit_proposal(
                    call, draft, voter=voter(request), photos=data["photos"]
                )
            except DeliberationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Thank you: your suggestion is published."))
                return redirect("web:suggestion", proposal_id=proposal.pk)
    context = {"call": call, "form": form, "accepting": sv.accepts_proposals(call)}
    return render(
        request, "web/suggestions/propose.html", context, status=400 if form.errors else 200
    )


def _proposal_context(request: HttpRequest, proposal: Proposal, **extra: Any) -> dict[str, Any]:
    who = known_voter(request)
    moderator = may_moderate(request.user, proposal.call.unit)
    return {
        "p": proposal,
        "call": proposal.call,
        "photos": list(proposal.photos.all()),
        "comments": list(proposal.comments.filter(hidden=False)),
        "updates": list(proposal.updates.all()),
        "supported": sv.has_supported(proposal, who),
        "mine": sv.is_author(proposal, who),
        "accepting": sv.accepts_proposals(proposal.call),
        "may_moderate": moderator,
        "comment_form": extra.pop("comment_form", None) or CommentForm(),
        **extra,
    }


@require_GET
@resident
def proposal_page(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """One proposal: text, place, photos, support, the official answer, follow-through,
    comments."""
    proposal = access_proposal(request.user, proposal_id)
    return render(request, "web/suggestions/proposal.html", _proposal_context(request, proposal))


@require_POST
@resident
def support(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """Support a proposal once; back to where the resident was."""
    proposal = access_proposal(request.user, proposal_id)
    try:
        outcome = sv.support_proposal(proposal, voter=voter(request))
    except DeliberationError as error:
        messages.warning(request, error.message)
    else:
        messages.success(
            request,
            _("Your support is counted (%d in all).") % outcome.proposal.support_count,
        )
    back = request.POST.get("next", "")
    if back == "call":
        url = redirect("web:suggestion_call", call_id=proposal.call_id).url
        return redirect(f"{url}#p{proposal.pk}")
    return redirect("web:suggestion", proposal_id=proposal.pk)


@require_POST
@resident
def comment(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """Add a comment to a proposal."""
    proposal = access_proposal(request.user, proposal_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        if _limited(request, "suggestion-comments"):
            form.add_error(None, _("Too many submissions; wait a minute."))
        else:
            try:
                sv.add_comment(proposal, text=form.cleaned_data["text"], voter=voter(request))
            except DeliberationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your comment is published."))
                return redirect("web:suggestion", proposal_id=proposal.pk)
    context = _proposal_context(request, proposal, comment_form=form)
    return render(request, "web/suggestions/proposal.html", context, status=400)


@require_GET
def photo(request: HttpRequest, photo_id: int) -> HttpResponse | FileResponse:
    """A proposal's photo, while the proposal is visible to the viewer."""
    item = ProposalPhoto.objects.filter(pk=photo_id).first()
    try:
        if item is None:
            raise DeliberationError("deliberation_not_found", _("No such photo."), status=404)
        access_proposal(request.user, item.proposal_id)
        handle = item.file.open("rb")
    except DomainError as error:
        return render(request, "web/error.html", {"message": error.message}, status=error.status)
    except FileNotFoundError:  # the row outlived its file: a 404, not a 500
        logger.warning("proposal photo %s: its file is missing", photo_id)
        message = _("This file is no longer available.")
        return render(request, "web/error.html", {"message": message}, status=404)
    response = FileResponse(handle, content_type=item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
