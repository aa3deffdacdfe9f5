"""The insights dashboard: KPI table with drill-down links, trend, ranking and category charts,
the map of unit areas coloured by a rate with the hot spots, and the period's hot issues."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from grassroots.core import clock
from grassroots.geo.models import Area
from grassroots.insights import conf
from grassroots.insights.drilldown import cases_behind
from grassroots.insights.hot.read import issues_for
from grassroots.insights.kpis import kpi_table
from grassroots.insights.series import category_mix, monthly_trend
from grassroots.organizations.enums import UnitLevel

from ..common import map_config
from ..errors import staff_view
from .filters import MAP_LEVELS, RATES, Filters, read_filters
from .present import ANSWER_HEADERS, RATE_LABELS, duration, explained, kpi_label, summary

TOP_RANKED = 20  # bars in the ranking chart (the table lists every unit)


def figures(f: Filters) -> dict[str, Any]:
    """Everything the dashboard shows (and exports) for the filters."""
    month = f.period.month or f.period.start.replace(day=1)
    return {
        "rows": kpi_table(f.level, f.period, unit=f.unit, scope=f.scope, now=clock.now()),
        "trend": monthly_trend(f.scope, f.unit, last=month),
        "categories": category_mix(f.scope, f.unit, f.period),
        "hot": issues_for(f.period, scope=f.scope, unit=f.unit),
    }


def _map_value(row: dict[str, Any], rate: str) -> float | None:
    """The figure a unit's area is coloured by, or None (no figure) when no case is behind it:
    the adjusted rate only where there is a raw one (else it is just the city's average)."""
    if rate == "score":
        return row["score"] if row["received"] - row["excluded"] > 0 else None
    return row[f"{rate}_adjusted"] if row[f"{rate}_rate"] is not None else None


def _figure_text(value: float, rate: str) -> str:
    return f"{value:.3f}" if rate == "score" else f"{value * 100:.1f}%"


def _map_level(level: str) -> str | None:
    if level not in MAP_LEVELS:
        return None
    return level if Area.objects.filter(unit__level=level, unit__is_active=True).exists() else None


def _map_note(level: str) -> str:
    """One line saying why a level has no map."""
    label = UnitLevel(level).label
    if level in MAP_LEVELS:
        return _("No areas of the level “%(level)s” have been imported, so there is no map.") % {
            "level": label
        }
    return _("No map for the level “%(level)s”: the map draws district and street areas only.") % {
        "level": label
    }


def _map_data(f: Filters, rows: list[dict[str, Any]]) -> dict[str, Any]:
    values = {r["unit"]: _map_value(r, f.rate) for r in rows}
    shown = [v for v in values.values() if v is not None]
    scale = [min(shown), max(shown)] if shown else None
    return {
        "values": values,
        "scale": scale,
        "scale_text": [_figure_text(v, f.rate) for v in scale] if scale else None,
        "score": f.rate == "score",
    }


def _ranking(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ranked = sorted((r for r in rows if r["rank"] is not None), key=lambda r: r["rank"])
    return [
        {"rank": r["rank"], "name": r["name"], "score": r["score"]} for r in ranked[:TOP_RANKED]
    ]


def _chart_data(f: Filters, data: dict[str, Any], colours: dict[str, Any]) -> dict[str, Any]:
    return {
        "trend": data["trend"],
        "ranking": _ranking(data["rows"]),
        "categories": data["categories"][:12],
        "rates": colours["values"],
        "scale": colours["scale"],
        "score": colours["score"],
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
            "rank": str(_("Rank")),
            "cases": str(_("Cases")),
            "rate": str(RATE_LABELS[f.rate]),
            "none": str(_("No figure")),
        },
    }


def _table(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with their handling times in words."""
    return [
        {
            **r,
            # a unit with no case kept has only the city's average as a score: not shown
            "has_cases": r["received"] - r["excluded"] > 0,
            "median_text": duration(r["handling_median_seconds"]),
            "p90_text": duration(r["handling_p90_seconds"]),
        }
        for r in rows
    ]


@staff_view
def dashboard(request: HttpRequest) -> HttpResponse:
    """The dashboard for the filters in the URL."""
    f = read_filters(request)
    data = figures(f)
    map_level = _map_level(f.level)
    colours = _map_data(f, data["rows"])
    ranked = sum(1 for r in data["rows"] if r["rank"] is not None)
    context = {
        "f": f,
        "levels": UnitLevel.choices,
        "rates": [(r, RATE_LABELS[r]) for r in RATES],
        "rate_label": RATE_LABELS[f.rate],
        "chart": _chart_data(f, data, colours),
        "map": map_config(level=map_level) if map_level else None,
        "map_note": "" if map_level else _map_note(f.level),
        "scale_text": colours["scale_text"],
        "ranked": ranked,
        "top_ranked": TOP_RANKED,
        "rank_min_cases": conf.load().rank_min_cases,
        "base": urlencode(f.query()),
        **data,
        "rows": _table(data["rows"]),
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
    kpi, now = request.GET.get("kpi", "received"), clock.now()
    cases = explained(kpi, cases_behind(f.unit, kpi, f.period, now=now), now)
    context = {
        "f": f,
        "kpi": kpi,
        "kpi_label": kpi_label(kpi),
        "answer_header": ANSWER_HEADERS.get(kpi),
        "rate_kpi": kpi.endswith("_rate"),
        "summary": summary(kpi, cases),
        "marked": sum(1 for c in cases if c["marked"]),
        "cases": cases,
        "hits": None if not cases or cases[0]["hit"] is None else sum(c["hit"] for c in cases),
        "back": reverse("web:insights") + "?" + urlencode(f.query(unit="")),
        "base": urlencode(f.query()),
    }
    return render(request, "web/insights/cases.html", context)
