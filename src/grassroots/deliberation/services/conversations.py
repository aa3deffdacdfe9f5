"""Conversations: open, statements and moderation, votes, the next statement, close.

Votes are written in one transaction (current vote + history event); the vote is then folded
into this process's engine for an immediate group, and a full recompute is requested after
commit (see `engines` and `tasks`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from grassroots.core import audit, clock
from grassroots.organizations.models import Unit

from .. import engines, tasks
from ..enums import ConversationStatus, ModerationMode, StatementStatus, Vote
from ..errors import DeliberationError, DeliberationErrorCode, conflict, invalid
from ..models import Conversation, Participant, ParticipantVote, Statement, VoteEvent
from ..permissions import may_moderate, require_moderator
from ._common import clean_text, user_of

MAX_TITLE = 200
MAX_DESCRIPTION = 5000
MAX_STATEMENT = 400
META_PRIORITY = 49.0  # Polis shows meta statements with priority 7²


@dataclass(frozen=True)
class Voter:
    """Who is acting in a conversation: a logged-in user or an anonymous device token."""

    user: Any = None
    device_token: str = ""

    @property
    def token_hash(self) -> str:
        """The stored form of the device token (never the token itself)."""
        token = self.device_token.strip()
        return hashlib.sha256(token.encode()).hexdigest() if token else ""


@dataclass(frozen=True)
class VoteOutcome:
    """A stored vote and the voter's opinion group right after it (None while unclustered)."""

    vote: ParticipantVote
    group: int | None


def _lock(conversation: Conversation) -> Conversation:
    return Conversation.objects.select_for_update().get(pk=conversation.pk)


def _require_open(conversation: Conversation) -> None:
    if conversation.status != ConversationStatus.OPEN:
        raise conflict(DeliberationErrorCode.CLOSED, _("This conversation is closed."))


def _next_number(conversation: Conversation, model: type[Statement] | type[Participant]) -> int:
    top = model.objects.filter(conversation=conversation).aggregate(m=Max("number"))["m"]
    return 0 if top is None else top + 1


def find_participant(conversation: Conversation, voter: Voter) -> Participant | None:
    """The voter's participant record in this conversation, if any."""
    user = user_of(voter.user)
    if user is not None:
        return Participant.objects.filter(conversation=conversation, user=user).first()
    if voter.token_hash:
        return Participant.objects.filter(
            conversation=conversation, token_hash=voter.token_hash
        ).first()
    return None


def _participant(conversation: Conversation, voter: Voter) -> Participant:
    """Find or create the voter's participant; call with the conversation row locked."""
    found = find_participant(conversation, voter)
    if found is not None:
        return found
    user = user_of(voter.user)
    if user is None and not voter.token_hash:
        raise DeliberationError(
            DeliberationErrorCode.NO_PARTICIPANT,
            _("Log in or send a device token (X-Device-Token) to take part."),
            status=401,
        )
    if user is None and len(voter.device_token.strip()) < 16:
        raise invalid(_("X-Device-Token: at least 16 characters."))
    return Participant.objects.create(
        conversation=conversation,
        number=_next_number(conversation, Participant),
        user=user,
        token_hash="" if user is not None else voter.token_hash,
    )


def open_conversation(
    unit: Unit,
    *,
    title: str,
    description: str = "",
    moderation: str = ModerationMode.STRICT,
    seeds: list[str] | tuple[str, ...] = (),
    actor: Any,
) -> Conversation:
    """Open a conversation owned by `unit`, with seed statements; moderators only."""
    require_moderator(actor, unit)
    title = clean_text(title, "title", limit=MAX_TITLE)
    description = clean_text(description, "description", limit=MAX_DESCRIPTION, required=False)
    if moderation not in ModerationMode.values:
        raise invalid(_("moderation: one of %s.") % ", ".join(ModerationMode.values))
    texts = [clean_text(t, "seeds", limit=MAX_STATEMENT) for t in seeds]
    with transaction.atomic():
        conversation = Conversation.objects.create(
            unit=unit,
            title=title,
            description=description,
            moderation=moderation,
            created_by=user_of(actor),
        )
        Statement.objects.bulk_create(
            Statement(conversation=conversation, number=i, text=t, status=StatementStatus.SEED)
            for i, t in enumerate(texts)
        )
        audit.record(
            "deliberation.conversation.opened",
            actor=actor,
            target=conversation,
            summary=title,
            data={"unit": unit.code, "seeds": len(texts)},
        )
    return conversation


