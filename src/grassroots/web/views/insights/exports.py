"""Every table and chart of the dashboard as CSV or XLSX (through `core.exports`, which
neutralises text a spreadsheet would run as a formula)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from grassroots.core import clock
from grassroots.core.exports import csv_bytes, xlsx_bytes
from grassroots.insights.drilldown import cases_behind
from grassroots.insights.facts import zone
from grassroots.insights.models import COUNTERS

from ..errors import staff_view
from .dashboard import figures
from .filters import Filters, read_filters
from .present import explained

Table = tuple[Sequence[str], Iterable[Sequence[Any]]]

KPI_COLUMNS = (
    "unit", "name", "rank", "score", "score_change", *COUNTERS, "overdue_open",
    "response_rate", "response_adjusted", "resolution_rate", "resolution_adjusted",
    "satisfaction_rate", "satisfaction_adjusted", "on_time_rate", "on_time_adjusted",
    "handling_median_seconds", "handling_p90_seconds",
)  # fmt: skip
TREND_COLUMNS = ("month", "received", "closed", "resolution_rate", "satisfaction_rate")
CATEGORY_COLUMNS = ("category", "name", "cases")
HOT_COLUMNS = (
    "rank", "title", "keywords", "unit", "unit_name", "first_at", "last_at", "reports",
    "residents", "support", "growth", "open_reports", "open_days", "heat",
)  # fmt: skip
# `weight`: what the case adds to the rate's numerator (1/0, a satisfaction answer's weight);
# `answer`: the per-case answer behind the figure; `marked`: an active unreasonable-demand mark.
CASE_COLUMNS = (
    "id", "tracking_code", "subject", "status", "unit", "received_at", "closed_at", "hit",
    "weight", "answer", "handling_seconds", "marked",
)  # fmt: skip


def _local(value: Any) -> Any:
    return value.astimezone(zone()) if hasattr(value, "astimezone") and value else value


def _rows(items: list[dict[str, Any]], columns: Sequence[str]) -> list[list[Any]]:
    out = []
    for item in items:
        row = []
        for column in columns:
            value = item.get(column)
            row.append(", ".join(value) if isinstance(value, list) else _local(value))
        out.append(row)
    return out


def _dashboard(name: str) -> Callable[[Filters, HttpRequest], Table]:
    columns = {
        "kpis": ("rows", KPI_COLUMNS),
        "trend": ("trend", TREND_COLUMNS),
        "categories": ("categories", CATEGORY_COLUMNS),
        "hot": ("hot", HOT_COLUMNS),
    }[name]

    def table(f: Filters, request: HttpRequest) -> Table:
        return columns[1], _rows(figures(f)[columns[0]], columns[1])

    return table


def _cases(f: Filters, request: HttpRequest) -> Table:
    if f.unit is None:
        raise Http404
    kpi, now = request.GET.get("kpi", "received"), clock.now()
    found = explained(kpi, cases_behind(f.unit, kpi, f.period, now=now), now)
    return CASE_COLUMNS, _rows(found, CASE_COLUMNS)


TABLES: dict[str, Callable[[Filters, HttpRequest], Table]] = {
    "kpis": _dashboard("kpis"),
    "trend": _dashboard("trend"),
    "categories": _dashboard("categories"),
    "hot": _dashboard("hot"),
    "cases": _cases,
}
TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@staff_view
def export(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    """One table of the dashboard (or a drill-down list) for the filters in the URL."""
    if name not in TABLES or fmt not in TYPES:
        raise Http404
    f = read_filters(request)
    header, rows = TABLES[name](f, request)
    body = csv_bytes(header, rows) if fmt == "csv" else xlsx_bytes(header, rows, title=name)
    response = HttpResponse(body, content_type=TYPES[fmt])
    filename = f"insights-{name}-{f.period.label}.{fmt}".replace("..", "_")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
