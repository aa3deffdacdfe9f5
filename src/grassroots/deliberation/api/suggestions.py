"""Suggestion-collection endpoints: residents propose, support and comment (logged in or with
an `X-Device-Token`); the owner unit's staff open calls, moderate, answer and follow through."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile as NinjaFile

from grassroots.accounts.auth import ANYONE, STAFF
from grassroots.core import ratelimit

from ..errors import DeliberationError, DeliberationErrorCode, not_found
from ..models import Meeting, Proposal, ProposalComment, SuggestionCall
from ..permissions import access_call, access_proposal, may_moderate
from ..services import suggestions as sv
from ..services import suggestions_review as review
from ..services.conversations import Voter
from . import suggestion_schemas as s
from .conversations import unit_by_code, user_of, voter_of

router = Router(tags=["suggestions"])
SORTS = {"support": ("-support_count", "-id"), "new": ("-created_at", "-id")}


def _throttle(request: HttpRequest, bucket: str) -> None:
    """Anonymous submissions are rate-limited per address, as case intake is."""
    if getattr(request.user, "is_authenticated", False):
        return
    if not ratelimit.allow(request, bucket, settings.CASE_INTAKE_RATE_PER_MINUTE):
        raise DeliberationError(
            DeliberationErrorCode.RATE_LIMITED,
            _("Too many submissions; wait a minute."),
            status=429,
        )


def calls_with_counts() -> QuerySet[SuggestionCall]:
    """Calls with the number of visible proposals each."""
    return SuggestionCall.objects.select_related("unit", "area").annotate(
        n_proposals=Count("proposals", filter=Q(proposals__hidden=False))
    )


def call_out(call: SuggestionCall, user: Any) -> dict[str, Any]:
    """A call as the API shows it."""
    return {
        "id": call.pk,
        "unit": call.unit.code,
        "unit_name": call.unit.name,
        "area": call.area.code if call.area else None,
        "title": call.title,
        "description": call.description,
        "opens_on": call.opens_on,
        "closes_on": call.closes_on,
        "status": call.status,
        "accepting": sv.accepts_proposals(call),
        "support_threshold": call.support_threshold,
        "answer_days": call.answer_days,
        "proposals": getattr(call, "n_proposals", 0),
        "may_moderate": may_moderate(user, call.unit),
    }


def proposal_out(p: Proposal, voter: Voter, *, moderator: bool) -> dict[str, Any]:
    """A proposal; the author's name, hiding reasons and case links only for moderators."""
    return {
        "id": p.pk,
        "call": p.call_id,
        "title": p.title,
        "text": p.text,
        "address": p.address,
        "lat": p.lat,
        "lng": p.lng,
        "channel": p.channel,
        "status": p.status,
        "support_count": p.support_count,
        "support_threshold": p.call.support_threshold,
        "supported": sv.has_supported(p, voter),
        "mine": sv.is_author(p, voter),
        "answer_due": p.answer_due,
        "outcome": p.outcome,
        "answer": p.answer,
        "answered_at": p.answered_at,
        "implementation": p.implementation,
        "follow_through": p.follow_through,
        "implemented_at": p.implemented_at,
        "case": p.case.tracking_code if moderator and p.case_id and p.case else None,
        "created_at": p.created_at,
        "hidden": p.hidden,
        "hidden_reason": p.hidden_reason if moderator else "",
        "author_name": p.author_name if moderator else "",
        "source_note": p.source_note if moderator else "",
    }


def _detail(p: Proposal, voter: Voter) -> dict[str, Any]:
    moderator = may_moderate(voter.user, p.call.unit)
    comments = p.comments.all() if moderator else p.comments.filter(hidden=False)
    me = voter.token_hash
    user = getattr(voter.user, "pk", None) if getattr(voter.user, "is_authenticated", 0) else None
    return {
        **proposal_out(p, voter, moderator=moderator),
        "photos": [
            {
                "id": ph.pk,
                "url": reverse("web:suggestion_photo", args=[ph.pk]),
                "content_type": ph.content_type,
            }
            for ph in p.photos.all()
        ],
        "comments": [
            {
                "id": c.pk,
                "text": c.text,
                "created_at": c.created_at,
                "mine": bool((user and c.author_id == user) or (me and c.token_hash == me)),
                "hidden": c.hidden,
                "hidden_reason": c.hidden_reason if moderator else "",
            }
            for c in comments
        ],
        "updates": [
            {"implementation": u.implementation, "note": u.note, "at": u.created_at}
            for u in p.updates.all()
        ],
    }