def add_statement(
    conversation: Conversation, *, text: str, voter: Voter, is_meta: bool = False
) -> Statement:
    """Add a statement: accepted at once from a moderator, pending from a participant."""
    text = clean_text(text, "text", limit=MAX_STATEMENT)
    moderator = may_moderate(voter.user, conversation.unit)
    if is_meta and not moderator:
        raise invalid(_("is_meta: only moderators mark meta statements."))
    with transaction.atomic():
        locked = _lock(conversation)
        _require_open(locked)
        author = None if moderator else _participant(locked, voter)
        statement = Statement.objects.create(
            conversation=locked,
            number=_next_number(locked, Statement),
            text=text,
            author=author,
            status=StatementStatus.ACCEPTED if moderator else StatementStatus.PENDING,
            is_meta=is_meta,
            moderated_by=user_of(voter.user) if moderator else None,
            moderated_at=clock.now() if moderator else None,
        )
        audit.record(
            "deliberation.statement.added",
            actor=voter.user,
            target=statement,
            summary=text[:100],
            data={"conversation": locked.pk, "status": statement.status},
        )
    return statement


def moderate_statement(
    statement: Statement, *, accept: bool, actor: Any, is_meta: bool | None = None
) -> Statement:
    """Accept or reject a statement (a rejected one leaves the math at the next recompute)."""
    conversation = statement.conversation
    require_moderator(actor, conversation.unit)
    with transaction.atomic():
        locked = Statement.objects.select_for_update().get(pk=statement.pk)
        locked.status = StatementStatus.ACCEPTED if accept else StatementStatus.REJECTED
        if is_meta is not None:
            locked.is_meta = is_meta
        locked.moderated_by = user_of(actor)
        locked.moderated_at = clock.now()
        locked.save(update_fields=["status", "is_meta", "moderated_by", "moderated_at"])
        audit.record(
            f"deliberation.statement.{'accepted' if accept else 'rejected'}",
            actor=actor,
            target=locked,
            summary=locked.text[:100],
            data={"conversation": conversation.pk, "is_meta": locked.is_meta},
        )
        transaction.on_commit(lambda: tasks.request_recompute(conversation.pk))
    return locked


def votable(conversation: Conversation) -> list[str]:
    """Statement states participants may vote on under the conversation's moderation."""
    shown = [StatementStatus.SEED, StatementStatus.ACCEPTED]
    if conversation.moderation == ModerationMode.OPEN:
        shown.append(StatementStatus.PENDING)
    return [str(s) for s in shown]


def cast_vote(statement: Statement, *, value: int, voter: Voter) -> VoteOutcome:
    """Record a vote (the last one per participant and statement wins), fold it into the
    engine for an immediate group, and request a full recompute after commit."""
    if value not in Vote.values:
        raise invalid(_("value: 1 (agree), -1 (disagree) or 0 (pass)."))
    conversation = statement.conversation
    if statement.status not in votable(conversation):
        raise conflict(DeliberationErrorCode.NOT_VOTABLE, _("This statement is not open to votes."))
    with transaction.atomic():
        locked = _lock(conversation)
        _require_open(locked)
        participant = _participant(locked, voter)
        now = clock.now()
        vote, _created = ParticipantVote.objects.update_or_create(
            participant=participant,
            statement=statement,
            defaults={"conversation": locked, "value": value, "at": now},
        )
        VoteEvent.objects.create(
            conversation=locked, participant=participant, statement=statement, value=value, at=now
        )
        transaction.on_commit(lambda: tasks.request_recompute(locked.pk))
    # Votes are many and carry no judgement of their own: the event table is their log, so
    # they write no audit entry.
    return VoteOutcome(vote=vote, group=engines.group_of(conversation, participant.pk))


def next_statement(
    conversation: Conversation, *, voter: Voter, seed: int | None = None
) -> Statement | None:
    """A statement the voter has not voted on, drawn with Polis's priorities as weights."""
    participant = find_participant(conversation, voter)
    shown = Statement.objects.filter(conversation=conversation, status__in=votable(conversation))
    if participant is not None:
        shown = shown.exclude(votes__participant=participant)
    candidates = list(shown.order_by("number"))
    if not candidates:
        return None
    from ..polis.conversation import UNSEEN_PRIORITY  # lazy: scikit-learn loads slowly

    known = engines.priorities(conversation)
    weights = np.array(
        [
            META_PRIORITY if s.is_meta else max(known.get(s.pk, UNSEEN_PRIORITY), 0.0)
            for s in candidates
        ]
    )
    if weights.sum() <= 0:
        weights = np.ones(len(candidates))
    rng = np.random.default_rng(seed)
    return candidates[int(rng.choice(len(candidates), p=weights / weights.sum()))]


def close_conversation(conversation: Conversation, *, actor: Any) -> Conversation:
    """Close a conversation: no more votes or statements; results stay visible."""
    require_moderator(actor, conversation.unit)
    with transaction.atomic():
        locked = _lock(conversation)
        _require_open(locked)
        locked.status = ConversationStatus.CLOSED
        locked.closed_at = clock.now()
        locked.save(update_fields=["status", "closed_at", "updated_at"])
        audit.record("deliberation.conversation.closed", actor=actor, target=locked)
    return locked
