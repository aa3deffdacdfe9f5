"""`/api/v1/insights`: the KPI table, the cases behind a figure, unreasonable-demand marks,
hot issues and governance projects."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from grassroots.accounts.auth import STAFF
from grassroots.cases.permissions import access_case
from grassroots.core import clock
from grassroots.organizations.enums import UnitLevel

from . import schemas as s
from . import services
from .drilldown import cases_behind, mark_out
from .errors import InsightsError, InsightsErrorCode
from .hot.read import issues_for, visible_issue
from .kpis import kpi_table
from .periods import parse_period
from .permissions import viewer_scope, visible_unit
from .projects import services as projects_services
from .projects.read import (
    access_project,
    category_by_code,
    project_out,
    unit_by_code,
    visible_projects,
)

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


@router.get("/hot-issues", response=s.HotIssues, auth=STAFF)
def hot_issues(request: HttpRequest, period: str, unit: str | None = None) -> dict[str, Any]:
    """The hot issues last computed for `period` (`grassroots insights hot`), hottest first,
    in the units the viewer may see (under `unit`), each with the cases behind it."""
    scope = viewer_scope(_user(request))
    parent = visible_unit(scope, unit) if unit else None
    found = issues_for(parse_period(period), scope=scope, unit=parent)
    computed = max((i["computed_at"] for i in found), default=None)
    return {"period": period, "unit": unit, "computed_at": computed, "issues": found}


def _month(text: str) -> date:
    period = parse_period(text)
    if period.month is None:
        raise InsightsError(InsightsErrorCode.BAD_PERIOD, _("month: give YYYY-MM."), status=422)
    return period.month


def _project(request: HttpRequest, project_id: int) -> Any:
    return access_project(viewer_scope(_user(request)), project_id)


def _out(project: Any) -> dict[str, Any]:
    return project_out(project, now=clock.now())


@router.get("/projects", response=list[s.ProjectOut], auth=STAFF)
def projects(request: HttpRequest, month: str | None = None) -> list[dict[str, Any]]:
    """Topic-of-the-month projects the viewer may see (of `month`), without their figures."""
    found = visible_projects(viewer_scope(_user(request)), month=_month(month) if month else None)
    return [project_out(p, now=clock.now(), figures=False) for p in found]


@router.post("/projects", response={201: s.ProjectOut}, auth=STAFF)
def create_project(request: HttpRequest, body: s.ProjectIn) -> Status:
    """A supervisor makes a category in an area the topic of a month."""
    draft = projects_services.ProjectDraft(
        title=body.title,
        month=_month(body.month),
        lead_unit=unit_by_code(body.lead_unit, "lead_unit"),
        area=unit_by_code(body.area, "area"),
        category=category_by_code(body.category),
        description=body.description,
    )
    return Status(201, _out(projects_services.create_project(draft, actor=_user(request))))


@router.post("/hot-issues/{int:issue_id}/project", response={201: s.ProjectOut}, auth=STAFF)
def project_from_issue(request: HttpRequest, issue_id: int, body: s.ProjectFromIssueIn) -> Status:
    """A supervisor turns a hot issue into a project (its place, its cases' main category)."""
    issue = visible_issue(viewer_scope(_user(request)), issue_id)
    project = projects_services.project_from_issue(
        issue,
        lead_unit=unit_by_code(body.lead_unit, "lead_unit"),
        month=_month(body.month),
        title=body.title,
        category=category_by_code(body.category) if body.category else None,
        actor=_user(request),
    )
    return Status(201, _out(project))


@router.get("/projects/{int:project_id}", response=s.ProjectOut, auth=STAFF)
def project(request: HttpRequest, project_id: int) -> dict[str, Any]:
    """One project with its actions, milestones and before/after figures."""
    return _out(_project(request, project_id))


@router.post("/projects/{int:project_id}/actions", response=s.ProjectOut, auth=STAFF)
def add_action(request: HttpRequest, project_id: int, body: s.ActionIn) -> dict[str, Any]:
    """Add an action (by a unit, by a date)."""
    target = _project(request, project_id)
    unit = unit_by_code(body.unit, "unit") if body.unit else None
    projects_services.add_action(
        target, text=body.text, unit=unit, due=body.due, actor=_user(request)
    )
    return _out(target)


@router.post(
    "/projects/{int:project_id}/actions/{int:action_id}/done", response=s.ProjectOut, auth=STAFF
)
def complete_action(request: HttpRequest, project_id: int, action_id: int) -> dict[str, Any]:
    """Mark an action done."""
    target = _project(request, project_id)
    action = target.actions.filter(pk=action_id).first()
    if action is None:
        raise InsightsError(InsightsErrorCode.NOT_FOUND, _("No such action."), status=404)
    projects_services.complete_action(action, actor=_user(request))
    return _out(target)


@router.post("/projects/{int:project_id}/milestones", response=s.ProjectOut, auth=STAFF)
def add_milestone(request: HttpRequest, project_id: int, body: s.MilestoneIn) -> dict[str, Any]:
    """Add a dated milestone."""
    target = _project(request, project_id)
    projects_services.add_milestone(target, title=body.title, due=body.due, actor=_user(request))
    return _out(target)


@router.post(
    "/projects/{int:project_id}/milestones/{int:milestone_id}/reached",
    response=s.ProjectOut,
    auth=STAFF,
)
def reach_milestone(request: HttpRequest, project_id: int, milestone_id: int) -> dict[str, Any]:
    """Record that a milestone is reached."""
    target = _project(request, project_id)
    milestone = target.milestones.filter(pk=milestone_id).first()
    if milestone is None:
        raise InsightsError(InsightsErrorCode.NOT_FOUND, _("No such milestone."), status=404)
    projects_services.reach_milestone(milestone, actor=_user(request))
    return _out(target)


@router.post("/projects/{int:project_id}/status", response=s.ProjectOut, auth=STAFF)
def set_status(request: HttpRequest, project_id: int, body: s.StatusIn) -> dict[str, Any]:
    """Move the project to planned, active or done."""
    target = _project(request, project_id)
    projects_services.set_project_status(target, status=body.status, actor=_user(request))
    return _out(target)
