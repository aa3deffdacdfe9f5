"""The monthly report of one unit, as a printable page: its KPIs and rank among the units of
its level, the change from the month before, its hot issues and its overdue cases."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.core import clock
from grassroots.insights.drilldown import cases_behind
from grassroots.insights.hot.read import issues_for, unit_name
from grassroots.insights.kpis import kpi_table

from ..errors import staff_view
from .filters import read_filters
from .present import duration, signed_duration

COUNT, RATE, DURATION = "count", "rate", "duration"
COMPARED = (  # (figure, label, kind)
    ("received", gettext_lazy("Received"), COUNT),
    ("dispatched", gettext_lazy("Dispatched"), COUNT),
    ("closed", gettext_lazy("Closed"), COUNT),
    ("overdue_open", gettext_lazy("Overdue"), COUNT),
    ("returned", gettext_lazy("Returned"), COUNT),
    ("reopened", gettext_lazy("Reopened"), COUNT),
    ("excluded", gettext_lazy("Marked as unreasonable demand"), COUNT),
    ("response_rate", gettext_lazy("Response rate"), RATE),
    ("resolution_rate", gettext_lazy("Resolution rate"), RATE),
    ("satisfaction_rate", gettext_lazy("Satisfaction rate"), RATE),
    ("on_time_rate", gettext_lazy("On-time closure rate"), RATE),
    ("handling_median_seconds", gettext_lazy("Handling time, median"), DURATION),
    ("handling_p90_seconds", gettext_lazy("Handling time, p90"), DURATION),
    ("score", gettext_lazy("Composite score"), RATE),
)


def _row(rows: list[dict[str, Any]], code: str) -> dict[str, Any]:
    return next((r for r in rows if r["unit"] == code), {})


def _changes(now: dict[str, Any], before: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for name, label, kind in COMPARED:
        value, previous = now.get(name), before.get(name)
        change = None if value is None or previous is None else value - previous
        item = {
            "name": name,
            "label": label,
            "value": value,
            "previous": previous,
            "change": change,
            "kind": kind,
            "rate": kind == RATE,
        }
        if kind == DURATION:
            item.update(
                value_text=duration(value),
                previous_text=duration(previous),
                change_text=signed_duration(change),
            )
        out.append(item)
    return out


@staff_view
def monthly_report(request: HttpRequest) -> HttpResponse:
    """`?unit=CODE&period=YYYY-MM`: one unit's month, ready to print."""
    f = read_filters(request)
    if f.unit is None or f.period.month is None:
        message = _("Choose a unit and a month (YYYY-MM).")
        return render(request, "web/error.html", {"message": message, "status": 400}, status=400)
    unit, now = f.unit, clock.now()
    rows = kpi_table(unit.level, f.period, unit=None, scope=f.scope, now=now)
    before = kpi_table(unit.level, f.period.previous(), unit=None, scope=f.scope, now=now)
    row = _row(rows, unit.code)
    context = {
        "f": f,
        "unit": unit,
        "unit_name": unit_name(unit),
        "row": row,
        "ranked": sum(1 for r in rows if r["rank"] is not None),
        "changes": _changes(row, _row(before, unit.code)),
        "previous": f.period.previous().label,
        "hot": issues_for(f.period, scope=f.scope, unit=unit, with_cases=False),
        "overdue": cases_behind(unit, "overdue_open", f.period, now=now),
        "printed_at": now,
    }
    return render(request, "web/insights/report.html", context)
