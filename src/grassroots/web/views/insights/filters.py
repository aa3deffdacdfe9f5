"""The dashboard's filters, read from the URL (so a view can be bookmarked and shared)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from grassroots.core import clock
from grassroots.insights.facts import zone
from grassroots.insights.kpis import Scope
from grassroots.insights.periods import Period, parse_period
from grassroots.insights.permissions import viewer_scope, visible_unit
from grassroots.organizations.enums import UnitLevel
from grassroots.organizations.models import Unit

RATES = ("score", "response", "resolution", "satisfaction", "on_time")
MAP_LEVELS = (UnitLevel.DISTRICT, UnitLevel.STREET)


@dataclass(frozen=True)
class Filters:
    """Period, level, unit and the rate the map is coloured by; `scope` is the viewer's."""

    period: Period
    level: str
    unit: Unit | None
    rate: str
    scope: Scope

    def query(self, **changes: Any) -> dict[str, str]:
        values = {
            "period": self.period.label,
            "level": self.level,
            "unit": self.unit.code if self.unit else "",
            "rate": self.rate,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v}


def this_month() -> str:
    return f"{clock.now().astimezone(zone()):%Y-%m}"


def read_filters(request: HttpRequest) -> Filters:
    """The filters in the URL; a bad period or unknown unit is a 4xx page (DomainError)."""
    scope = viewer_scope(request.user)
    level = request.GET.get("level", UnitLevel.STREET)
    code = request.GET.get("unit", "").strip()
    rate = request.GET.get("rate", "score")
    return Filters(
        period=parse_period(request.GET.get("period") or this_month()),
        level=level if level in UnitLevel.values else UnitLevel.STREET,
        unit=visible_unit(scope, code) if code else None,
        rate=rate if rate in RATES else "score",
        scope=scope,
    )
