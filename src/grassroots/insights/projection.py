"""How the insights tables are (re)computed; called only by `services` (the writers).

Facts come from the cases by one INSERT … SELECT (`facts.fact_rows`); day and month roll-ups
from the facts by GROUP BY; a month's handling-time histogram and open deadlines in Python
from its facts. Incremental and full runs share every step, so their numbers are identical.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.db import connection, models
from django.db.models import Q, Sum

from grassroots.cases.models import Case

from .facts import FACT_COLUMNS, fact_rows
from .models import COUNTERS, CaseFact, UnitDay, UnitMonth

CHUNK = 500  # ids per statement: far below SQLite's variable limit


def _insert_select(model: type[models.Model], columns: Sequence[str], qs: Any) -> None:
    sql, params = qs.query.sql_with_params()
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in columns)
    # Table and column names come from the models, never from input.
    statement = f"INSERT INTO {qn(model._meta.db_table)} ({cols}) {sql}"
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


Keys = tuple[set[int], set[date], set[date]]  # units, days, months touched


def _keys_of(qs: models.QuerySet[CaseFact], keys: Keys) -> None:
    for unit_id, day, month in qs.values_list("unit_id", "day", "month"):
        keys[0].add(unit_id)
        keys[1].add(day)
        keys[2].add(month)


def refresh_facts(case_ids: Sequence[int]) -> Keys:
    """Recompute the facts of these cases; returns the roll-up keys before and after."""
    keys: Keys = (set(), set(), set())
    for chunk in _chunks(sorted(set(case_ids))):
        old = CaseFact.objects.filter(case_id__in=chunk)
        _keys_of(old, keys)
        old.delete()
        _insert_select(CaseFact, FACT_COLUMNS, fact_rows(Case.objects.filter(pk__in=chunk)))
        _keys_of(CaseFact.objects.filter(case_id__in=chunk), keys)
    return keys


def build_all_facts() -> None:
    """Every case's facts, from scratch, in one statement."""
    CaseFact.objects.all().delete()
    _insert_select(CaseFact, FACT_COLUMNS, fact_rows(Case.objects.all()))


def _sums(qs: models.QuerySet[CaseFact], *group: str) -> Any:
    return qs.values(*group).annotate(**{f"s_{c}": Sum(c) for c in COUNTERS}).order_by()


def refresh_days(units: set[int] | None, days: set[date] | None) -> None:
    """Recompute the day roll-ups of `units` × `days` (None: all)."""
    where = Q()
    if units is not None:
        where &= Q(unit_id__in=units)
    if days is not None:
        where &= Q(day__in=days)
    UnitDay.objects.filter(where).delete()
    grouped = _sums(CaseFact.objects.filter(where), "unit_id", "day")
    _insert_select(UnitDay, ["unit_id", "day", *COUNTERS], grouped)


def refresh_months(units: set[int] | None, months: set[date] | None) -> None:
    """Recompute the month roll-ups of `units` × `months` (None: all), histograms included."""
    where = Q()
    if units is not None:
        where &= Q(unit_id__in=units)
    if months is not None:
        where &= Q(month__in=months)
    UnitMonth.objects.filter(where).delete()
    grouped = _sums(CaseFact.objects.filter(where), "unit_id", "month")
    _insert_select(UnitMonth, ["unit_id", "month", *COUNTERS], grouped)
    _fill_month_details(where)


def _fill_month_details(where: Q) -> None:
    durations: dict[tuple[int, date], Counter[int]] = defaultdict(Counter)
    dues: dict[tuple[int, date], list[float]] = defaultdict(list)
    rows = CaseFact.objects.filter(where).filter(Q(handled=1) | Q(open_due__isnull=False))
    for unit_id, month, seconds, due in rows.values_list(
        "unit_id", "month", "handling_seconds", "open_due"
    ).iterator(chunk_size=20_000):
        if seconds is not None:
            durations[unit_id, month][seconds] += 1
        if due is not None:
            dues[unit_id, month].append(due.timestamp())
    changed = []
    for row in UnitMonth.objects.filter(where).only("id", "unit_id", "month"):
        key = (row.unit_id, row.month)
        if key in durations or key in dues:
            row.durations = {str(k): v for k, v in sorted(durations[key].items())}
            row.open_dues = sorted(dues[key])
            changed.append(row)
    UnitMonth.objects.bulk_update(changed, ["durations", "open_dues"], batch_size=500)


def refresh_rollups(keys: Keys) -> None:
    """Recompute every roll-up a set of changed facts touched."""
    units, days, months = keys
    if units:
        refresh_days(units, days)
        refresh_months(units, months)
