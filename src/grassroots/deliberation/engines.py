"""Per-process cache of Polis engines, kept in step with the database.

The database is the truth: `ParticipantVote` (current votes), `VoteEvent` (every vote, by id),
`Statement` (moderation) and `ConversationMath` (the last full math). Each process (web worker
or task worker) keeps a `polis.Conversation` per active conversation and, before using it,
folds in the vote events it has not seen yet (one indexed range query on `VoteEvent.id`), so a
vote cast through another process still counts. The engine is rebuilt from the votes only
when the process has none yet, or when the stored math has moved on (a worker recomputed) and
the engine is older than `DELIBERATION_ENGINE_REFRESH_SECONDS`: a rebuild costs one full
recompute, so busy conversations pay it at most once per interval per process. The task
worker recomputes with its own cached engine, so consecutive recomputes warm-start from each
other as Polis's do.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Max

from .enums import StatementStatus
from .models import Conversation, ConversationMath, ParticipantVote, Statement, VoteEvent

if TYPE_CHECKING:  # the engine pulls in scikit-learn (seconds): imported when first needed
    from .polis import Conversation as Engine
    from .polis import MathOptions, MathResult

MAX_ENGINES = 64  # engines kept per process; the least recently used one is dropped


@dataclass
class CachedEngine:
    """One conversation's engine and how far it has caught up with the database."""

    engine: Engine
    version: int  # ConversationMath.version the engine agrees with
    seq: int  # last VoteEvent id folded in
    built_at: float = field(default_factory=time.monotonic)


# Keyed by (id, creation time): a test database that reuses ids never meets a stale engine.
_cache: OrderedDict[tuple[int, float], CachedEngine] = OrderedDict()
_lock = threading.RLock()


def _stored_version(conversation_id: int) -> int:
    math = ConversationMath.objects.filter(pk=conversation_id).values_list("version", flat=True)
    return next(iter(math), 0)


def _moderation(conversation_id: int) -> tuple[set[Hashable], set[Hashable]]:
    """Statement ids out of the math (rejected or meta) and the meta ones."""
    rows = Statement.objects.filter(conversation_id=conversation_id).values_list(
        "pk", "status", "is_meta"
    )
    out: set[Hashable] = {
        pk for pk, status, meta in rows if status == StatementStatus.REJECTED or meta
    }
    meta_ids: set[Hashable] = {pk for pk, _status, meta in rows if meta}
    return out, meta_ids


def options_for(conversation_id: int) -> MathOptions:
    """Polis's defaults, seeded per conversation so that a recompute is reproducible."""
    from .polis import MathOptions

    return MathOptions(seed=conversation_id)


def build(conversation_id: int) -> CachedEngine:
    """A fresh engine from the stored votes, with its full math computed."""
    from .polis import Conversation as Engine

    seq = VoteEvent.objects.filter(conversation_id=conversation_id).aggregate(m=Max("id"))["m"]
    version = _stored_version(conversation_id)
    mod_out, meta = _moderation(conversation_id)
    # Oldest first: the order decides who joined the clustering when (polis.history).
    votes = (
        ParticipantVote.objects.filter(conversation_id=conversation_id)
        .order_by("at", "id")
        .values_list("participant_id", "statement_id", "value")
    )
    engine = Engine.from_votes(
        list(votes), mod_out=mod_out, meta=meta, options=options_for(conversation_id)
    )
    if engine.matrix.shape[0]:
        engine.recompute()
    return CachedEngine(engine, version=version, seq=seq or 0)


def _catch_up(entry: CachedEngine, conversation_id: int) -> None:
    """Fold in vote events this process has not seen, and the current moderation."""
    events = (
        VoteEvent.objects.filter(conversation_id=conversation_id, id__gt=entry.seq)
        .order_by("id")
        .values_list("id", "participant_id", "statement_id", "value")
    )
    for event_id, pid, sid, value in events.iterator(chunk_size=2000):
        entry.engine.add_vote(pid, sid, value)
        entry.seq = event_id
    mod_out, meta = _moderation(conversation_id)
    entry.engine.mod_out = set(mod_out)  # takes effect at the next recompute
    entry.engine.meta = set(meta)


def _key(conversation: Conversation) -> tuple[int, float]:
    return (conversation.pk, conversation.created_at.timestamp())


def engine_for(conversation: Conversation) -> CachedEngine:
    """The up-to-date engine of a conversation (built or refreshed as described above)."""
    conversation_id, key = conversation.pk, _key(conversation)
    with _lock:
        entry = _cache.get(key)
        refresh: float = settings.DELIBERATION_ENGINE_REFRESH_SECONDS
        stale = entry is not None and entry.version != _stored_version(conversation_id)
        if stale and entry is not None and time.monotonic() - entry.built_at >= refresh:
            entry = None
        if entry is None:
            entry = build(conversation_id)
            _cache[key] = entry
        _cache.move_to_end(key)
        while len(_cache) > MAX_ENGINES:
            _cache.popitem(last=False)
        _catch_up(entry, conversation_id)
        return entry


def group_of(conversation: Conversation, participant_id: int) -> int | None:
    """The participant's current opinion group (None while not clustered)."""
    with _lock:
        return engine_for(conversation).engine.group_of(participant_id)


def priorities(conversation: Conversation) -> dict[Any, float]:
    """Current priority of every statement with votes (unvoted ones are left out)."""
    with _lock:
        return engine_for(conversation).engine.priorities()


def recompute(conversation: Conversation) -> tuple[CachedEngine, MathResult | None]:
    """Run the full math on the caught-up engine (warm-started when cached)."""
    with _lock:
        entry = engine_for(conversation)
        if not entry.engine.matrix.shape[0]:
            return entry, None
        result = entry.engine.recompute()
        entry.built_at = time.monotonic()
        return entry, result


def forget(conversation: Conversation | None = None) -> None:
    """Drop one cached engine (or all), e.g. after an import replaced the votes."""
    with _lock:
        if conversation is None:
            _cache.clear()
        else:
            _cache.pop(_key(conversation), None)
