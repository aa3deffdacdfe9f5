"""The only writers of governance projects: create (from scratch or from a hot issue), add
actions and milestones, mark them done, move the status. Each in one transaction, audited."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.cases.models import Case, Category
from grassroots.cases.permissions import SUPERVISING_ROLES, Scope
from grassroots.core import audit, clock
from grassroots.organizations.models import Unit

from ..errors import InsightsError, InsightsErrorCode
from ..models import (
    GovernanceProject,
    HotIssue,
    HotIssueCase,
    ProjectAction,
    ProjectMilestone,
    ProjectStatus,
)


@dataclass(frozen=True)
class ProjectDraft:
    """What a supervisor gives to start a project."""

    title: str
    month: date
    lead_unit: Unit
    area: Unit
    category: Category
    description: str = ""


def _invalid(message: str) -> InsightsError:
    return InsightsError(InsightsErrorCode.INVALID, message, status=422)


def _text(value: str, field: str, limit: int) -> str:
    text = (value or "").replace("\x00", "").strip()
    if not text:
        raise _invalid(_("%s: required.") % field)
    if len(text) > limit:
        raise _invalid(
            _("%(field)s: at most %(limit)d characters.") % {"field": field, "limit": limit}
        )
    return text


def check_supervisor(actor: Any, *units: Unit) -> None:
    """A supervisor (or admin) over every unit named, or at the root."""
    scope = Scope.of(actor)
    if scope.at_root(SUPERVISING_ROLES) or all(scope.covers(u, SUPERVISING_ROLES) for u in units):
        return
    raise InsightsError(
        InsightsErrorCode.FORBIDDEN,
        _("Only a supervisor over the area and the lead unit may do this."),
        status=403,
    )


def _record(what: str, project: GovernanceProject, actor: Any, **data: Any) -> None:
    audit.record(
        f"insights.project.{what}", actor=actor, target=project, summary=project.title, data=data
    )


@transaction.atomic
def create_project(
    draft: ProjectDraft, *, actor: Any, hot_issue: HotIssue | None = None
) -> GovernanceProject:
    """A supervisor over the area and the lead unit makes a problem the topic of a month."""
    check_supervisor(actor, draft.area, draft.lead_unit)
    project = GovernanceProject.objects.create(
        title=_text(draft.title, "title", 200),
        description=(draft.description or "").replace("\x00", "").strip()[:5000],
        month=draft.month.replace(day=1),
        lead_unit=draft.lead_unit,
        area=draft.area,
        category=draft.category,
        hot_issue=hot_issue,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=clock.now(),
    )
    _record(
        "created", project, actor, area=draft.area.code, lead_unit=draft.lead_unit.code,
        category=draft.category.code, hot_issue=hot_issue.pk if hot_issue else None,
    )  # fmt: skip
    return project


def issue_category(issue: HotIssue) -> Category:
    """The category most of the issue's cases are filed under."""
    case_ids = HotIssueCase.objects.filter(issue=issue).values_list("case_id", flat=True)
    counts = Counter(
        Case.objects.filter(pk__in=case_ids, category__isnull=False).values_list(
            "category_id", flat=True
        )
    )
    if not counts:
        raise _invalid(_("category: the issue's cases have none; choose one."))
    best = max(counts, key=lambda pk: (counts[pk], -pk))
    return Category.objects.get(pk=best)


def project_from_issue(
    issue: HotIssue,
    *,
    lead_unit: Unit,
    month: date,
    actor: Any,
    title: str = "",
    category: Category | None = None,
) -> GovernanceProject:
    """Turn a hot issue into a project: its place is the area, its cases' main category the
    problem (unless `category` is given), its title the project's (unless `title` is)."""
    if issue.unit is None:
        raise _invalid(_("area: the issue is placed nowhere; start the project by hand."))
    draft = ProjectDraft(
        title=title or issue.title,
        month=month,
        lead_unit=lead_unit,
        area=issue.unit,
        category=category or issue_category(issue),
        description=", ".join(issue.keywords),
    )
    return create_project(draft, actor=actor, hot_issue=issue)


@transaction.atomic
def add_action(
    project: GovernanceProject, *, text: str, actor: Any, unit: Unit | None = None,
    due: date | None = None,
) -> ProjectAction:  # fmt: skip
    """Add one thing the project will do (by a unit, by a date)."""
    check_supervisor(actor, project.area, project.lead_unit)
    action = ProjectAction.objects.create(
        project=project, text=_text(text, "text", 300), unit=unit, due=due
    )
    _record("action_added", project, actor, action=action.pk, text=action.text)
    return action


@transaction.atomic
def complete_action(action: ProjectAction, *, actor: Any) -> ProjectAction:
    """Mark an action done (once)."""
    project = action.project
    check_supervisor(actor, project.area, project.lead_unit)
    if action.done_at is not None:
        raise InsightsError(
            InsightsErrorCode.CONFLICT, _("The action is done already."), status=409
        )
    action.done_at = clock.now()
    action.save(update_fields=["done_at"])
    _record("action_done", project, actor, action=action.pk)
    return action


@transaction.atomic
def add_milestone(
    project: GovernanceProject, *, title: str, due: date, actor: Any
) -> ProjectMilestone:
    """Add a dated step."""
    check_supervisor(actor, project.area, project.lead_unit)
    milestone = ProjectMilestone.objects.create(
        project=project, title=_text(title, "title", 200), due=due
    )
    _record("milestone_added", project, actor, milestone=milestone.pk, due=due.isoformat())
    return milestone


@transaction.atomic
def reach_milestone(milestone: ProjectMilestone, *, actor: Any) -> ProjectMilestone:
    """Record that a milestone is reached (once)."""
    project = milestone.project
    check_supervisor(actor, project.area, project.lead_unit)
    if milestone.reached_at is not None:
        raise InsightsError(
            InsightsErrorCode.CONFLICT, _("The milestone is reached already."), status=409
        )
    milestone.reached_at = clock.now()
    milestone.save(update_fields=["reached_at"])
    _record("milestone_reached", project, actor, milestone=milestone.pk)
    return milestone


@transaction.atomic
def set_project_status(project: GovernanceProject, *, status: str, actor: Any) -> GovernanceProject:
    """Move the project to `status` (planned, active, done)."""
    check_supervisor(actor, project.area, project.lead_unit)
    if status not in ProjectStatus.values:
        raise _invalid(_("status: one of %s.") % ", ".join(ProjectStatus.values))
    before, project.status = project.status, status
    project.save(update_fields=["status"])
    _record("status_changed", project, actor, before=before, after=status)
    return project
