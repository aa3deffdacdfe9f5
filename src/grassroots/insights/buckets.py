"""Reading the roll-ups: each unit's counters, handling times and open deadlines for a period.

A month is read from `UnitMonth` alone (one row per unit). Any other period sums `UnitDay`
rows and reads handling times and open deadlines from the period's facts.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q, Sum

from grassroots.organizations.models import Unit

from .models import COUNTERS, CaseFact, UnitDay, UnitMonth
from .periods import Period


@dataclass
class Bucket:
    """What a unit (or a subtree, once merged) did in a period."""

    counts: Counter[str] = field(default_factory=Counter)
    durations: Counter[int] = field(default_factory=Counter)
    open_dues: list[float] = field(default_factory=list)
    dues_sorted: bool = False  # `open_dues` in ascending order (as `UnitMonth` stores them)
    _overdue: tuple[float, int] | None = field(default=None, repr=False, compare=False)

    def merge(self, other: Bucket) -> None:
        self.counts.update(other.counts)
        self.durations.update(other.durations)
        self.open_dues.extend(other.open_dues)
        self.dues_sorted, self._overdue = False, None

    def overdue(self, now_ts: float) -> int:
        """Open cases whose resolve deadline is before `now_ts` (asked once per rate, so kept:
        a busy month holds thousands of open deadlines)."""
        if self._overdue is not None and self._overdue[0] == now_ts:
            return self._overdue[1]
        if self.dues_sorted:
            count = bisect_left(self.open_dues, now_ts)
        else:
            count = sum(1 for due in self.open_dues if due < now_ts)
        self._overdue = (now_ts, count)
        return count

    def set_overdue(self, now_ts: float, count: int) -> None:
        """The overdue count when it is known without the deadlines (a sum over parts)."""
        self._overdue = (now_ts, count)


def _month(period: Period, durations: bool) -> dict[str, Bucket]:
    """One `UnitMonth` row per unit. Raw SQL: the ORM's per-row conversion of the JSON columns
    was half of the KPI table's time (bench/insights.py)."""
    assert period.month is not None  # only called for months
    qn = connection.ops.quote_name
    counters = ", ".join(f"m.{qn(c)}" for c in COUNTERS)
    last = ", m.durations" if durations else ""
    sql = (
        f"SELECT u.path, m.open_dues, {counters}{last} "  # noqa: S608 - names from the models
        f"FROM {qn(UnitMonth._meta.db_table)} m JOIN {qn(Unit._meta.db_table)} u "
        "ON u.id = m.unit_id WHERE m.month = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datefield_value(period.month)])
        rows = cursor.fetchall()
    buckets: dict[str, Bucket] = {}
    n = len(COUNTERS)
    for row in rows:
        counts = Counter(dict(zip(COUNTERS, row[2 : 2 + n], strict=True)))
        dues = _json(row[1]) or []
        bucket = buckets[row[0]] = Bucket(counts=counts, open_dues=dues, dues_sorted=True)
        if durations and (histogram := _json(row[-1])):
            bucket.durations = Counter({int(k): v for k, v in histogram.items()})
    return buckets


def _json(value: Any) -> Any:
    """A JSON column's value: text on SQLite, already decoded by the PostgreSQL driver."""
    return json.loads(value) if isinstance(value, str) else value


def _days(period: Period, durations: bool) -> dict[str, Bucket]:
    buckets: dict[str, Bucket] = {}
    span = Q(day__gte=period.start, day__lt=period.end)
    sums = (
        UnitDay.objects.filter(span)
        .values("unit__path")
        .annotate(**{c: Sum(c) for c in COUNTERS})
        .order_by()
    )
    for row in sums:
        values: dict[str, Any] = dict(row)  # keys are the counters' names
        counts = Counter({c: values[c] or 0 for c in COUNTERS})
        buckets[values["unit__path"]] = Bucket(counts=counts)
    wanted = Q(open_due__isnull=False) | (Q(handled=1) if durations else Q(pk__in=[]))
    details = CaseFact.objects.filter(span).filter(wanted)
    for path, seconds, due in details.values_list("unit__path", "handling_seconds", "open_due"):
        bucket = buckets.setdefault(path, Bucket())
        if seconds is not None and durations:
            bucket.durations[seconds] += 1
        if due is not None:
            bucket.open_dues.append(due.timestamp())
    return buckets


def read_buckets(period: Period, durations: bool = True) -> dict[str, Bucket]:
    """{handling unit's path: bucket} for every unit with cases in the period; handling
    times only when `durations` (the period before needs only the score)."""
    return _month(period, durations) if period.month is not None else _days(period, durations)
