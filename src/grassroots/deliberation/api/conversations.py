"""Conversation endpoints: residents vote and add statements; staff open and moderate."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status

from grassroots.accounts.auth import ANYONE, STAFF
from grassroots.organizations.models import Unit

from .. import results, services, tasks
from ..errors import not_found
from ..models import Conversation, Statement
from ..permissions import may_moderate, require_moderator
from . import schemas as s

router = Router(tags=["deliberation"])
DEVICE_HEADER = "X-Device-Token"


def user_of(request: HttpRequest) -> Any:
    """The authenticated user, or the anonymous marker."""
    if getattr(request.user, "is_authenticated", False):
        return request.user
    return getattr(request, "auth", None)


def voter_of(request: HttpRequest) -> services.Voter:
    """Who votes: the logged-in user, else the device token header."""
    return services.Voter(
        user=user_of(request), device_token=request.headers.get(DEVICE_HEADER, "")
    )


def unit_by_code(code: str) -> Unit:
    """An active unit by code, or a 404."""
    unit = Unit.objects.filter(code=code, is_active=True).first()
    if unit is None:
        raise not_found(_("Unknown unit “%s”.") % code)
    return unit


def _conversations() -> Any:
    return Conversation.objects.select_related("unit").annotate(
        n_statements=Count("statements", filter=~Q(statements__status="rejected"), distinct=True),
        n_participants=Count("participants", distinct=True),
    )


def conversation_or_404(conversation_id: int) -> Conversation:
    """A conversation (all are public), or a 404."""
    conv = _conversations().filter(pk=conversation_id).first()
    if conv is None:
        raise not_found(_("No such conversation."))
    return conv


def _statement(conv: Conversation, statement_id: int) -> Statement:
    st = Statement.objects.filter(conversation=conv, pk=statement_id).first()
    if st is None:
        raise not_found(_("No such statement."))
    st.conversation = conv
    return st


def _out(conv: Conversation, user: Any) -> dict[str, Any]:
    return {
        "id": conv.pk,
        "unit": conv.unit.code,
        "title": conv.title,
        "description": conv.description,
        "status": conv.status,
        "moderation": conv.moderation,
        "created_at": conv.created_at,
        "closed_at": conv.closed_at,
        "statements": getattr(conv, "n_statements", 0),
        "participants": getattr(conv, "n_participants", 0),
        "may_moderate": may_moderate(user, conv.unit),
    }


def _statement_out(st: Statement, participant_id: int | None = None) -> dict[str, Any]:
    return {
        "id": st.pk,
        "number": st.number,
        "text": st.text,
        "status": st.status,
        "is_meta": st.is_meta,
        "mine": participant_id is not None and st.author_id == participant_id,
    }


@router.get("/conversations", response=list[s.ConversationOut], auth=ANYONE)
def list_conversations(request: HttpRequest, status: str = "") -> list[dict[str, Any]]:
    """All conversations, newest first (optionally only `open` or `closed` ones)."""
    qs = _conversations()
    if status:
        qs = qs.filter(status=status)
    user = user_of(request)
    return [_out(c, user) for c in qs[:200]]


@router.post("/conversations", response={201: s.ConversationOut}, auth=STAFF)
def open_conversation(request: HttpRequest, body: s.ConversationIn) -> Status[Any]:
    """Open a conversation with seed statements (staff of the owner unit)."""
    user = user_of(request)
    conv = services.open_conversation(
        unit_by_code(body.unit),
        title=body.title,
        description=body.description,
        moderation=body.moderation,
        seeds=body.seeds,
        actor=user,
    )
    return Status(201, _out(conversation_or_404(conv.pk), user))


@router.get("/conversations/{conversation_id}", response=s.ConversationOut, auth=ANYONE)
def conversation_detail(request: HttpRequest, conversation_id: int) -> dict[str, Any]:
    """One conversation with its counts."""
    return _out(conversation_or_404(conversation_id), user_of(request))


@router.get(
    "/conversations/{conversation_id}/statements", response=list[s.StatementOut], auth=ANYONE
)
def list_statements(
    request: HttpRequest, conversation_id: int, status: str = ""
) -> list[dict[str, Any]]:
    """Statements participants may vote on; moderators see every statement (filter by
    `status`, e.g. `pending` for the moderation queue). A participant also sees their own."""
    conv = conversation_or_404(conversation_id)
    voter = voter_of(request)
    me = services.find_participant(conv, voter)
    qs = Statement.objects.filter(conversation=conv)
    if not may_moderate(voter.user, conv.unit):
        shown = Q(status__in=services.votable(conv))
        qs = qs.filter(shown | Q(author=me) if me else shown)
    if status:
        qs = qs.filter(status=status)
    return [_statement_out(st, me.pk if me else None) for st in qs.order_by("number")]


@router.post(
    "/conversations/{conversation_id}/statements", response={201: s.StatementOut}, auth=ANYONE
)
def add_statement(request: HttpRequest, conversation_id: int, body: s.StatementIn) -> Status[Any]:
    """Add a statement: a participant's waits for moderation, a moderator's is accepted."""
    conv = conversation_or_404(conversation_id)
    st = services.add_statement(conv, text=body.text, voter=voter_of(request), is_meta=body.is_meta)
    return Status(201, _statement_out(st, st.author_id))


@router.post(
    "/conversations/{conversation_id}/statements/{statement_id}/moderate",
    response=s.StatementOut,
    auth=STAFF,
)
def moderate_statement(
    request: HttpRequest, conversation_id: int, statement_id: int, body: s.ModerationIn
) -> dict[str, Any]:
    """Accept or reject a statement (and mark it meta or not)."""
    conv = conversation_or_404(conversation_id)
    st = services.moderate_statement(
        _statement(conv, statement_id),
        accept=body.accept,
        is_meta=body.is_meta,
        actor=user_of(request),
    )
    return _statement_out(st)


@router.post("/conversations/{conversation_id}/votes", response=s.VoteOut, auth=ANYONE)
def vote(request: HttpRequest, conversation_id: int, body: s.VoteIn) -> dict[str, Any]:
    """Vote on a statement, logged in or anonymously with an `X-Device-Token` header (a
    random string of 16+ characters the device keeps). The last vote counts."""
    conv = conversation_or_404(conversation_id)
    outcome = services.cast_vote(
        _statement(conv, body.statement), value=body.value, voter=voter_of(request)
    )
    return {
        "statement": body.statement,
        "value": outcome.vote.value,
        "participant": outcome.vote.participant.number,
        "group": outcome.group,
    }


@router.get("/conversations/{conversation_id}/next", response=s.NextOut, auth=ANYONE)
def next_statement(request: HttpRequest, conversation_id: int) -> dict[str, Any]:
    """The next statement to show this voter (chosen by Polis's priorities), or null."""
    conv = conversation_or_404(conversation_id)
    voter = voter_of(request)
    st = services.next_statement(conv, voter=voter)
    me = services.find_participant(conv, voter)
    shown = Statement.objects.filter(conversation=conv, status__in=services.votable(conv))
    remaining = (shown.exclude(votes__participant=me) if me else shown).count()
    return {"statement": _statement_out(st) if st else None, "remaining": remaining}


@router.post("/conversations/{conversation_id}/close", response=s.ConversationOut, auth=STAFF)
def close_conversation(request: HttpRequest, conversation_id: int) -> dict[str, Any]:
    """Close the conversation; results stay visible."""
    user = user_of(request)
    services.close_conversation(conversation_or_404(conversation_id), actor=user)
    return _out(conversation_or_404(conversation_id), user)


@router.get("/conversations/{conversation_id}/results", response=s.ResultsOut, auth=ANYONE)
def conversation_results(request: HttpRequest, conversation_id: int) -> dict[str, Any]:
    """Opinion groups with their representative statements, participants as chart points
    (x, y, group) and consensus statements, from the last background recompute (requested
    here again if it fell behind the votes)."""
    conv = conversation_or_404(conversation_id)
    tasks.refresh_if_behind(conv.pk)
    return results.results_of(conv)


@router.get("/conversations/{conversation_id}/export", auth=STAFF)
def export_conversation(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """The conversation in the Polis openData format: a zip of comments.csv, votes.csv and
    participants-votes.csv (moderators of the owner unit)."""
    conv = conversation_or_404(conversation_id)
    require_moderator(user_of(request), conv.unit)
    response = HttpResponse(services.opendata_zip(conv), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="conversation-{conv.pk}.zip"'
    return response
