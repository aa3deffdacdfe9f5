"""`WorkingCalendar`: deadlines in working time (working days × office hours).

Rules (docs/domain/worktime.md has examples):

* A date is a working day per `day_info`: the deployment's overrides, then chinesecalendar,
  then holidays, then Monday–Friday (see `core.worktime.days`).
* Working time runs only inside the office-hour spans of working days; the gaps (lunch
  break, nights, rest days) do not count.
* `add_working_hours`: the moment at which that much working time has elapsed. A start
  outside office hours begins counting at the next opening; a deadline that uses up a span
  exactly ends at that span's close (12:00 or 18:00), not at the next opening.
* `add_working_days`: the receipt moment is moved to the next working moment (a case received
  after closing, on a rest day or on a holiday counts as received at the next opening); the
  day of receipt is day 0; the deadline is the close of office hours on the Nth working day
  after it. N = 0 is the close of the day of receipt.
* `add_calendar_hours`: wall-clock hours, for emergency deadlines ("within 2 hours").

Every input must be timezone-aware (naive: ValueError); days and office hours are read in
the working time zone; every result is returned in UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from .days import DayInfo, DaySource, kind_for, package_day
from .office_hours import Span, parse_office_hours

UTC = dt.UTC
DEFAULT_OFFICE_HOURS = "09:00-12:00,13:30-18:00"
# Ten years without a working day means the overrides are wrong; stop instead of looping.
MAX_DAYS_WITHOUT_WORK = 3660

UtcSpan = tuple[dt.datetime, dt.datetime]


class TimeBasis(StrEnum):
    WORKING = "working"  # office hours of working days only
    CALENDAR = "calendar"  # wall-clock time, every hour counts (emergencies)


class WorkingCalendar:
    """Answers working-time questions for one country, office hours and time zone."""

    def __init__(
        self,
        *,
        country: str = "CN",
        office_hours: str = DEFAULT_OFFICE_HOURS,
        time_zone: str = "Asia/Shanghai",
        overrides: Mapping[dt.date, bool] | Callable[[], Mapping[dt.date, bool]] | None = None,
    ) -> None:
        if country.upper() not in holidays.list_supported_countries():
            raise ValueError(f"WORKING_CALENDAR_COUNTRY is not a supported country: {country!r}")
        self.country = country.upper()
        self.office_hours: tuple[Span, ...] = parse_office_hours(office_hours)
        self.tz = _zone(time_zone)
        self._overrides = _as_loader(overrides)

    # Days

    def day_info(self, day: dt.date) -> DayInfo:
        """How the calendar sees `day`: the override if any, else the packages' answer."""
        override = self._overrides().get(day)
        if override is not None:
            return DayInfo(day, kind_for(day, is_workday=override), DaySource.OVERRIDE)
        return package_day(self.country, day)

    def is_workday(self, day: dt.date) -> bool:
        """True when `day` is a working day (ordinary or adjusted)."""
        return self.day_info(day).is_workday

    def spans_on(self, day: dt.date) -> list[UtcSpan]:
        """The office-hour spans of `day` in UTC; none on a rest day or holiday."""
        if not self.is_workday(day):
            return []
        midnight = dt.datetime.combine(day, dt.time.min, tzinfo=self.tz)
        return [
            ((midnight + a).astimezone(UTC), (midnight + b).astimezone(UTC))
            for a, b in self.office_hours
        ]

    def close_of(self, day: dt.date) -> dt.datetime:
        """The end of the last office-hour span of `day`, in UTC."""
        midnight = dt.datetime.combine(day, dt.time.min, tzinfo=self.tz)
        return (midnight + self.office_hours[-1][1]).astimezone(UTC)

    # Moments

    def next_working_moment(self, moment: dt.datetime) -> dt.datetime:
        """`moment` itself inside office hours of a working day, else the next opening (UTC)."""
        begin = self._utc(moment)
        start, _ = next(self._spans_from(begin))
        return max(start, begin)

    def add_working_hours(self, start: dt.datetime, hours: float) -> dt.datetime:
        """The moment `hours` of working time after `start` (UTC); see the module rules."""
        begin = self._utc(start)
        remaining = _duration(hours)
        if not remaining:
            return begin
        for span_start, span_end in self._spans_from(begin):
            opened = max(span_start, begin)
            if remaining <= span_end - opened:
                return opened + remaining
            remaining -= span_end - opened
        raise AssertionError("unreachable: _spans_from never ends")  # pragma: no cover

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """Close of office hours on the `days`-th working day after the day of receipt (UTC)."""
        if days < 0:
            raise ValueError(f"working days must not be negative: {days}")
        receipt = self.next_working_moment(start)
        day = receipt.astimezone(self.tz).date()
        for _ in range(days):
            day = self._next_workday_after(day)
        return self.close_of(day)

    def add_calendar_hours(self, start: dt.datetime, hours: float) -> dt.datetime:
        """`hours` of wall-clock time after `start` (UTC): nights and holidays count."""
        return self._utc(start) + _duration(hours)

    def add_hours(self, start: dt.datetime, hours: float, *, basis: TimeBasis) -> dt.datetime:
        """`add_working_hours` or `add_calendar_hours`, as a deadline policy's basis says."""
        if TimeBasis(basis) is TimeBasis.CALENDAR:
            return self.add_calendar_hours(start, hours)
        return self.add_working_hours(start, hours)

    def working_seconds_between(self, a: dt.datetime, b: dt.datetime) -> float:
        """Working seconds from `a` to `b`; negative when `b` is before `a` (overdue time)."""
        begin, end = self._utc(a), self._utc(b)
        if end < begin:
            return -self.working_seconds_between(b, a)
        day, last = begin.astimezone(self.tz).date(), end.astimezone(self.tz).date()
        total = dt.timedelta(0)
        while day <= last:
            for span_start, span_end in self.spans_on(day):
                total += max(min(span_end, end) - max(span_start, begin), dt.timedelta(0))
            day += dt.timedelta(days=1)
        return total.total_seconds()

    # Helpers

    def _utc(self, moment: dt.datetime) -> dt.datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"a timezone-aware datetime is required, got naive {moment!r}")
        return moment.astimezone(UTC)

    def _spans_from(self, begin: dt.datetime) -> Iterator[UtcSpan]:
        """Office-hour spans (UTC) that end after `begin`, in order, forever."""
        day = begin.astimezone(self.tz).date()
        idle = 0
        while idle < MAX_DAYS_WITHOUT_WORK:
            spans = [span for span in self.spans_on(day) if span[1] > begin]
            idle = 0 if spans else idle + 1
            yield from spans
            day += dt.timedelta(days=1)
        raise ValueError(f"no working day within {MAX_DAYS_WITHOUT_WORK} days of {begin}")

    def _next_workday_after(self, day: dt.date) -> dt.date:
        for offset in range(1, MAX_DAYS_WITHOUT_WORK + 1):
            candidate = day + dt.timedelta(days=offset)
            if self.is_workday(candidate):
                return candidate
        raise ValueError(f"no working day within {MAX_DAYS_WITHOUT_WORK} days of {day}")


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"WORKING_TIME_ZONE is not a known time zone: {name!r}") from None


def _duration(hours: float) -> dt.timedelta:
    if hours < 0:
        raise ValueError(f"hours must not be negative: {hours}")
    return dt.timedelta(hours=hours)


def _as_loader(
    overrides: Mapping[dt.date, bool] | Callable[[], Mapping[dt.date, bool]] | None,
) -> Callable[[], Mapping[dt.date, bool]]:
    if callable(overrides):
        return overrides
    fixed: Mapping[dt.date, bool] = dict(overrides or {})
    return lambda: fixed
