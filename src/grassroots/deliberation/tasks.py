"""Background math: a full Polis recompute after votes arrive, debounced per conversation."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F, Q
from django_tasks import task

from grassroots.core import clock

from . import engines
from .models import Conversation, ConversationMath

logger = logging.getLogger(__name__)


def request_recompute(conversation_id: int) -> bool:
    """Enqueue one recompute unless one is already pending (compare-and-set on the flag);
    call after commit. Returns whether a task was enqueued."""
    claimed = Conversation.objects.filter(pk=conversation_id, math_requested=False).update(
        math_requested=True
    )
    if claimed:
        recompute_conversation.enqueue(conversation_id)
    return bool(claimed)


@task()
def recompute_conversation(conversation_id: int) -> int:
    """Run the full math and store it; returns the stored version (0 when nothing to do).

    The flag is cleared first, so votes arriving during the computation request another run.
    """
    Conversation.objects.filter(pk=conversation_id).update(math_requested=False)
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
