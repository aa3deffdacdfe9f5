"""Run a generator in a forked reader process and take its items in order.

The reader parses, checks and lays out the next batches while this process writes the current
one (SQLite has one writer; the other core does the Python work). A bounded queue keeps it at
most `depth` batches ahead. The reader never touches the database: everything it needs was read
before the fork. An error in the reader is raised here; leaving early (an error while writing,
Ctrl-C) stops the reader, and the batch being written rolls back with its transaction.
"""

from __future__ import annotations

import multiprocessing
import queue
import signal
import traceback
from collections.abc import Callable, Generator, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
_DONE = "done"
_ITEM = "item"
_ERROR = "error"


def _produce(make: Callable[[], Iterator[Any]], out: Any) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the writer's to handle
    try:
        for item in make():
            out.put((_ITEM, item))
        out.put((_DONE, None))
    except BaseException as exc:
        try:
            out.put((_ERROR, exc))
        except Exception:
            out.put((_ERROR, RuntimeError(traceback.format_exc())))
    out.close()
    out.join_thread()


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def prefetched(make: Callable[[], Iterator[T]], *, depth: int = 2) -> Generator[T, None, None]:
    """The items of `make()`, produced in a reader process, in order."""
    if not can_fork():
        yield from make()
        return
    context = multiprocessing.get_context("fork")
    channel: Any = context.Queue(maxsize=depth)
    reader = context.Process(target=_produce, args=(make, channel), daemon=True)
    reader.start()
    try:
        while True:
            try:
                kind, value = channel.get(timeout=1.0)
            except queue.Empty:
                if not reader.is_alive():
                    raise RuntimeError(f"the reader process ended ({reader.exitcode})") from None
                continue
            if kind == _DONE:
                return
            if kind == _ERROR:
                raise value
            yield value
    finally:
        if reader.is_alive():
            reader.terminate()
        reader.join()
        channel.close()
