"""Projects as a viewer sees them: those whose area or lead unit is in the viewer's scope."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from grassroots.cases.models import Category
from grassroots.organizations.models import Unit

from ..errors import InsightsError, InsightsErrorCode
from ..hot.read import unit_name
from ..kpis import Scope
from ..models import GovernanceProject
from .figures import before_after


def _in_scope(scope: Scope) -> Q:
    if scope.paths is None:
        return Q()
    where = Q(pk__in=[])
    for path in scope.paths:
        where |= Q(area__path__startswith=path) | Q(lead_unit__path__startswith=path)
    return where


def visible_projects(scope: Scope, *, month: date | None = None) -> list[GovernanceProject]:
    """The projects the viewer may see (of `month`), newest month first."""
    qs = GovernanceProject.objects.filter(_in_scope(scope)).select_related(
        "area", "lead_unit", "category"
    )
    if month is not None:
        qs = qs.filter(month=month)
    return list(qs.order_by("-month", "id"))


def access_project(scope: Scope, project_id: int) -> GovernanceProject:
    """The project if the viewer may see it; else 404."""
    project = (
        GovernanceProject.objects.filter(_in_scope(scope), pk=project_id)
        .select_related("area", "lead_unit", "category")
        .first()
    )
    if project is None:
        raise InsightsError(InsightsErrorCode.NOT_FOUND, _("No such project."), status=404)
    return project


def unit_by_code(code: str, field: str) -> Unit:
    unit = Unit.objects.filter(code=code).first() if "\x00" not in code else None
    if unit is None:
        raise InsightsError(InsightsErrorCode.INVALID, _("%s: no such unit.") % field, status=422)
    return unit


def category_by_code(code: str) -> Category:
    category = Category.objects.filter(code=code).first() if "\x00" not in code else None
    if category is None:
        raise InsightsError(InsightsErrorCode.INVALID, _("category: no such category."), status=422)
    return category


def project_out(
    project: GovernanceProject, *, now: datetime, figures: bool = True
) -> dict[str, Any]:
    """The project with its actions, milestones and (when asked) before/after figures."""
    return {
        "id": project.pk,
        "title": project.title,
        "description": project.description,
        "month": f"{project.month:%Y-%m}",
        "status": project.status,
        "status_label": project.get_status_display(),
        "lead_unit": project.lead_unit.code,
        "lead_unit_name": unit_name(project.lead_unit),
        "area": project.area.code,
        "area_name": unit_name(project.area),
        "category": project.category.code,
        "category_name": project.category.name,
        "hot_issue": project.hot_issue_id,
        "actions": [
            {"id": a.pk, "text": a.text, "unit": a.unit.code if a.unit else None,
             "due": a.due, "done_at": a.done_at}
            for a in project.actions.select_related("unit").order_by("id")
        ],
        "milestones": [
            {"id": m.pk, "title": m.title, "due": m.due, "reached_at": m.reached_at}
            for m in project.milestones.order_by("due", "id")
        ],
        "figures": before_after(project, now=now) if figures else None,
    }  # fmt: skip
