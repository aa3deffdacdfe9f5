"""The insights dashboard: KPI table with drill-down links, trend, ranking and category charts,
the map of unit areas coloured by a rate with the hot spots, and the period's hot issues."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from grassroots.core import clock
from grassroots.insights.drilldown import cases_behind
from grassroots.insights.hot.read import issues_for
from grassroots.insights.kpis import kpi_table
from grassroots.insights.series import category_mix, monthly_trend
from grassroots.organizations.enums import UnitLevel

from ..common import map_config
from ..errors import staff_view
from .filters import MAP_LEVELS, RATES, Filters, read_filters

RATE_LABELS = {
    "score": _("Composite score"),
    "response": _("Response rate"),
    "resolution": _("Resolution rate"),
    "satisfaction": _("Satisfaction rate"),
    "on_time": _("On-time closure rate"),
}


def figures(f: Filters) -> dict[str, Any]:
    """Everything the dashboard shows (and exports) for the filters."""
    month = f.period.month or f.period.start.replace(day=1)
    return {
        "rows": kpi_table(f.level, f.period, unit=f.unit, scope=f.scope, now=clock.now()),
        "trend": monthly_trend(f.scope, f.unit, last=month),
        "categories": category_mix(f.scope, f.unit, f.period),
        "hot": issues_for(f.period, scope=f.scope, unit=f.unit),
    }


def _rate_value(row: dict[str, Any], rate: str) -> float | None:
    return row["score"] if rate == "score" else row[f"{rate}_adjusted"]


def _chart_data(f: Filters, data: dict[str, Any]) -> dict[str, Any]:
    ranked = [r for r in data["rows"] if r["score"] is not None][:20]
    return {
        "trend": data["trend"],
        "ranking": [{"name": r["name"], "score": r["score"]} for r in ranked],
        "categories": data["categories"][:12],
        "rates": {r["unit"]: _rate_value(r, f.rate) for r in data["rows"]},
        "hot": [
            {
                "lat": h["lat"],
                "lng": h["lng"],
                "unit": h["unit"],
                "title": h["title"],
                "heat": h["heat"],
            }
            for h in data["hot"]
        ],
        "labels": {
            "received": str(_("Received")),
            "closed": str(_("Closed")),
            "resolution": str(_("Resolution rate")),
            "satisfaction": str(_("Satisfaction rate")),
            "score": str(_("Composite score")),
            "cases": str(_("Cases")),
            "rate": str(RATE_LABELS[f.rate]),
            "none": str(_("No figure")),
        },
    }


@staff_view
def dashboard(request: HttpRequest) -> HttpResponse:
    """The dashboard for the filters in the URL."""
    f = read_filters(request)
    data = figures(f)
    map_level = f.level if f.level in MAP_LEVELS else UnitLevel.STREET
    context = {
        "f": f,
        "levels": UnitLevel.choices,
        "rates": [(r, RATE_LABELS[r]) for r in RATES],
        "chart": _chart_data(f, data),
        "map": map_config(level=map_level),
        "base": urlencode(f.query()),
        **data,
    }
    return render(request, "web/insights/dashboard.html", context)


@staff_view
def drilldown(request: HttpRequest) -> HttpResponse:
    """The exact cases behind one figure of the table, with links to the cases."""
    f = read_filters(request)
    if f.unit is None:
        return render(
            request, "web/error.html", {"message": _("Choose a unit."), "status": 400}, status=400
        )
    kpi = request.GET.get("kpi", "received")
    cases = cases_behind(f.unit, kpi, f.period, now=clock.now())
    context = {
        "f": f,
        "kpi": kpi,
        "cases": cases,
        "hits": None if not cases or cases[0]["hit"] is None else sum(c["hit"] for c in cases),
        "back": reverse("web:insights") + "?" + urlencode(f.query(unit="")),
        "base": urlencode(f.query()),
    }
    return render(request, "web/insights/cases.html", context)