@router.get("/calls", response=list[s.CallOut], auth=ANYONE)
def list_calls(request: HttpRequest, status: str = "accepting") -> list[dict[str, Any]]:
    """Calls for suggestions: `accepting` (default: open and inside their period), `open`,
    `closed` or `all`; newest first."""
    qs = calls_with_counts()
    if status in ("open", "closed"):
        qs = qs.filter(status=status)
    elif status == "accepting":
        today = sv.today()
        qs = qs.filter(status="open", opens_on__lte=today, closes_on__gte=today)
    user = user_of(request)
    return [call_out(c, user) for c in qs[:200]]


@router.post("/calls", response={201: s.CallOut}, auth=STAFF)
def open_call(request: HttpRequest, body: s.CallIn) -> Status[Any]:
    """Open a call for suggestions on a topic, for a period and an area (the unit's staff)."""
    user = user_of(request)
    call = sv.open_call(
        unit_by_code(body.unit),
        title=body.title,
        description=body.description,
        area=unit_by_code(body.area) if body.area else None,
        opens_on=body.opens_on,
        closes_on=body.closes_on,
        support_threshold=body.support_threshold,
        answer_days=body.answer_days,
        actor=user,
    )
    return Status(201, call_out(calls_with_counts().get(pk=call.pk), user))


@router.get("/calls/{call_id}", response=s.CallOut, auth=ANYONE)
def call_detail(request: HttpRequest, call_id: int) -> dict[str, Any]:
    """One call with its count of visible proposals."""
    call = calls_with_counts().filter(pk=call_id).first()
    if call is None:
        raise not_found(_("No such call for suggestions."))
    return call_out(call, user_of(request))


@router.post("/calls/{call_id}/close", response=s.CallOut, auth=STAFF)
def close_call(request: HttpRequest, call_id: int) -> dict[str, Any]:
    """Close the call early: no more proposals or support; answers still follow."""
    user = user_of(request)
    sv.close_call(access_call(user, call_id), actor=user)
    return call_out(calls_with_counts().get(pk=call_id), user)


@router.get("/calls/{call_id}/proposals", response=list[s.ProposalOut], auth=ANYONE)
def list_proposals(
    request: HttpRequest, call_id: int, sort: str = "support", hidden: bool = False
) -> list[dict[str, Any]]:
    """The call's proposals, most supported first (`sort=new` for newest). Moderators may
    ask for the hidden ones (`hidden=true`), with the reasons."""
    voter = voter_of(request)
    call = access_call(voter.user, call_id)
    moderator = may_moderate(voter.user, call.unit)
    qs = Proposal.objects.filter(call=call, hidden=hidden and moderator).select_related("case")
    rows = list(qs.order_by(*SORTS.get(sort, SORTS["support"]))[:500])
    for p in rows:
        p.call = call
    return [proposal_out(p, voter, moderator=moderator) for p in rows]


@router.post("/calls/{call_id}/proposals", response={201: s.ProposalDetailOut}, auth=ANYONE)
def submit_proposal(request: HttpRequest, call_id: int, body: s.ProposalIn) -> Status[Any]:
    """A resident's proposal, logged in or with an `X-Device-Token` header (16+ random
    characters the device keeps). Photos follow through `POST /proposals/{id}/photos`."""
    voter = voter_of(request)
    _throttle(request, "suggestions")
    draft = sv.ProposalDraft(
        title=body.title, text=body.text, address=body.address, lat=body.lat, lng=body.lng
    )
    proposal = sv.submit_proposal(access_call(voter.user, call_id), draft, voter=voter)
    return Status(201, _detail(access_proposal(voter.user, proposal.pk), voter))


