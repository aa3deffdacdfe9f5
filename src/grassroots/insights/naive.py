"""The naive way to the same table: GROUP BY over the cases of the period, on every request.

Kept as the yardstick: the benchmark times it against the roll-ups and the tests check that
both give equal numbers. Not used by the API.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time
from typing import Any

from django.db.models import F, Q, Sum

from grassroots.cases.models import Case

from .buckets import Bucket
from .facts import OPEN_HANDLING, Seconds, conditions, flag, with_excluded, zone
from .models import COUNTERS
from .periods import Period


def _utc(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone()).astimezone(UTC)


def naive_buckets(period: Period, durations: bool = True) -> dict[str, Bucket]:
    """{handling unit path: bucket} computed from the cases table directly."""
    cases = with_excluded(
        Case.objects.filter(
            unit__isnull=False,
            received_at__gte=_utc(period.start),
            received_at__lt=_utc(period.end),
        )
    ).order_by()
    conds = conditions()
    buckets: dict[str, Bucket] = {}
    sums = cases.values("unit__path").annotate(**{c: Sum(flag(conds[c])) for c in COUNTERS})
    for row in sums:
        values: dict[str, Any] = dict(row)  # keys are the counters' names
        buckets[values["unit__path"]] = Bucket(
            counts=Counter({c: values[c] or 0 for c in COUNTERS})
        )
    handled = cases.filter(conds["handled"]).values_list(
        "unit__path", Seconds(F("closed_at"), F("received_at"))
    )
    for path, seconds in handled if durations else ():
        buckets[path].durations[seconds] += 1
    open_ = cases.filter(Q(_excluded=False, status__in=OPEN_HANDLING, resolve_due__isnull=False))
    for path, due in open_.values_list("unit__path", "resolve_due"):
        if due is not None:
            buckets[path].open_dues.append(due.timestamp())
    return buckets
