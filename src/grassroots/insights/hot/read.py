"""Reading stored hot issues for a viewer: the period's issues in the units they may see,
each with the cases behind it."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from grassroots.organizations.models import Unit
from grassroots.organizations.querysets import subtree_q

from ..errors import InsightsError, InsightsErrorCode
from ..kpis import Scope
from ..models import HotIssue, HotIssueCase
from ..periods import Period


def _visible(scope: Scope, unit: Unit | None) -> Q:
    where = Q()
    if unit is not None:
        where &= subtree_q(unit.path, "unit__path")
    if scope.paths is not None:
        mine = Q(pk__in=[])
        for path in scope.paths:
            mine |= subtree_q(path, "unit__path")
        where &= mine  # an issue placed nowhere (the whole city) only for city-wide viewers
    return where


def unit_name(unit: Unit | None) -> str:
    if unit is None:
        return ""
    zh = (get_language() or "").startswith("zh")
    return (unit.name_zh or unit.name_en) if zh else (unit.name_en or unit.name_zh)


def issues_for(
    period: Period, *, scope: Scope, unit: Unit | None = None, with_cases: bool = True
) -> list[dict[str, Any]]:
    """The stored hot issues of `period` the viewer may see (under `unit`), hottest first."""
    issues = list(
        HotIssue.objects.filter(_visible(scope, unit), period=period.label)
        .select_related("unit")
        .order_by("rank")
    )
    members: dict[int, list[dict[str, Any]]] = {}
    if with_cases:
        for m in (
            HotIssueCase.objects.filter(issue__in=issues)
            .select_related("case", "case__unit")
            .order_by("issue_id", "-closeness", "case_id")
        ):
            members.setdefault(m.issue_id, []).append(_case(m))
    return [_issue(issue, members.get(issue.pk, [])) for issue in issues]


def _case(member: HotIssueCase) -> dict[str, Any]:
    case = member.case
    return {
        "id": case.pk,
        "tracking_code": case.tracking_code,
        "subject": case.subject,
        "status": case.status,
        "unit": case.unit.code if case.unit else "",
        "received_at": case.received_at,
        "closeness": member.closeness,
    }


def _issue(issue: HotIssue, cases: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": issue.pk,
        "rank": issue.rank,
        "title": issue.title,
        "keywords": issue.keywords,
        "unit": issue.unit.code if issue.unit else None,
        "unit_name": unit_name(issue.unit),
        "lat": issue.lat,
        "lng": issue.lng,
        "first_at": issue.first_at,
        "last_at": issue.last_at,
        "reports": issue.reports,
        "residents": issue.residents,
        "support": issue.support,
        "growth": issue.growth,
        "open_reports": issue.open_reports,
        "open_days": issue.open_days,
        "heat": issue.heat,
        "computed_at": issue.computed_at,
        "cases": cases,
    }


def visible_issue(scope: Scope, issue_id: int) -> HotIssue:
    """The stored issue if the viewer may see it; else 404."""
    issue = (
        HotIssue.objects.filter(_visible(scope, None), pk=issue_id).select_related("unit").first()
    )
    if issue is None:
        raise InsightsError(InsightsErrorCode.NOT_FOUND, _("No such hot issue."), status=404)
    return issue
