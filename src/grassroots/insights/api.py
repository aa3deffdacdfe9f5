"""`/api/v1/insights`: the KPI table, the cases behind a figure, unreasonable-demand marks."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from grassroots.accounts.auth import STAFF
from grassroots.cases.permissions import access_case
from grassroots.core import clock
from grassroots.organizations.enums import UnitLevel

from . import schemas as s
from . import services
from .drilldown import cases_behind, mark_out
from .errors import InsightsError, InsightsErrorCode
from .kpis import kpi_table
from .periods import parse_period
from .permissions import viewer_scope, visible_unit

router = Router(tags=["insights"])


def _user(request: HttpRequest) -> Any:
    if getattr(request.user, "is_authenticated", False):
        return request.user
    return getattr(request, "auth", None)


def _level(level: str) -> str:
    if level not in UnitLevel.values:
        raise InsightsError(
            InsightsErrorCode.INVALID,
            _("level: one of %s.") % ", ".join(UnitLevel.values),
            status=422,
        )
    return level


@router.get("/kpis", response=s.KpiTable, auth=STAFF)
def kpis(request: HttpRequest, level: str, period: str, unit: str | None = None) -> dict[str, Any]:
    """One row per unit of `level` (under `unit`) for `period`: counts, rates raw and
    adjusted toward the city average, handling-time quantiles, score, rank, change."""
    scope = viewer_scope(_user(request))
    parent = visible_unit(scope, unit) if unit else None
    rows = kpi_table(_level(level), parse_period(period), unit=parent, scope=scope, now=clock.now())
    return {"level": level, "period": period, "unit": unit, "rows": rows}


@router.get("/kpis/{unit}/cases", response=s.CasesBehind, auth=STAFF)
def kpi_cases(request: HttpRequest, unit: str, kpi: str, period: str) -> dict[str, Any]:
    """The exact cases behind one figure of `unit` (and its subtree) for `period`."""
    target = visible_unit(viewer_scope(_user(request)), unit)
    cases = cases_behind(target, kpi, parse_period(period), now=clock.now())
    hits = None if not cases or cases[0]["hit"] is None else sum(1 for c in cases if c["hit"])
    return {
        "unit": unit,
        "kpi": kpi,
        "period": period,
        "count": len(cases),
        "hits": hits,
        "cases": cases,
    }


def _state(mark: Any) -> dict[str, Any]:
    return {
        "case": mark.case.pk,
        "tracking_code": mark.case.tracking_code,
        "unreasonable": mark_out(mark),
    }


@router.post("/cases/{int:case_id}/unreasonable", response=s.MarkState, auth=STAFF)
def mark_case(request: HttpRequest, case_id: int, body: s.MarkIn) -> dict[str, Any]:
    """A supervisor marks a case as an unreasonable demand (out of the rates, audited)."""
    case = access_case(_user(request), case_id)
    return _state(services.mark_unreasonable(case, reason=body.reason, actor=_user(request)))


@router.post("/cases/{int:case_id}/unreasonable/withdraw", response=s.MarkState, auth=STAFF)
def unmark_case(request: HttpRequest, case_id: int, body: s.MarkIn) -> dict[str, Any]:
    """A supervisor withdraws the mark (the case counts in the rates again, audited)."""
    case = access_case(_user(request), case_id)
    return _state(services.withdraw_mark(case, reason=body.reason, actor=_user(request)))
