"""`grassroots calendar [YYYY-MM]`: show a month of the working calendar; set overrides.

grassroots calendar 2026-10
grassroots calendar --set 2027-02-07 --workday --note "2027 Spring Festival arrangement"
grassroots calendar --set 2027-02-11 --rest-day --note "Spring Festival"
grassroots calendar --clear 2027-02-07
"""

from __future__ import annotations

import calendar as month_grid
import datetime as dt
import re
import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core.errors import DomainError
from grassroots.core.models import CalendarDay
from grassroots.core.services import delete_calendar_day, set_calendar_day
from grassroots.core.worktime import (
    DAY_KIND_LABELS,
    DayInfo,
    DayKind,
    DaySource,
    WorkingCalendar,
    format_office_hours,
    get_calendar,
)

MARKS = {
    DayKind.WORKDAY: " ",
    DayKind.WEEKEND: ".",
    DayKind.HOLIDAY: "H",
    DayKind.ADJUSTED_WORKDAY: "W",
}
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


class Command(BaseCommand):
    help = "Show a month of the working calendar (workdays, holidays, adjusted working days)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("month", nargs="?", help="YYYY-MM (default: this month)")
        parser.add_argument("--set", dest="set_date", metavar="YYYY-MM-DD")
        kind = parser.add_mutually_exclusive_group()
        kind.add_argument("--workday", action="store_true", help="with --set: a working day")
        kind.add_argument("--rest-day", action="store_true", help="with --set: a day off")
        parser.add_argument("--note", default="", help="with --set: why (e.g. the notice)")
        parser.add_argument("--clear", dest="clear_date", metavar="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        calendar = get_calendar()
        shown = self._month(options["month"], calendar)
        if options["set_date"]:
            shown = self._set(options)
        elif options["workday"] or options["rest_day"]:
            raise CommandError(_("--workday and --rest-day need --set YYYY-MM-DD."))
        if options["clear_date"]:
            shown = self._clear(options["clear_date"])
        if options["month"]:
            shown = self._month(options["month"], calendar)
        self.stdout.write(render_month(calendar, *shown))

    def _month(self, text: str | None, calendar: WorkingCalendar) -> tuple[int, int]:
        if not text:
            today = timezone.now().astimezone(calendar.tz).date()
            return today.year, today.month
        match = _MONTH.match(text)
        if match is None or not 1 <= int(match.group(2)) <= 12:
            raise CommandError(_("Not a month (YYYY-MM): %(value)s") % {"value": text})
        return int(match.group(1)), int(match.group(2))

    def _set(self, options: dict[str, Any]) -> tuple[int, int]:
        day = parse_date(options["set_date"])
        if not (options["workday"] or options["rest_day"]):
            raise CommandError(_("--set needs --workday or --rest-day."))
        try:
            set_calendar_day(day, is_workday=options["workday"], note=options["note"], actor=None)
        except DomainError as error:
            raise CommandError(error.message) from error
        kind = _("a working day") if options["workday"] else _("a rest day")
        self.stdout.write(_("%(date)s is now %(kind)s.") % {"date": day, "kind": kind})
        return day.year, day.month

    def _clear(self, text: str) -> tuple[int, int]:
        day = parse_date(text)
        if delete_calendar_day(day, actor=None):
            self.stdout.write(_("Override of %(date)s removed.") % {"date": day})
        else:
            self.stdout.write(_("%(date)s had no override.") % {"date": day})
        return day.year, day.month


def parse_date(text: str) -> dt.date:
    """A YYYY-MM-DD date, or a CommandError that says what was wrong."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(_("Not a date (YYYY-MM-DD): %(value)s") % {"value": text}) from None


def render_month(calendar: WorkingCalendar, year: int, month: int) -> str:
    """The month as a grid (Monday first) with a legend and a line per special day."""
    days = [calendar.day_info(day) for day in _dates(year, month)]
    info = {item.date.day: item for item in days}
    header = _("%(year)d-%(month)02d  (%(country)s, %(zone)s, office hours %(hours)s)") % {
        "year": year,
        "month": month,
        "country": calendar.country,
        "zone": calendar.tz.key,
        "hours": format_office_hours(calendar.office_hours),
    }
    names = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
    lines = [header, "".join(_right(name, 5) for name in names)]
    for week in month_grid.Calendar().monthdayscalendar(year, month):
        lines.append("".join(_cell(info.get(number)) for number in week).rstrip())
    lines.append(_legend())
    lines.extend(_special_lines(days))
    return "\n".join(lines) + "\n"


def _right(text: str, width: int) -> str:
    """Right-align for a terminal, where CJK characters take two columns."""
    used = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return " " * max(width - used, 1) + text


def _dates(year: int, month: int) -> list[dt.date]:
    last = month_grid.monthrange(year, month)[1]
    return [dt.date(year, month, number) for number in range(1, last + 1)]


def _cell(item: DayInfo | None) -> str:
    if item is None:
        return " " * 5
    star = "*" if item.source is DaySource.OVERRIDE else " "
    return f"{item.date.day:>3}{MARKS[item.kind]}{star}"


def _legend() -> str:
    return _("H holiday, W adjusted working day, . weekend, * deployment override")


def _special_lines(days: list[DayInfo]) -> list[str]:
    notes = dict(
        CalendarDay.objects.filter(date__in=[item.date for item in days]).values_list(
            "date", "note"
        )
    )
    lines = []
    for item in days:
        if item.kind in (DayKind.HOLIDAY, DayKind.ADJUSTED_WORKDAY) or item.date in notes:
            reason = notes.get(item.date) or item.name
            label = DAY_KIND_LABELS[item.kind]
            lines.append(f"{item.date:%Y-%m-%d} {label} {reason} [{item.source}]".rstrip())
    return lines