@router.post("/calls/{call_id}/offline", response={201: s.ProposalDetailOut}, auth=STAFF)
def record_offline(request: HttpRequest, call_id: int, body: s.OfflineProposalIn) -> Status[Any]:
    """A worker types in a suggestion collected offline (e.g. at a community meeting)."""
    voter = voter_of(request)
    meeting = Meeting.objects.filter(pk=body.meeting).first() if body.meeting else None
    if body.meeting and meeting is None:
        raise not_found(_("No such meeting."))
    draft = sv.ProposalDraft(
        title=body.title,
        text=body.text,
        address=body.address,
        lat=body.lat,
        lng=body.lng,
        author_name=body.author_name,
    )
    proposal = sv.record_offline_proposal(
        access_call(voter.user, call_id),
        draft,
        source_note=body.source_note,
        meeting=meeting,
        actor=voter.user,
    )
    return Status(201, _detail(access_proposal(voter.user, proposal.pk), voter))


@router.post("/calls/{call_id}/promote-case", response={201: s.ProposalDetailOut}, auth=STAFF)
def promote_case(request: HttpRequest, call_id: int, body: s.PromoteCaseIn) -> Status[Any]:
    """Promote a hotline case you can see into a proposal of this call (not confidential
    ones); the resident's identity does not come along."""
    voter = voter_of(request)
    proposal = review.promote_case(
        body.case,
        call=access_call(voter.user, call_id),
        title=body.title,
        text=body.text,
        actor=voter.user,
    )
    return Status(201, _detail(access_proposal(voter.user, proposal.pk), voter))


@router.get("/proposals/{proposal_id}", response=s.ProposalDetailOut, auth=ANYONE)
def proposal_detail(request: HttpRequest, proposal_id: int) -> dict[str, Any]:
    """One proposal with its photos, visible comments, answer and follow-through."""
    voter = voter_of(request)
    return _detail(access_proposal(voter.user, proposal_id), voter)


@router.post("/proposals/{proposal_id}/photos", response={201: s.ProposalDetailOut}, auth=ANYONE)
def add_photos(request: HttpRequest, proposal_id: int, files: File[list[NinjaFile]]) -> Status[Any]:
    """Add photos (JPEG, PNG, GIF, WebP, HEIC; checked by content; at most 6 per proposal):
    the author (same login or device token) or the call's staff."""
    voter = voter_of(request)
    proposal = access_proposal(voter.user, proposal_id)
    uploads: list[UploadedFile] = list(files)
    sv.add_photos(proposal, uploads, voter=voter)
    return Status(201, _detail(access_proposal(voter.user, proposal_id), voter))


@router.post("/proposals/{proposal_id}/support", response=s.SupportOut, auth=ANYONE)
def support(request: HttpRequest, proposal_id: int) -> dict[str, Any]:
    """Support a proposal, once per person (login or device token). The support that
    reaches the call's threshold makes an official answer due (`answer_now_due`)."""
    voter = voter_of(request)
    outcome = sv.support_proposal(access_proposal(voter.user, proposal_id), voter=voter)
    p = outcome.proposal
    return {
        "proposal": p.pk,
        "support_count": p.support_count,
        "status": p.status,
        "answer_now_due": outcome.answer_now_due,
    }


@router.post("/proposals/{proposal_id}/comments", response={201: s.CommentOut}, auth=ANYONE)
def add_comment(request: HttpRequest, proposal_id: int, body: s.CommentIn) -> Status[Any]:
    """Comment on a proposal (login or device token)."""
    voter = voter_of(request)
    _throttle(request, "suggestion-comments")
    c = sv.add_comment(access_proposal(voter.user, proposal_id), text=body.text, voter=voter)
    out = {"id": c.pk, "text": c.text, "created_at": c.created_at, "mine": True}
    return Status(201, {**out, "hidden": False, "hidden_reason": ""})


@router.post("/proposals/{proposal_id}/hide", response=s.ProposalOut, auth=STAFF)
def hide_proposal(request: HttpRequest, proposal_id: int, body: s.HideIn) -> dict[str, Any]:
    """Hide a proposal from residents, with a reason (moderators see it; audited)."""
    voter = voter_of(request)
    p = sv.hide_proposal(
        access_proposal(voter.user, proposal_id), reason=body.reason, actor=voter.user
    )
    return proposal_out(p, voter, moderator=True)


