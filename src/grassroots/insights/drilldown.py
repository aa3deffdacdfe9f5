"""The exact cases behind a figure of the KPI table: the same facts, listed.

Counters list the cases they count. Rates list their denominator, each case with `hit`
telling whether it is in the numerator. Marked cases always carry their mark.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from grassroots.organizations.models import Unit
from grassroots.organizations.querysets import subtree_q

from .errors import InsightsError, InsightsErrorCode
from .models import COUNTERS, CaseFact, DemandMark
from .periods import Period


@dataclass(frozen=True)
class Figure:
    """Which facts a KPI counts (`base`) and, for a rate, which of them are hits."""

    base: Q
    hit: Q | None = None


def figures(now: datetime) -> dict[str, Figure]:
    overdue = Q(open_due__lt=now)
    table = {name: Figure(Q(**{name: 1})) for name in COUNTERS}
    table.update(
        {
            "overdue_open": Figure(overdue),
            "response_rate": Figure(Q(response_base=1), Q(responded_on_time=1)),
            "resolution_rate": Figure(Q(followed_up=1), Q(resolved=1)),
            "satisfaction_rate": Figure(Q(rated=1), Q(satisfied=1) | Q(basic=1)),
            "on_time_rate": Figure(Q(closed=1) | overdue, Q(closed_on_time=1)),
            # the share that counts against the score: kept cases, hits the open overdue ones
            "overdue_rate": Figure(Q(excluded=0), overdue),
            "handling_time": Figure(Q(handled=1)),
        }
    )
    return table


KPI_NAMES = (
    *COUNTERS,
    "overdue_open",
    "response_rate",
    "resolution_rate",
    "satisfaction_rate",
    "on_time_rate",
    "overdue_rate",
    "handling_time",
)


def mark_out(mark: DemandMark | None) -> dict[str, Any] | None:
    if mark is None:
        return None
    return {
        "reason": mark.reason,
        "marked_by": getattr(mark.marked_by, "username", ""),
        "marked_at": mark.marked_at,
        "active": mark.active,
    }


def cases_behind(unit: Unit, kpi: str, period: Period, *, now: datetime) -> list[dict[str, Any]]:
    """Every case behind `kpi` for `unit`'s subtree in `period`, oldest first."""
    figure = figures(now).get(kpi)
    if figure is None:
        raise InsightsError(
            InsightsErrorCode.UNKNOWN_KPI,
            _("kpi: “%(kpi)s” is not one of %(names)s.")
            % {"kpi": kpi[:40], "names": ", ".join(KPI_NAMES)},
            status=422,
        )
    facts = (
        CaseFact.objects.filter(
            subtree_q(unit.path, "unit__path"), day__gte=period.start, day__lt=period.end
        )
        .filter(figure.base)
        .select_related("case", "unit", "case__demand_mark__marked_by")
        .order_by("case__received_at", "case_id")
    )
    hits = (
        set(facts.filter(figure.hit).values_list("case_id", flat=True))
        if figure.hit is not None
        else None
    )
    return [_item(fact, hits) for fact in facts]


def _item(fact: CaseFact, hits: set[int] | None) -> dict[str, Any]:
    case = fact.case
    mark = getattr(case, "demand_mark", None)
    return {
        "id": case.pk,
        "tracking_code": case.tracking_code,
        "subject": case.subject,
        "status": case.status,
        "unit": fact.unit.code,
        "received_at": case.received_at,
        "closed_at": case.closed_at,
        "handling_seconds": fact.handling_seconds,
        "hit": None if hits is None else case.pk in hits,
        "unreasonable": mark_out(mark),
    }
