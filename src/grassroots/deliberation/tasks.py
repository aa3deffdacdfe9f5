"""Background math: a full Polis recompute after votes arrive, debounced per conversation.

`Conversation.math_requested` says a recompute is queued. Setting it and enqueueing the task
happen in one transaction, so with the database task backend the flag can only be set when the
task row is stored too; an enqueue that fails rolls the flag back (and is logged, never raised
into the vote that triggered it). Two more guards keep a lost task (a worker killed mid-run,
another backend) from freezing the math: a flag older than `STALE_REQUEST` (the claim stamps
`math_requested_at`; a flag without a stamp counts as stale) may be claimed again, and
`refresh_if_behind` — called when results are read — requests a recompute whenever the stored
math covers fewer votes than were cast. Readers never pile up work: while a request is pending
and fresh, they neither enqueue nor write (at most one pending recompute per conversation).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Max, Q
from django_tasks import task

from grassroots.core import clock

from . import engines
from .models import Conversation, ConversationMath, VoteEvent

logger = logging.getLogger(__name__)

STALE_REQUEST = timedelta(minutes=10)


def request_recompute(conversation_id: int) -> bool:
    """Enqueue one recompute unless one is already pending (compare-and-set on the flag, in
    the same transaction as the enqueue); call after commit. Returns whether one was enqueued."""
    now = clock.now()
    try:
        with transaction.atomic():
            claimed = Conversation.objects.filter(_claimable(now), pk=conversation_id).update(
                math_requested=True, math_requested_at=now
            )
            if claimed:
                recompute_conversation.enqueue(conversation_id)
    except Exception:  # the vote is stored; the next request or read retries the math
        logger.exception("could not enqueue the recompute of conversation %s", conversation_id)
        return False
    return bool(claimed)


def _claimable(now: datetime) -> Q:
    """No request pending, or the pending one is older than `STALE_REQUEST` (lost)."""
    return (
        Q(math_requested=False)
        | Q(math_requested_at__isnull=True)
        | Q(math_requested_at__lt=now - STALE_REQUEST)
    )


def refresh_if_behind(conversation_id: int) -> bool:
    """Request a recompute when votes were cast after the stored math; returns whether one
    was enqueued. Cheap (indexed reads, no write while a request is pending), so readers of
    the results may call it on every GET."""
    pending = Conversation.objects.filter(pk=conversation_id).exclude(_claimable(clock.now()))
    if pending.exists():
        return False
    last = VoteEvent.objects.filter(conversation_id=conversation_id).aggregate(m=Max("id"))["m"]
    if last is None:
        return False
    covered = ConversationMath.objects.filter(pk=conversation_id).values_list("vote_seq", flat=True)
    if next(iter(covered), 0) >= last:
        return False
    return request_recompute(conversation_id)


@task()
def recompute_conversation(conversation_id: int) -> int:
    """Run the full math and store it; returns the stored version (0 when nothing to do).

    The flag is cleared first, so votes arriving during the computation request another run.
    """
    Conversation.objects.filter(pk=conversation_id).update(
        math_requested=False, math_requested_at=None
    )
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None:
        return 0
    entry, result = engines.recompute(conversation)
    data = result.to_dict() if result is not None else {}
    version = store_math(conversation_id, data, entry.seq)
    if version:
        entry.version = version
    return version


def store_math(conversation_id: int, data: dict[str, object], seq: int) -> int:
    """Write the math unless newer math (covering later votes) is already stored."""
    with transaction.atomic():
        math, _created = ConversationMath.objects.select_for_update().get_or_create(
            pk=conversation_id, defaults={"computed_at": clock.now()}
        )
        updated = ConversationMath.objects.filter(Q(vote_seq__lte=seq), pk=conversation_id).update(
            version=F("version") + 1, vote_seq=seq, data=data, computed_at=clock.now()
        )
        if not updated:
            logger.info("math for conversation %s already newer than seq %s", math.pk, seq)
            return 0
        return int(ConversationMath.objects.get(pk=conversation_id).version)
