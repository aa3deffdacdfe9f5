"""From one source row (a dict of strings) to a checked row, or a reason to reject it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _

from .mapping import Mapping

OPEN_WORDS = frozenset({"open", "in progress", "pending", "assigned", "started", "new"})
CLOSED_WORDS = frozenset({"closed", "close", "resolved", "completed"})


# A received or closing moment later than this after the run's start is a typo (2099-01-01),
# not history: such a row is rejected rather than imported as an open case.
FUTURE_SLACK = timedelta(days=1)

Warned = list[tuple[int, dict[str, str], "Rejected"]]


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
    """The row's point; (NaN, NaN) when it has none. An empty point or the source's placeholder
    is no point; one that is not a pair of numbers on the globe raises `Rejected("bad_point")`,
    which the caller counts as a warning (the case is imported without a point)."""
    p = mapping.profile
    if not p.lat or not p.lng:
        return math.nan, math.nan
    lat_text, lng_text = row.get(p.lat) or "", row.get(p.lng) or ""
    try:
        lat, lng = float(lat_text or "nan"), float(lng_text or "nan")
    except ValueError:
        lat = lng = math.inf  # not a number: reported below
    if -90 <= lat <= 90 and -180 <= lng <= 180 and (lat, lng) != p.null_point:
        return lat, lng  # NaN fails both comparisons, so a missing half falls through
    if (lat, lng) == p.null_point or not (lat_text.strip() or lng_text.strip()):
        return math.nan, math.nan
    raise Rejected(
        "bad_point",
        _("point “%(lat)s, %(lng)s” is not a place on the globe: imported without a point")
        % {"lat": lat_text[:20], "lng": lng_text[:20]},
    )


def _closed(
    row: dict[str, str], mapping: Mapping, dates: DateReader, received: datetime, latest: datetime
) -> Any:
    p = mapping.profile
    text = row.get(p.closed, "") if p.closed else ""
    closed = dates(text) if text.strip() else None
    if text.strip() and closed is None:
        raise Rejected("bad_date", _("closing date “%s” is not a date") % text[:40])
    if closed is not None and closed > latest:
        raise Rejected("future_date", _("closing date “%s” is in the future") % text[:40])
    status = (row.get(p.status) or "").strip().lower() if p.status else ""
    if closed is None and status in CLOSED_WORDS:
        raise Rejected("closed_without_date", _("status says closed but there is no closing date"))
    if closed is not None and status in OPEN_WORDS:
        closed = None  # the source's own status wins: reopened after an earlier closure
    if closed is not None and closed < received:
        raise Rejected("closed_before_received", _("closed before it was received"))
    return closed


def _due(row: dict[str, str], mapping: Mapping, dates: DateReader) -> datetime | None:
    """The source's own resolve deadline; one that is not a date raises `Rejected("bad_due_date")`,
    counted as a warning by the caller (the case gets the policy's deadline)."""
    text = row.get(mapping.profile.due) or ""
    due = dates(text)
    if due is None and text.strip():
        raise Rejected(
            "bad_due_date",
            _("due date “%s” is not a date: the policy's deadline is used") % text[:40],
        )
    return due


def check_row(
    line: int,
    row: dict[str, str],
    mapping: Mapping,
    dates: DateReader,
    *,
    latest: datetime,
    warned: Warned,
) -> SourceRow:
    """Check one row; raises `Rejected` with the reason when it cannot be imported. A value
    that is dropped while the row is imported (a bad point, a bad due date) is appended to
    `warned` with its reason: nothing is dropped silently. `latest`: the last acceptable
    received or closing moment (the run's start plus `FUTURE_SLACK`)."""
    p = mapping.profile
    source_id = (row.get(p.id) or "").strip()
    if not source_id:
        raise Rejected("missing_id", _("no source id"))
    received_text = row.get(p.received) or ""
    received = dates(received_text)
    if received is None:
        raise Rejected("bad_date", _("received date “%s” is not a date") % received_text[:40])
    if received > latest:
        raise Rejected("future_date", _("received date “%s” is in the future") % received_text[:40])
    unit_value = (row.get(p.unit) or "").strip()
    if not unit_value:
        raise Rejected("missing_unit", _("no handling unit"))
    closed = _closed(row, mapping, dates, received, latest)
    label = " ".join((row.get(p.category) or "").split())[:200]
    detail = " ".join((row.get(p.detail) or "").split()) if p.detail else ""
    subject = f"{label}: {detail}" if label and detail else (label or detail or source_id)
    try:
        lat, lng = _point(row, mapping)
    except Rejected as exc:
        lat = lng = math.nan
        warned.append((line, row, exc))
    due = None
    if p.due:
        try:
            due = _due(row, mapping, dates)
        except Rejected as exc:
            warned.append((line, row, exc))
    return SourceRow(
        line=line,
        source_id=source_id[:120],
        received=received,
        closed=closed,
        due=due,
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
