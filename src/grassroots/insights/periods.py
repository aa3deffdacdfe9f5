"""Periods a KPI table covers: a day, an ISO week, a month, or a custom range of days."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from .errors import InsightsError, InsightsErrorCode

MAX_DAYS = 3660
MIN_YEAR, MAX_YEAR = 1900, 2999


@dataclass(frozen=True)
class Period:
    """Local days `start` ≤ day < `end`; `month` is set when it is exactly one month."""

    label: str
    start: date
    end: date
    month: date | None = None

    def previous(self) -> Period:
        """The period just before, of the same kind (the month before for a month)."""
        if self.month is not None:
            return month_period(add_months(self.month, -1))
        length = self.end - self.start
        return Period(label=f"before {self.label}", start=self.start - length, end=self.start)


def add_months(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_period(first: date) -> Period:
    return Period(label=f"{first:%Y-%m}", start=first, end=add_months(first, 1), month=first)


def _bad(text: str) -> InsightsError:
    return InsightsError(
        InsightsErrorCode.BAD_PERIOD,
        _("period: “%s” is not YYYY-MM, YYYY-Www, YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD.")
        % text[:40],
        status=422,
    )


def parse_period(text: str) -> Period:
    """`2024-03` (month), `2024-W09` (ISO week), `2024-03-05` (day), `A..B` (days A to B)."""
    text = (text or "").strip()
    period = _parse(text)
    # Far from the calendar's ends, so that the period before always exists.
    if period is None or not (period.start.year >= MIN_YEAR and period.end.year <= MAX_YEAR):
        raise _bad(text)
    return period


def _parse(text: str) -> Period | None:
    try:
        if re.fullmatch(r"\d{4}-\d{2}", text):
            return month_period(date.fromisoformat(text + "-01"))
        if m := re.fullmatch(r"(\d{4})-W(\d{2})", text):
            start = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return Period(label=text, start=start, end=start + timedelta(days=7))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = date.fromisoformat(text)
            return Period(label=text, start=day, end=day + timedelta(days=1))
        if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", text):
            start, last = date.fromisoformat(m[1]), date.fromisoformat(m[2])
            if start <= last and (last - start).days < MAX_DAYS:
                return Period(label=text, start=start, end=last + timedelta(days=1))
    except ValueError:
        pass
    return None
