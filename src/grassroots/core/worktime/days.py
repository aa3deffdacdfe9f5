"""What kind of day a date is, from the packages that know public holidays.

Precedence (the deployment's `CalendarDay` overrides come first, in `WorkingCalendar`):

1. `chinesecalendar` (country CN only): the State Council's published arrangement, holidays
   *and* adjusted working days (调休, a Saturday or Sunday that is worked). It covers a fixed
   range of years and raises `NotImplementedError` outside it.
2. `holidays` for the configured country, for years `chinesecalendar` does not cover. For a
   year whose official arrangement it has not recorded, it computes the statutory holidays
   (with its own "observed" estimates) and knows **no adjusted working days**: the weekend
   around a holiday stays a rest day until the deployment enters the arrangement as overrides.
3. Weekends: Saturday and Sunday are rest days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any

import chinese_calendar
import holidays
from django.utils.translation import gettext_lazy as _


class DayKind(StrEnum):
    WORKDAY = "workday"  # an ordinary Monday–Friday working day
    WEEKEND = "weekend"  # an ordinary Saturday or Sunday
    HOLIDAY = "holiday"  # a public holiday (or a weekday given off) on which nobody works
    ADJUSTED_WORKDAY = "adjusted_workday"  # a weekend day worked in exchange for a holiday (调休)


class DaySource(StrEnum):
    OVERRIDE = "override"  # the deployment's CalendarDay row
    CHINESECALENDAR = "chinesecalendar"  # the chinesecalendar package
    HOLIDAYS = "holidays"  # the holidays package
    WEEKDAY = "weekday"  # neither knew it: Monday–Friday work, weekend rest


DAY_KIND_LABELS = {
    DayKind.WORKDAY: _("working day"),
    DayKind.WEEKEND: _("weekend"),
    DayKind.HOLIDAY: _("holiday"),
    DayKind.ADJUSTED_WORKDAY: _("adjusted working day"),
}


@dataclass(frozen=True, slots=True)
class DayInfo:
    """One date as the calendar sees it: working or not, why, and the holiday's name."""

    date: dt.date
    kind: DayKind
    source: DaySource
    name: str = ""

    @property
    def is_workday(self) -> bool:
        """True for ordinary and adjusted working days."""
        return self.kind in (DayKind.WORKDAY, DayKind.ADJUSTED_WORKDAY)


def is_weekend(day: dt.date) -> bool:
    """Saturday or Sunday."""
    return day.weekday() >= 5


def kind_for(day: dt.date, *, is_workday: bool) -> DayKind:
    """The kind of a date whose working status is known."""
    if is_workday:
        return DayKind.ADJUSTED_WORKDAY if is_weekend(day) else DayKind.WORKDAY
    return DayKind.WEEKEND if is_weekend(day) else DayKind.HOLIDAY


@lru_cache(maxsize=8192)
def package_day(country: str, day: dt.date) -> DayInfo:
    """The packages' answer for `day` (cached per date): chinesecalendar, then holidays."""
    if country.upper() == "CN":
        info = _from_chinesecalendar(day)
        if info is not None:
            return info
    return _from_holidays(country, day)


def _from_chinesecalendar(day: dt.date) -> DayInfo | None:
    try:
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:  # a year the installed version does not cover
        return None
    kind = kind_for(day, is_workday=not is_holiday)
    if kind is DayKind.WEEKEND and name:  # a weekend inside a holiday period
        kind = DayKind.HOLIDAY
    # chinesecalendar names the holiday on an adjusted working day too; keep it as the reason.
    named = kind in (DayKind.HOLIDAY, DayKind.ADJUSTED_WORKDAY)
    return DayInfo(day, kind, DaySource.CHINESECALENDAR, str(name or "") if named else "")


def _from_holidays(country: str, day: dt.date) -> DayInfo:
    table = country_holidays(country, day.year)
    if day in getattr(table, "weekend_workdays", ()):
        return DayInfo(day, DayKind.ADJUSTED_WORKDAY, DaySource.HOLIDAYS)
    name = table.get(day)
    if name is not None:
        return DayInfo(day, DayKind.HOLIDAY, DaySource.HOLIDAYS, str(name))
    return DayInfo(day, kind_for(day, is_workday=not is_weekend(day)), DaySource.WEEKDAY)


@lru_cache(maxsize=256)
def country_holidays(country: str, year: int) -> Any:
    """The `holidays` table of one country and year (NotImplementedError: unknown country)."""
    return holidays.country_holidays(country, years=year)


def chinesecalendar_years() -> tuple[int, int]:
    """First and last year the installed chinesecalendar covers."""
    years = {day.year for day in chinese_calendar.constants.holidays}
    return min(years), max(years)
