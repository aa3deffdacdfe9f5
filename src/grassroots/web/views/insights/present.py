"""How the insights pages show a figure: the KPIs' labels, handling times in words, and the
per-case answer behind a rate, so that a drill-down list rebuilds the figure it explains."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.cases.enums import CaseStatus, Satisfaction
from grassroots.insights import conf
from grassroots.insights.models import CaseFact
from grassroots.insights.scoring import quantile

RATE_LABELS: dict[str, Promise] = {
    "score": gettext_lazy("Composite score"),
    "response": gettext_lazy("Response rate"),
    "resolution": gettext_lazy("Resolution rate"),
    "satisfaction": gettext_lazy("Satisfaction rate"),
    "on_time": gettext_lazy("On-time closure rate"),
}

# Every figure a drill-down may be asked for, named as the dashboard names it.
KPI_LABELS: dict[str, Promise] = {
    "received": gettext_lazy("Received"),
    "dispatched": gettext_lazy("Dispatched"),
    "excluded": gettext_lazy("Marked as unreasonable demand"),
    "response_base": gettext_lazy("Dispatched, not marked (response rate's base)"),
    "responded_on_time": gettext_lazy("Responded on time"),
    "followed_up": gettext_lazy("Followed up"),
    "resolved": gettext_lazy("Resolved"),
    "rated": gettext_lazy("Rated"),
    "satisfied": gettext_lazy("Satisfied"),
    "basic": gettext_lazy("Basically satisfied"),
    "unsatisfied": gettext_lazy("Not satisfied"),
    "closed": gettext_lazy("Closed"),
    "closed_on_time": gettext_lazy("Closed on time"),
    "returned": gettext_lazy("Returned"),
    "reopened": gettext_lazy("Reopened"),
    "handled": gettext_lazy("Closed with a handling time"),
    "overdue_open": gettext_lazy("Overdue"),
    "response_rate": RATE_LABELS["response"],
    "resolution_rate": RATE_LABELS["resolution"],
    "satisfaction_rate": RATE_LABELS["satisfaction"],
    "on_time_rate": RATE_LABELS["on_time"],
    "overdue_rate": gettext_lazy("Overdue share"),
    "handling_time": gettext_lazy("Handling time"),
}

# The column a drill-down list adds for a figure: the per-case answer behind it.
ANSWER_HEADERS: dict[str, Promise] = {
    "response_rate": gettext_lazy("First contact on time"),
    "resolution_rate": gettext_lazy("Resolved (resident's verdict)"),
    "satisfaction_rate": gettext_lazy("Satisfaction answer (weight)"),
    "on_time_rate": gettext_lazy("Closure"),
    "overdue_open": gettext_lazy("Resolve deadline"),
    "overdue_rate": gettext_lazy("Open and overdue"),
    "handling_time": gettext_lazy("Handling time"),
}

_FACT_FIELDS = (
    "case_id", "responded_on_time", "resolved", "satisfied", "basic", "unsatisfied",
    "closed", "closed_on_time", "open_due", "handling_seconds",
)  # fmt: skip
_CHUNK = 5000


def kpi_label(kpi: str) -> str:
    return str(KPI_LABELS.get(kpi, kpi))


def duration(seconds: float | None) -> str:
    """A handling time in words: minutes under an hour, hours under two days, else days."""
    if seconds is None:
        return "–"
    if seconds < 3600:
        return _("%(n)s min") % {"n": round(seconds / 60)}
    if seconds < 48 * 3600:
        return _("%(n)s h") % {"n": f"{seconds / 3600:.1f}"}
    return _("%(n)s d") % {"n": f"{seconds / 86400:.1f}"}


def signed_duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return ("+" if seconds > 0 else "−" if seconds < 0 else "") + duration(abs(seconds))


def _facts(ids: list[int]) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), _CHUNK):
        part = ids[start : start + _CHUNK]
        for row in CaseFact.objects.filter(case_id__in=part).values(*_FACT_FIELDS):
            found[row["case_id"]] = row
    return found


def _yes_no(value: bool) -> str:
    return str(_("yes") if value else _("no"))


def _answer(kpi: str, fact: dict[str, Any], weights: dict[str, float], now: datetime) -> Any:
    """(code for the export, text for the page, amount counted in the numerator or None)."""
    if kpi == "satisfaction_rate":
        for name in ("satisfied", "basic", "unsatisfied"):
            if fact[name]:
                weight = weights.get(name, 0.0)
                return name, f"{Satisfaction(name).label} ({weight:g})", weight
        return "", "–", 0.0
    if kpi == "resolution_rate":
        return ("resolved" if fact["resolved"] else "unresolved"), _yes_no(fact["resolved"]), None
    if kpi == "response_rate":
        on_time = bool(fact["responded_on_time"])
        return ("on_time" if on_time else "late"), _yes_no(on_time), None
    if kpi == "on_time_rate":
        if fact["closed_on_time"]:
            return "closed_on_time", str(_("closed on time")), None
        if fact["closed"]:
            return "closed_late", str(_("closed late")), None
        return "open_overdue", str(_("open, overdue")), None
    if kpi == "overdue_rate":
        overdue = fact["open_due"] is not None and fact["open_due"] < now
        return ("overdue" if overdue else ""), _yes_no(overdue), None
    if kpi == "overdue_open":
        return fact["open_due"], fact["open_due"], None
    if kpi == "handling_time":
        return fact["handling_seconds"], duration(fact["handling_seconds"]), None
    return "", "", None


def explained(kpi: str, cases: Iterable[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    """The drill-down's cases with their status label, mark and the answer behind `kpi`."""
    items = list(cases)
    facts = _facts([c["id"] for c in items]) if kpi in ANSWER_HEADERS else {}
    weights = conf.load().satisfaction_weights if kpi == "satisfaction_rate" else {}
    out = []
    for case in items:
        mark = case.get("unreasonable")
        fact = facts.get(case["id"])
        code, text, weight = _answer(kpi, fact, weights, now) if fact else ("", "", None)
        if weight is None and case.get("hit") is not None:
            weight = 1.0 if case["hit"] else 0.0
        out.append(
            {
                **case,
                "status_label": _status_label(case["status"]),
                "marked": bool(mark and mark.get("active")),
                "answer": code,
                "answer_text": text,
                "weight": weight,
            }
        )
    return out


def _status_label(status: str) -> str:
    try:
        return str(CaseStatus(status).label)
    except ValueError:
        return status


def summary(kpi: str, cases: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The figure rebuilt from the list: hits (or weights) over the cases, or the quantiles."""
    if kpi == "handling_time":
        times = Counter(c["handling_seconds"] for c in cases if c["handling_seconds"] is not None)
        if not times:
            return None
        return {
            "kind": "duration",
            "median": duration(quantile(times, 0.5)),
            "p90": duration(quantile(times, 0.9)),
        }
    weights = [c["weight"] for c in cases if c["weight"] is not None]
    if not weights or len(weights) != len(cases):
        return None
    total = sum(weights)
    return {
        "kind": "rate",
        "hits": total,
        "hits_text": f"{round(total, 4):g}",
        "base": len(cases),
        "rate": total / len(cases),
    }
