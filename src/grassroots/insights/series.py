"""Figures for the dashboard's charts, read from the roll-ups and facts: the monthly trend of
a unit's subtree (or the viewer's whole scope) and the category mix of a period."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import get_language

from grassroots.organizations.models import Unit
from grassroots.organizations.querysets import subtree_q

from .kpis import Scope
from .models import CaseFact, UnitMonth
from .periods import Period, add_months

TREND_COUNTERS = ("received", "closed", "followed_up", "resolved", "rated", "satisfied", "basic")


def where(scope: Scope, unit: Unit | None, field: str = "unit__path") -> Q:
    """Rows of handling units in `unit`'s subtree (if given) and within the viewer's scope."""
    found = subtree_q(unit.path, field) if unit is not None else Q()
    if scope.paths is not None:
        mine = Q(pk__in=[])
        for path in scope.paths:
            mine |= subtree_q(path, field)
        found &= mine
    return found


def _rate(hits: float, base: int) -> float | None:
    return round(hits / base, 4) if base else None


def monthly_trend(
    scope: Scope, unit: Unit | None, *, last: date, months: int = 12
) -> list[dict[str, Any]]:
    """The counters and rates per month for the `months` months up to `last` (a first day)."""
    first = add_months(last, -(months - 1))
    sums: dict[date, dict[str, Any]] = {
        row["month"]: dict(row)
        for row in UnitMonth.objects.filter(where(scope, unit), month__gte=first, month__lte=last)
        .values("month")
        .annotate(**{c: Sum(c) for c in TREND_COUNTERS})
    }
    series = []
    for i in range(months):
        month = add_months(first, i)
        row = sums.get(month, {})
        counts = {c: int(row.get(c) or 0) for c in TREND_COUNTERS}
        satisfied = counts["satisfied"] + 0.8 * counts["basic"]
        series.append(
            {
                "month": f"{month:%Y-%m}",
                "received": counts["received"],
                "closed": counts["closed"],
                "resolution_rate": _rate(counts["resolved"], counts["followed_up"]),
                "satisfaction_rate": _rate(satisfied, counts["rated"]),
            }
        )
    return series


def category_mix(scope: Scope, unit: Unit | None, period: Period) -> list[dict[str, Any]]:
    """Cases received in `period` per category (the uncategorised as one row), most first."""
    zh = (get_language() or "").startswith("zh")
    rows = (
        CaseFact.objects.filter(where(scope, unit), day__gte=period.start, day__lt=period.end)
        .values("case__category__code", "case__category__name_zh", "case__category__name_en")
        .annotate(n=Count("case_id"))
        .order_by("-n", "case__category__code")
    )
    return [
        {
            "category": r["case__category__code"] or "",
            "name": (r["case__category__name_zh"] if zh else r["case__category__name_en"]) or "",
            "cases": r["n"],
        }
        for r in rows
    ]
