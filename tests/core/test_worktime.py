"""Working time: weekends, Chinese holidays with adjusted working days, office hours, zones."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.utils import translation
from pytest_django import DjangoAssertNumQueries

from grassroots.core.models import AuditEntry, CalendarDay
from grassroots.core.services import delete_calendar_day, set_calendar_day
from grassroots.core.worktime import (
    DayKind,
    DaySource,
    TimeBasis,
    WorkingCalendar,
    chinesecalendar_years,
    get_calendar,
    invalidate_overrides,
    parse_office_hours,
)
from tests.factories.organizations import UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC
# A year no chinesecalendar release will cover, so that it falls back to `holidays`.
UNCOVERED_YEAR = 2099


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A moment on the Shanghai wall clock."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def cal() -> WorkingCalendar:
    """The default calendar (CN, 09:00-12:00 + 13:30-18:00, Shanghai) without overrides."""
    return WorkingCalendar(overrides={})


@pytest.fixture(autouse=True)
def fresh_overrides() -> Iterator[None]:
    invalidate_overrides()
    yield
    invalidate_overrides()


# Weekends and office hours (November 2025 has no holiday)


def test_saturday_and_sunday_are_rest_days(cal: WorkingCalendar) -> None:
    assert cal.is_workday(dt.date(2025, 11, 14)) is True  # Friday
    assert cal.is_workday(dt.date(2025, 11, 15)) is False  # Saturday
    assert cal.is_workday(dt.date(2025, 11, 16)) is False  # Sunday
    assert cal.day_info(dt.date(2025, 11, 15)).kind is DayKind.WEEKEND


def test_case_received_friday_17_00_with_4_working_hours_is_due_monday_noon(
    cal: WorkingCalendar,
) -> None:
    received = local(2025, 11, 14, 17, 0)  # Friday: 1 hour today, 3 on Monday morning

    due = cal.add_working_hours(received, 4)

    assert due == local(2025, 11, 17, 12, 0)


def test_case_received_at_17_50_with_1_working_hour_is_due_09_50_next_working_day(
    cal: WorkingCalendar,
) -> None:
    due = cal.add_working_hours(local(2025, 11, 13, 17, 50), 1)  # Thursday

    assert due == local(2025, 11, 14, 9, 50)


def test_lunch_break_is_not_working_time(cal: WorkingCalendar) -> None:
    due = cal.add_working_hours(local(2025, 11, 13, 11, 30), 1)

    assert due == local(2025, 11, 13, 14, 0)


def test_deadline_that_uses_up_the_morning_ends_at_noon_not_after_lunch(
    cal: WorkingCalendar,
) -> None:
    assert cal.add_working_hours(local(2025, 11, 13, 9, 0), 3) == local(2025, 11, 13, 12, 0)
    assert cal.add_working_hours(local(2025, 11, 13, 9, 0), 7.5) == local(2025, 11, 13, 18, 0)


def test_start_before_opening_or_during_lunch_counts_from_the_next_opening(
    cal: WorkingCalendar,
) -> None:
    assert cal.add_working_hours(local(2025, 11, 13, 7, 0), 2) == local(2025, 11, 13, 11, 0)
    assert cal.add_working_hours(local(2025, 11, 13, 12, 30), 1) == local(2025, 11, 13, 14, 30)


def test_next_working_moment_inside_hours_is_the_moment_itself(cal: WorkingCalendar) -> None:
    assert cal.next_working_moment(local(2025, 11, 13, 10, 15)) == local(2025, 11, 13, 10, 15)
    assert cal.next_working_moment(local(2025, 11, 13, 12, 0)) == local(2025, 11, 13, 13, 30)
    assert cal.next_working_moment(local(2025, 11, 14, 18, 0)) == local(2025, 11, 17, 9, 0)


def test_other_office_hours_are_honoured() -> None:
    cal = WorkingCalendar(office_hours="08:30-11:30,14:00-17:30", overrides={})

    due = cal.add_working_hours(local(2025, 11, 13, 11, 0), 1)

    assert due == local(2025, 11, 13, 14, 30)


@pytest.mark.parametrize(
    "text", ["", "9-12", "09:00-08:00", "13:00-18:00,09:00-12:00", "09:00-12:30,12:00-18:00"]
)
def test_bad_office_hours_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="OFFICE_HOURS"):
        parse_office_hours(text)


# N working days


def test_one_working_day_ends_at_close_of_the_next_working_day(cal: WorkingCalendar) -> None:
    due = cal.add_working_days(local(2025, 11, 13, 17, 30), 1)  # Thursday, in hours

    assert due == local(2025, 11, 14, 18, 0)


def test_case_received_after_close_counts_from_the_next_working_day(
    cal: WorkingCalendar,
) -> None:
    due = cal.add_working_days(local(2025, 11, 13, 18, 30), 1)  # Thursday, after close

    assert due == local(2025, 11, 17, 18, 0)  # received Friday; day 1 is Monday


def test_case_received_on_saturday_counts_from_monday(cal: WorkingCalendar) -> None:
    due = cal.add_working_days(local(2025, 11, 15, 10, 0), 2)

    assert due == local(2025, 11, 19, 18, 0)


def test_zero_working_days_is_the_close_of_the_day_of_receipt(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(local(2025, 11, 13, 8, 0), 0) == local(2025, 11, 13, 18, 0)


# China's National Day 2025: Oct 1–8 off; Sunday Sep 28 and Saturday Oct 11 are worked.


def test_national_day_2025_holidays_and_adjusted_working_days(cal: WorkingCalendar) -> None:
    assert cal.is_workday(dt.date(2025, 9, 28)) is True  # Sunday, adjusted
    assert [cal.is_workday(dt.date(2025, 10, d)) for d in range(1, 9)] == [False] * 8
    assert cal.is_workday(dt.date(2025, 10, 9)) is True
    assert cal.is_workday(dt.date(2025, 10, 11)) is True  # Saturday, adjusted
    assert cal.is_workday(dt.date(2025, 10, 12)) is False  # Sunday
    assert cal.day_info(dt.date(2025, 10, 11)).kind is DayKind.ADJUSTED_WORKDAY
    assert cal.day_info(dt.date(2025, 10, 1)).source is DaySource.CHINESECALENDAR


def test_working_days_across_national_day_skip_the_holiday(cal: WorkingCalendar) -> None:
    received = local(2025, 9, 30, 10, 0)  # Tuesday, last day before the holiday

    assert cal.add_working_days(received, 2) == local(2025, 10, 10, 18, 0)
    assert cal.add_working_days(received, 3) == local(2025, 10, 11, 18, 0)  # adjusted Saturday


def test_fifteen_working_days_across_national_day(cal: WorkingCalendar) -> None:
    # Sep 23-26 (4), Sun 28 (5), 29-30 (7), Oct 9-10 (9), Sat 11 (10), 13-17 (15)
    due = cal.add_working_days(local(2025, 9, 22, 10, 0), 15)

    assert due == local(2025, 10, 17, 18, 0)


def test_case_received_on_the_holiday_counts_from_the_first_working_day_after(
    cal: WorkingCalendar,
) -> None:
    received = local(2025, 10, 3, 15, 0)

    assert cal.next_working_moment(received) == local(2025, 10, 9, 9, 0)
    assert cal.add_working_days(received, 1) == local(2025, 10, 10, 18, 0)


def test_working_hours_run_on_the_adjusted_sunday(cal: WorkingCalendar) -> None:
    due = cal.add_working_hours(local(2025, 9, 26, 17, 0), 4)  # Friday

    assert due == local(2025, 9, 28, 12, 0)  # Sunday Sep 28 is worked


# Spring Festival 2026: Feb 15–23 off; Saturdays Feb 14 and Feb 28 are worked.


def test_spring_festival_2026_is_covered_by_the_installed_chinesecalendar() -> None:
    first, last = chinesecalendar_years()

    assert first <= 2026 <= last


def test_working_days_across_spring_festival_2026(cal: WorkingCalendar) -> None:
    received = local(2026, 2, 13, 10, 0)  # Friday

    assert cal.is_workday(dt.date(2026, 2, 14)) is True  # Saturday, adjusted
    assert cal.add_working_days(received, 1) == local(2026, 2, 14, 18, 0)
    assert cal.add_working_days(received, 2) == local(2026, 2, 24, 18, 0)


def test_working_hours_across_spring_festival_2026(cal: WorkingCalendar) -> None:
    due = cal.add_working_hours(local(2026, 2, 14, 17, 0), 2)  # adjusted Saturday

    assert due == local(2026, 2, 24, 10, 0)


# Sources and their precedence


def test_overrides_beat_the_packages() -> None:
    cal = WorkingCalendar(overrides={dt.date(2025, 10, 2): True, dt.date(2025, 10, 9): False})

    assert cal.is_workday(dt.date(2025, 10, 2)) is True
    assert cal.is_workday(dt.date(2025, 10, 9)) is False
    assert cal.day_info(dt.date(2025, 10, 2)).source is DaySource.OVERRIDE
    assert cal.add_working_days(local(2025, 9, 30, 10, 0), 1) == local(2025, 10, 2, 18, 0)


def test_year_not_covered_by_chinesecalendar_falls_back_to_holidays(
    cal: WorkingCalendar,
) -> None:
    assert chinesecalendar_years()[1] < UNCOVERED_YEAR

    national_day = cal.day_info(dt.date(UNCOVERED_YEAR, 10, 1))  # a Thursday
    ordinary = cal.day_info(dt.date(UNCOVERED_YEAR, 10, 13))  # a Tuesday

    assert (national_day.is_workday, national_day.source) == (False, DaySource.HOLIDAYS)
    assert national_day.name == "National Day"
    assert (ordinary.is_workday, ordinary.source) == (True, DaySource.WEEKDAY)


def test_fallback_years_know_no_adjusted_working_days(cal: WorkingCalendar) -> None:
    saturdays = [dt.date(UNCOVERED_YEAR, 9, 26), dt.date(UNCOVERED_YEAR, 10, 10)]

    assert [cal.is_workday(day) for day in saturdays] == [False, False]


def test_another_country_uses_its_own_holidays() -> None:
    cal = WorkingCalendar(country="US", time_zone="America/New_York", overrides={})

    assert cal.is_workday(dt.date(2025, 7, 4)) is False
    assert cal.is_workday(dt.date(2025, 10, 1)) is True


def test_unknown_country_or_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="WORKING_CALENDAR_COUNTRY"):
        WorkingCalendar(country="XX")
    with pytest.raises(ValueError, match="WORKING_TIME_ZONE"):
        WorkingCalendar(time_zone="Mars/Olympus")


# Working seconds between two moments


@pytest.mark.parametrize(
    ("start", "hours"),
    [
        (local(2025, 11, 13, 10, 0), 0.5),
        (local(2025, 11, 13, 11, 45), 2.25),
        (local(2025, 11, 14, 17, 0), 4),
        (local(2025, 9, 30, 16, 0), 40),
        (local(2025, 10, 3, 15, 0), 7.5),
        (local(2026, 2, 13, 20, 0), 100),
    ],
)
def test_working_seconds_between_matches_add_working_hours(
    cal: WorkingCalendar, start: dt.datetime, hours: float
) -> None:
    due = cal.add_working_hours(start, hours)

    assert cal.working_seconds_between(start, due) == hours * 3600


def test_working_seconds_over_a_day_with_lunch(cal: WorkingCalendar) -> None:
    seconds = cal.working_seconds_between(local(2025, 11, 13, 8, 0), local(2025, 11, 13, 20, 0))

    assert seconds == 7.5 * 3600


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (local(2025, 11, 15, 10, 0), local(2025, 11, 16, 20, 0)),  # weekend
        (local(2025, 11, 13, 12, 10), local(2025, 11, 13, 13, 20)),  # lunch
        (local(2025, 11, 13, 18, 30), local(2025, 11, 14, 8, 0)),  # night
        (local(2025, 10, 2, 9, 0), local(2025, 10, 8, 18, 0)),  # National Day
    ],
)
def test_no_working_time_passes_inside_a_non_working_span(
    cal: WorkingCalendar, a: dt.datetime, b: dt.datetime
) -> None:
    assert cal.working_seconds_between(a, b) == 0.0


def test_working_seconds_are_negative_when_the_end_is_before_the_start(
    cal: WorkingCalendar,
) -> None:
    a, b = local(2025, 11, 13, 10, 0), local(2025, 11, 13, 11, 0)

    assert cal.working_seconds_between(b, a) == -3600.0


# Calendar (wall-clock) hours for emergencies


def test_calendar_hours_run_through_nights_and_holidays(cal: WorkingCalendar) -> None:
    start = local(2025, 10, 1, 23, 0)

    assert cal.add_calendar_hours(start, 2) == local(2025, 10, 2, 1, 0)
    assert cal.add_hours(start, 2, basis=TimeBasis.CALENDAR) == local(2025, 10, 2, 1, 0)
    assert cal.add_hours(start, 2, basis=TimeBasis.WORKING) == local(2025, 10, 9, 11, 0)


# Inputs and time zones


@pytest.mark.parametrize(
    "call",
    [
        lambda cal, naive: cal.add_working_hours(naive, 1),
        lambda cal, naive: cal.add_working_days(naive, 1),
        lambda cal, naive: cal.add_calendar_hours(naive, 1),
        lambda cal, naive: cal.next_working_moment(naive),
        lambda cal, naive: cal.working_seconds_between(naive, local(2025, 11, 13, 9, 0)),
    ],
)
def test_naive_datetime_is_refused(cal: WorkingCalendar, call: object) -> None:
    naive = dt.datetime(2025, 11, 13, 10, 0)

    with pytest.raises(ValueError, match="timezone-aware"):
        call(cal, naive)  # type: ignore[operator]


def test_negative_amounts_are_refused(cal: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="negative"):
        cal.add_working_hours(local(2025, 11, 13, 10, 0), -1)
    with pytest.raises(ValueError, match="negative"):
        cal.add_working_days(local(2025, 11, 13, 10, 0), -1)


def test_results_are_in_utc(cal: WorkingCalendar) -> None:
    due = cal.add_working_days(local(2025, 11, 13, 10, 0), 1)

    assert due.tzinfo is UTC
    assert due == utc(2025, 11, 14, 10, 0)  # 18:00 in Shanghai


def test_start_given_in_utc_is_read_on_the_shanghai_office_clock(cal: WorkingCalendar) -> None:
    # 00:30 UTC is 08:30 in Shanghai: counting starts at the 09:00 opening.
    assert cal.add_working_hours(utc(2025, 11, 13, 0, 30), 1) == utc(2025, 11, 13, 2, 0)
    # 10:00 UTC on Friday is 18:00 in Shanghai: closed until Monday 09:00 (01:00 UTC).
    assert cal.next_working_moment(utc(2025, 11, 14, 10, 0)) == utc(2025, 11, 17, 1, 0)


def test_start_in_another_zone_is_converted(cal: WorkingCalendar) -> None:
    new_york = dt.datetime(2025, 11, 12, 20, 0, tzinfo=ZoneInfo("America/New_York"))

    due = cal.add_working_hours(new_york, 1)  # 09:00 Thursday in Shanghai

    assert due == local(2025, 11, 13, 10, 0)


# The deployment's calendar: overrides in the database, settings


@pytest.mark.django_db
def test_set_calendar_day_changes_the_cached_calendar_and_is_audited() -> None:
    holiday = dt.date(2025, 10, 2)
    assert get_calendar().is_workday(holiday) is False  # loads the cache

    set_calendar_day(holiday, is_workday=True, note="emergency duty", actor=None)

    assert get_calendar().is_workday(holiday) is True
    entry = AuditEntry.objects.get(action="core.calendar_day.set")
    assert entry.data == {
        "date": "2025-10-02",
        "is_workday": True,
        "note": "emergency duty",
        "previous": None,
    }


@pytest.mark.django_db
def test_deleting_an_override_gives_the_day_back_to_the_packages() -> None:
    set_calendar_day(dt.date(2025, 10, 2), is_workday=True, note="", actor=None)

    removed = delete_calendar_day(dt.date(2025, 10, 2), actor=None)

    assert removed is True
    assert get_calendar().is_workday(dt.date(2025, 10, 2)) is False
    assert AuditEntry.objects.filter(action="core.calendar_day.deleted").count() == 1


@pytest.mark.django_db
def test_deadlines_do_not_query_the_database_per_day(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    cal = get_calendar()
    with django_assert_num_queries(1):
        cal.add_working_days(local(2025, 9, 22, 10, 0), 15)

    with django_assert_num_queries(0):
        due = cal.add_working_days(local(2025, 9, 22, 10, 0), 15)

    assert due == local(2025, 10, 17, 18, 0)


@pytest.mark.django_db
@override_settings(OFFICE_HOURS="08:00-16:00", WORKING_TIME_ZONE="Asia/Shanghai")
def test_settings_choose_the_office_hours() -> None:
    due = get_calendar().add_working_hours(local(2025, 11, 13, 15, 0), 2)

    assert due == local(2025, 11, 14, 9, 0)


# The `grassroots calendar` command and the admin


@pytest.mark.django_db
def test_calendar_command_prints_a_month() -> None:
    out = io.StringIO()

    with translation.override("en"):
        call_command("calendar", "2025-10", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "2025-10  (CN, Asia/Shanghai, office hours 09:00-12:00, 13:30-18:00)"
    assert lines[1] == "  Mon  Tue  Wed  Thu  Fri  Sat  Sun"
    assert lines[2] == "            1H   2H   3H   4H   5H"
    assert lines[3] == "  6H   7H   8H   9   10   11W  12."
    assert "2025-10-11 adjusted working day National Day [chinesecalendar]" in lines


@pytest.mark.django_db
def test_calendar_command_sets_an_override() -> None:
    out = io.StringIO()

    with translation.override("en"):
        call_command(
            "calendar", "--set", "2027-02-07", "--workday", "--note", "Spring Festival", stdout=out
        )

    assert CalendarDay.objects.get(date=dt.date(2027, 2, 7)).is_workday is True
    assert get_calendar().is_workday(dt.date(2027, 2, 7)) is True  # a Sunday
    assert out.getvalue().startswith("2027-02-07 is now a working day.\n")
    assert "  7W*" in out.getvalue()
    assert "2027-02-07 adjusted working day Spring Festival [override]" in out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args",
    [["2026-13"], ["October"], ["--set", "2027-02-30", "--workday"], ["--set", "2027-02-07"]],
)
def test_calendar_command_refuses_bad_input(args: list[str]) -> None:
    with pytest.raises(CommandError):
        call_command("calendar", *args, stdout=io.StringIO())

    assert CalendarDay.objects.count() == 0


@pytest.mark.django_db
def test_adding_a_calendar_day_in_the_admin_goes_through_the_service() -> None:
    client = Client()
    user: Any = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)

    response = client.post(
        "/admin/core/calendarday/add/",
        {"date": "2027-02-06", "is_workday": "on", "note": "adjusted"},
    )

    assert response.status_code == 302, response.content[:500]
    assert get_calendar().is_workday(dt.date(2027, 2, 6)) is True
    assert AuditEntry.objects.filter(
        action="core.calendar_day.set", actor__username="root"
    ).exists()
