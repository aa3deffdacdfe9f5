"""Topic-of-the-month pages: the list (and a form to start one), a project with its
before/after chart, actions and milestones, and the steps, each one service call."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grassroots.cases.models import Category
from grassroots.core import clock
from grassroots.core.errors import DomainError
from grassroots.insights.errors import InsightsError, InsightsErrorCode
from grassroots.insights.hot.read import visible_issue
from grassroots.insights.models import ProjectStatus
from grassroots.insights.periods import parse_period
from grassroots.insights.permissions import viewer_scope
from grassroots.insights.projects import services
from grassroots.insights.projects.read import (
    access_project,
    category_by_code,
    project_out,
    unit_by_code,
    visible_projects,
)

from ..errors import staff_view
from .filters import this_month


def _month(text: str) -> date:
    period = parse_period(text)
    if period.month is None:
        raise InsightsError(InsightsErrorCode.BAD_PERIOD, _("month: give YYYY-MM."), status=422)
    return period.month


@staff_view
def project_list(request: HttpRequest) -> HttpResponse:
    """The projects the viewer may see; a supervisor starts one with the form (POST)."""
    scope = viewer_scope(request.user)
    form = {"month": this_month()}
    if request.method == "POST":
        form = request.POST.dict()
        try:
            draft = services.ProjectDraft(
                title=form.get("title", ""),
                month=_month(form.get("month", "")),
                lead_unit=unit_by_code(form.get("lead_unit", ""), _("lead unit")),
                area=unit_by_code(form.get("area", ""), _("area")),
                category=category_by_code(form.get("category", "")),
                description=form.get("description", ""),
            )
            project = services.create_project(draft, actor=request.user)
            return redirect("web:insights_project", project_id=project.pk)
        except DomainError as error:
            messages.error(request, error.message)
    context = {
        "projects": [
            project_out(p, now=clock.now(), figures=False) for p in visible_projects(scope)
        ],
        "categories": Category.objects.filter(is_active=True).order_by("code"),
        "form": form,
    }
    return render(request, "web/insights/projects.html", context)


@staff_view
def project_page(request: HttpRequest, project_id: int) -> HttpResponse:
    """One project: figures before and after, actions, milestones, status."""
    project = access_project(viewer_scope(request.user), project_id)
    out = project_out(project, now=clock.now())
    chart = {
        "months": out["figures"]["months"],
        "start": out["month"],
        "labels": {"before": _("Before"), "after": _("After"), "cases": _("Cases")},
    }
    context = {"p": out, "chart": chart, "statuses": ProjectStatus.choices}
    return render(request, "web/insights/project.html", context)


def _step(step: str, project: Any, data: dict[str, str], user: Any) -> None:
    if step == "action":
        unit = unit_by_code(data["unit"], _("unit")) if data.get("unit") else None
        due = parse_period(data["due"]).start if data.get("due") else None
        services.add_action(project, text=data.get("text", ""), unit=unit, due=due, actor=user)
    elif step == "milestone":
        due = parse_period(data.get("due", "")).start
        services.add_milestone(project, title=data.get("title", ""), due=due, actor=user)
    elif step == "status":
        services.set_project_status(project, status=data.get("status", ""), actor=user)
    elif step == "done":
        action = project.actions.filter(pk=int(data.get("id") or 0)).first()
        if action is None:
            raise Http404
        services.complete_action(action, actor=user)
    elif step == "reached":
        milestone = project.milestones.filter(pk=int(data.get("id") or 0)).first()
        if milestone is None:
            raise Http404
        services.reach_milestone(milestone, actor=user)
    else:
        raise Http404


@require_POST
@staff_view
def project_step(request: HttpRequest, project_id: int, step: str) -> HttpResponse:
    """One change to a project (one service call); back to the project page."""
    project = access_project(viewer_scope(request.user), project_id)
    try:
        _step(step, project, request.POST.dict(), request.user)
        messages.success(request, _("Saved."))
    except (DomainError, ValueError) as error:
        messages.error(request, getattr(error, "message", _("Invalid input.")))
    return redirect("web:insights_project", project_id=project.pk)


@require_POST
@staff_view
def from_issue(request: HttpRequest, issue_id: int) -> HttpResponse:
    """A supervisor turns a hot issue into the topic of a month."""
    issue = visible_issue(viewer_scope(request.user), issue_id)
    try:
        project = services.project_from_issue(
            issue,
            lead_unit=unit_by_code(request.POST.get("lead_unit", ""), _("lead unit")),
            month=_month(request.POST.get("month", "")),
            actor=request.user,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("web:insights_projects")
    return redirect("web:insights_project", project_id=project.pk)
