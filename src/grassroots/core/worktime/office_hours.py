"""Office hours: the spans of a working day during which working time runs."""

from __future__ import annotations

import datetime as dt
import itertools
import re

# A span as offsets from the local midnight, so that "24:00" can end the last one.
Span = tuple[dt.timedelta, dt.timedelta]

_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_DAY = dt.timedelta(days=1)


def parse_office_hours(text: str) -> tuple[Span, ...]:
    """Parse `"09:00-12:00,13:30-18:00"` into ordered, non-overlapping spans.

    The gaps between spans (the lunch break) are not working time; "24:00" may end the last
    span. Raises ValueError for text that does not parse, an empty or backwards span, or
    spans out of order or overlapping.
    """
    spans = tuple(_parse_span(part) for part in text.split(",") if part.strip())
    if not spans:
        raise ValueError(f"OFFICE_HOURS has no span: {text!r}")
    for (_, end), (start, _) in itertools.pairwise(spans):
        if start < end:
            raise ValueError(f"OFFICE_HOURS spans must be in order and not overlap: {text!r}")
    return spans


def _parse_span(part: str) -> Span:
    match = _SPAN.match(part)
    if match is None:
        raise ValueError(f"OFFICE_HOURS span is not HH:MM-HH:MM: {part!r}")
    h1, m1, h2, m2 = (int(group) for group in match.groups())
    start, end = _offset(h1, m1), _offset(h2, m2)
    if not (dt.timedelta(0) <= start < end <= _DAY) or m1 > 59 or m2 > 59:
        raise ValueError(f"OFFICE_HOURS span is empty, backwards or impossible: {part!r}")
    return start, end


def _offset(hour: int, minute: int) -> dt.timedelta:
    return dt.timedelta(hours=hour, minutes=minute)


def format_office_hours(spans: tuple[Span, ...]) -> str:
    """The spans back as text: `09:00-12:00, 13:30-18:00`."""
    return ", ".join(f"{_hhmm(start)}-{_hhmm(end)}" for start, end in spans)


def _hhmm(offset: dt.timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
