"""Working time: the deadline calendar (working days, office hours, China's 调休).

Use `get_calendar()` for the deployment's calendar, built from the settings
`WORKING_CALENDAR_COUNTRY`, `OFFICE_HOURS` and `WORKING_TIME_ZONE`, with the `CalendarDay`
overrides (cached in memory; `core.services.set_calendar_day` refreshes them)::

    from grassroots.core.worktime import TimeBasis, get_calendar

    due = get_calendar().add_working_days(received_at, 15)
    urgent = get_calendar().add_hours(received_at, 2, basis=TimeBasis.CALENDAR)
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings

from . import overrides
from .days import DAY_KIND_LABELS, DayInfo, DayKind, DaySource, chinesecalendar_years
from .office_hours import format_office_hours, parse_office_hours
from .working_calendar import DEFAULT_OFFICE_HOURS, TimeBasis, WorkingCalendar

__all__ = [
    "DAY_KIND_LABELS",
    "DEFAULT_OFFICE_HOURS",
    "DayInfo",
    "DayKind",
    "DaySource",
    "TimeBasis",
    "WorkingCalendar",
    "chinesecalendar_years",
    "format_office_hours",
    "get_calendar",
    "invalidate_overrides",
    "parse_office_hours",
]


def get_calendar() -> WorkingCalendar:
    """The deployment's working calendar (one per settings combination, built once)."""
    return _calendar(
        getattr(settings, "WORKING_CALENDAR_COUNTRY", "CN"),
        getattr(settings, "OFFICE_HOURS", DEFAULT_OFFICE_HOURS),
        getattr(settings, "WORKING_TIME_ZONE", "") or settings.TIME_ZONE,
    )


@lru_cache(maxsize=8)
def _calendar(country: str, office_hours: str, time_zone: str) -> WorkingCalendar:
    return WorkingCalendar(
        country=country,
        office_hours=office_hours,
        time_zone=time_zone,
        overrides=overrides.current,
    )


def invalidate_overrides() -> None:
    """Re-read the CalendarDay overrides at the next question (after a write)."""
    overrides.invalidate()