@router.post("/proposals/{proposal_id}/show", response=s.ProposalOut, auth=STAFF)
def show_proposal(request: HttpRequest, proposal_id: int) -> dict[str, Any]:
    """Show a hidden proposal again."""
    voter = voter_of(request)
    p = sv.show_proposal(access_proposal(voter.user, proposal_id), actor=voter.user)
    return proposal_out(p, voter, moderator=True)


def _comment(user: Any, comment_id: int) -> ProposalComment:
    comment = ProposalComment.objects.filter(pk=comment_id).first()
    if comment is None:
        raise not_found(_("No such comment."))
    access_proposal(user, comment.proposal_id, moderate=True)
    return comment


@router.post("/comments/{comment_id}/hide", response=s.CommentOut, auth=STAFF)
def hide_comment(request: HttpRequest, comment_id: int, body: s.HideIn) -> dict[str, Any]:
    """Hide a comment, with a reason moderators see."""
    user = user_of(request)
    c = sv.hide_comment(_comment(user, comment_id), reason=body.reason, actor=user)
    return {
        "id": c.pk,
        "text": c.text,
        "created_at": c.created_at,
        "mine": False,
        "hidden": c.hidden,
        "hidden_reason": c.hidden_reason,
    }


@router.post("/comments/{comment_id}/show", response=s.CommentOut, auth=STAFF)
def show_comment(request: HttpRequest, comment_id: int) -> dict[str, Any]:
    """Show a hidden comment again."""
    user = user_of(request)
    c = sv.show_comment(_comment(user, comment_id), actor=user)
    return {
        "id": c.pk,
        "text": c.text,
        "created_at": c.created_at,
        "mine": False,
        "hidden": c.hidden,
        "hidden_reason": "",
    }


@router.post("/proposals/{proposal_id}/answer", response=s.ProposalDetailOut, auth=STAFF)
def answer(request: HttpRequest, proposal_id: int, body: s.AnswerIn) -> dict[str, Any]:
    """The official answer: adopted, partly adopted or not adopted, with the reasons."""
    voter = voter_of(request)
    review.answer_proposal(
        access_proposal(voter.user, proposal_id, moderate=True),
        outcome=body.outcome,
        answer=body.answer,
        actor=voter.user,
    )
    return _detail(access_proposal(voter.user, proposal_id), voter)


@router.post("/proposals/{proposal_id}/follow-through", response=s.ProposalDetailOut, auth=STAFF)
def follow_through(
    request: HttpRequest, proposal_id: int, body: s.FollowThroughIn
) -> dict[str, Any]:
    """A step of carrying out an adopted proposal; `done` marks it implemented."""
    voter = voter_of(request)
    review.update_implementation(
        access_proposal(voter.user, proposal_id, moderate=True),
        implementation=body.implementation,
        note=body.note,
        actor=voter.user,
    )
    return _detail(access_proposal(voter.user, proposal_id), voter)


@router.post("/proposals/{proposal_id}/case", response={201: s.CaseLinkOut}, auth=STAFF)
def make_case(request: HttpRequest, proposal_id: int) -> Status[Any]:
    """Turn the proposal into a hotline case (kind `suggestion`) through case intake."""
    user = user_of(request)
    case = review.proposal_to_case(access_proposal(user, proposal_id, moderate=True), actor=user)
    return Status(
        201, {"proposal": proposal_id, "case": case.pk, "tracking_code": case.tracking_code}
    )


@router.get("/todo", response=list[s.ProposalOut], auth=STAFF)
def answers_due(request: HttpRequest) -> list[dict[str, Any]]:
    """The unit's to-do: proposals past their threshold awaiting an official answer, in the
    caller's units, earliest deadline first."""
    voter = voter_of(request)
    return [
        proposal_out(p, voter, moderator=True)
        for p in review.answers_due(voter.user).select_related("case")[:500]
    ]
