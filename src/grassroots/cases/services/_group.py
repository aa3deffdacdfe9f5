"""Group commit: the intake writes of concurrent requests share one transaction and one fsync.

With SQLite in WAL mode and `synchronous=FULL`, every commit waits for an fsync of the WAL
(about 7–10 ms on the reference machine's virtual disk), and the single writer holds the
database's write lock throughout. One commit per case therefore caps intake near 1/fsync,
about 100–140 cases/s, however fast the rest is. Here, requests of one process that arrive
while a commit is under way queue up; the thread that finds no commit under way becomes the
leader, runs every queued write in one transaction (each in its own savepoint, so that one
failing write is undone alone), commits once, and only then wakes each owner with its own
result or error. Leadership passes to the next waiting thread, so no request serves others
forever.

Durability is unchanged: a request returns (and its 201 is sent) only after the commit that
holds its case is on disk; if that commit fails, every owner in the batch gets the error and
nothing is acknowledged. Each write runs in its owner's context (`contextvars`: the service
clock, the active language), on the leader's database connection.

PostgreSQL needs none of this (concurrent commits already share WAL flushes), nor does a call
inside an outer transaction (the caller commits): `run` then calls the function directly.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from django.conf import settings
from django.db import connection, transaction

T = TypeVar("T")


class _Item(Generic[T]):
    __slots__ = ("context", "error", "event", "fn", "lead", "value")

    def __init__(self, fn: Callable[[], T]) -> None:
        self.fn = fn
        self.context = contextvars.copy_context()
        self.event = threading.Event()
        self.lead = False
        self.value: T | None = None
        self.error: BaseException | None = None

    def result(self) -> T:
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]


class GroupCommit:
    """Runs write functions from many threads in shared transactions (see the module doc)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: list[_Item[object]] = []
        self._busy = False
        self.batches = 0  # how many transactions were committed, and how many writes they held
        self.writes = 0

    def run(self, fn: Callable[[], T]) -> T:
        """Run `fn` (which writes through the ORM) in a committed transaction; returns its
        value once that transaction is durably committed, or raises its error."""
        if not enabled():
            with transaction.atomic():
                return fn()
        item: _Item[T] = _Item(fn)
        with self._lock:
            self._queue.append(item)  # type: ignore[arg-type]
            lead = not self._busy
            self._busy = True
        if not lead:
            item.event.wait()
            if not item.lead:
                return item.result()
        with self._lock:
            batch, self._queue = self._queue, []
        try:
            self._execute(batch)
        finally:
            with self._lock:
                if self._queue:
                    successor = self._queue[0]
                    successor.lead = True
                    successor.event.set()
                else:
                    self._busy = False
            for other in batch:
                if other is not item:
                    other.event.set()
        return item.result()

    def _execute(self, batch: list[_Item[object]]) -> None:
        try:
            with transaction.atomic():
                if len(batch) == 1:  # alone: a failure undoes the whole transaction anyway
                    batch[0].value = batch[0].context.run(batch[0].fn)
                for item in batch if len(batch) > 1 else ():
                    try:
                        with transaction.atomic():  # a savepoint: a failing write is undone alone
                            item.value = item.context.run(item.fn)
                    except Exception as exc:
                        item.error = exc
        except BaseException as exc:  # the commit itself failed: nothing was stored
            for item in batch:
                item.value, item.error = None, item.error or exc
            if not isinstance(exc, Exception):
                raise
        self.batches += 1
        self.writes += len(batch)


def enabled() -> bool:
    """Group commit applies to SQLite, outside an outer transaction, unless switched off."""
    return (
        connection.vendor == "sqlite"
        and not connection.in_atomic_block
        and getattr(settings, "CASE_INTAKE_GROUP_COMMIT", True)
    )


intake_commits = GroupCommit()
