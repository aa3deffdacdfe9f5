"""The time services see. Normally the real time; a history import or the demo loader can
set it, so that replayed steps carry the moments they really happened."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

_frozen: ContextVar[datetime | None] = ContextVar("grassroots_clock", default=None)


def now() -> datetime:
    """The current moment (aware, UTC), or the moment set by `at`."""
    return _frozen.get() or timezone.now()


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    """Within the block, services record `moment` as the time of what they do."""
    if timezone.is_naive(moment):
        raise ValueError("clock.at needs an aware datetime")
    token = _frozen.set(moment)
    try:
        yield
    finally:
        _frozen.reset(token)
