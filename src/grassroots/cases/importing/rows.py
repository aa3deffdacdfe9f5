"""From one source row (a dict of strings) to a checked row, or a reason to reject it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext as _

from .mapping import Mapping

OPEN_WORDS = frozenset({"open", "in progress", "pending", "assigned", "started", "new"})
CLOSED_WORDS = frozenset({"closed", "close", "resolved", "completed"})


class Rejected(Exception):
    """A row that will not be imported: `code` groups the summary, `message` explains it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __reduce__(self) -> tuple[type[Rejected], tuple[str, str]]:
        return Rejected, (self.code, self.message)  # crosses from the reader process


@dataclass(slots=True)
class SourceRow:
    """A row whose values are checked; units and categories are still source values."""

    line: int
    source_id: str
    received: datetime
    closed: datetime | None
    due: datetime | None
    label: str
    subject: str
    unit_value: str
    place_value: str
    lat: float
    lng: float  # NaN when the row has no usable point
    address: str
    channel: str
    raw: dict[str, str]


class DateReader:
    """Parses the source's local times into aware UTC datetimes; the same text is parsed once
    (date-only sources repeat a few thousand values over hundreds of thousands of rows)."""

    def __init__(self, fmt: str, zone: Any) -> None:
        self.fmt, self.zone = fmt, zone
        self.cache: dict[str, datetime | None] = {}

    def __call__(self, text: str) -> datetime | None:
        text = text.strip()
        if not text:
            return None
        try:
            return self.cache[text]
        except KeyError:
            value = self.cache[text] = self._parse(text)
            return value

    def _parse(self, text: str) -> datetime | None:
        try:
            if self.fmt == "iso":
                moment = datetime.fromisoformat(text.replace("T", " "))
            else:
                moment = datetime.strptime(text, self.fmt)
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.zone)
        return moment.astimezone(UTC)


def _point(row: dict[str, str], mapping: Mapping) -> tuple[float, float]:
    p = mapping.profile
    if not p.lat or not p.lng:
        return math.nan, math.nan
    try:
        lat, lng = float(row.get(p.lat) or "nan"), float(row.get(p.lng) or "nan")
    except ValueError:
        return math.nan, math.nan
    if not (-90 <= lat <= 90 and -180 <= lng <= 180) or (lat, lng) == p.null_point:
        return math.nan, math.nan  # NaN fails both comparisons, so it lands here too
    return lat, lng


def _closed(row: dict[str, str], mapping: Mapping, dates: DateReader, received: datetime) -> Any:
    p = mapping.profile
    text = row.get(p.closed, "") if p.closed else ""
    closed = dates(text) if text.strip() else None
    if text.strip() and closed is None:
        raise Rejected("bad_date", _("closing date “%s” is not a date") % text[:40])
    status = (row.get(p.status) or "").strip().lower() if p.status else ""
    if closed is None and status in CLOSED_WORDS:
        raise Rejected("closed_without_date", _("status says closed but there is no closing date"))
    if closed is not None and status in OPEN_WORDS:
        closed = None  # the source's own status wins: reopened after an earlier closure
    if closed is not None and closed < received:
        raise Rejected("closed_before_received", _("closed before it was received"))
    return closed


def check_row(line: int, row: dict[str, str], mapping: Mapping, dates: DateReader) -> SourceRow:
    """Check one row; raises `Rejected` with the reason when it cannot be imported."""
    p = mapping.profile
    source_id = (row.get(p.id) or "").strip()
    if not source_id:
        raise Rejected("missing_id", _("no source id"))
    received_text = row.get(p.received) or ""
    received = dates(received_text)
    if received is None:
        raise Rejected("bad_date", _("received date “%s” is not a date") % received_text[:40])
    unit_value = (row.get(p.unit) or "").strip()
    if not unit_value:
        raise Rejected("missing_unit", _("no handling unit"))
    label = " ".join((row.get(p.category) or "").split())[:200]
    detail = " ".join((row.get(p.detail) or "").split()) if p.detail else ""
    subject = f"{label}: {detail}" if label and detail else (label or detail or source_id)
    lat, lng = _point(row, mapping)
    return SourceRow(
        line=line,
        source_id=source_id[:120],
        received=received,
        closed=_closed(row, mapping, dates, received),
        due=dates(row.get(p.due) or "") if p.due else None,
        label=label,
        subject=subject[:200],
        unit_value=unit_value,
        place_value=(row.get(p.place) or "").strip() if p.place else "",
        lat=lat,
        lng=lng,
        address=(row.get(p.address) or "").strip()[:300] if p.address else "",
        channel=mapping.channels.get((row.get(p.channel) or "").strip(), mapping.channel)
        if p.channel
        else mapping.channel,
        raw=row,
    )
