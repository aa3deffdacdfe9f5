"""The deployment's CalendarDay overrides, loaded once per process and kept in memory.

Deadline arithmetic asks for many dates; it must not query the database for each. The whole
table (a few dozen rows a year) is read at first use and kept. `core.services` calls
`invalidate()` when it writes a row; other processes (web workers, the task worker) re-read
the table at most `MAX_AGE_SECONDS` after their last read, so a change made in one process
reaches the others within that time.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Mapping

MAX_AGE_SECONDS = 60.0

_lock = threading.Lock()
_cache: dict[dt.date, bool] | None = None
_loaded_at = 0.0


def current() -> Mapping[dt.date, bool]:
    """Date → is_workday for every CalendarDay row (from memory when fresh)."""
    global _cache, _loaded_at
    with _lock:
        if _cache is None or time.monotonic() - _loaded_at > MAX_AGE_SECONDS:
            _cache = _load()
            _loaded_at = time.monotonic()
        return _cache


def invalidate() -> None:
    """Forget the cached rows: the next question reads the table again."""
    global _cache
    with _lock:
        _cache = None


def _load() -> dict[dt.date, bool]:
    from grassroots.core.models import CalendarDay  # the kernel's models load after settings

    return dict(CalendarDay.objects.values_list("date", "is_workday"))
