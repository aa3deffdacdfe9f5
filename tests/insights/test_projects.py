"""Topic of the month: a hot issue or a category in an area becomes a governance project with
a lead unit, actions and milestones, and its before/after figures are counted from the cases."""

from __future__ import annotations

from typing import Any

import pytest

from grassroots.cases import services
from grassroots.cases.models import Case, Category
from grassroots.cases.services.categories import create_category
from grassroots.core import clock
from grassroots.core.models import AuditEntry
from grassroots.insights.errors import InsightsError
from grassroots.insights.hot.services import compute_hot_issues
from grassroots.insights.models import GovernanceProject, ProjectAction
from grassroots.insights.periods import parse_period
from grassroots.insights.projects import services as projects
from grassroots.insights.projects.figures import before_after
from tests.factories.cases import submit

from .conftest import at

pytestmark = pytest.mark.django_db

DRAIN = [
    "Blocked drain floods Maple Street after rain",
    "Maple Street drain blocked again, street flooded",
    "Flooding on Maple Street: the drain is blocked",
]


@pytest.fixture
def categories() -> dict[str, Category]:
    drains = create_category("drains", name_zh="排水", name_en="Drains", parent=None, actor=None)
    gully = create_category(
        "drains.gully", name_zh="雨水口", name_en="Gully", parent=drains, actor=None
    )
    noise = create_category("noise", name_zh="噪声", name_en="Noise", parent=None, actor=None)
    return {"drains": drains, "gully": gully, "noise": noise}


def _case(people: dict[str, Any], unit: Any, moment: str, category: str, subject: str = "") -> Case:
    with clock.at(at(moment)):
        case = submit(subject=subject or f"Report {moment}", description="", category=category)
        return services.dispatch_case(case, unit=unit, actor=people["dispatcher"])


def _project(tree: Any, people: Any, categories: Any, **extra: Any) -> GovernanceProject:
    draft = projects.ProjectDraft(
        title="Dry streets in street one",
        month=parse_period("2025-03").start,
        lead_unit=tree["s1"],
        area=tree["s1"],
        category=categories["drains"],
    )
    with clock.at(at("2025-03-01 09:00")):
        return projects.create_project(draft, actor=people["supervisor"], **extra)


def test_a_hot_issue_becomes_a_project_on_its_place_and_category(
    tree: Any, people: Any, categories: Any
) -> None:
    for day, subject in zip(("03", "04", "05"), DRAIN, strict=True):
        _case(people, tree["s1"], f"2025-03-{day} 10:00", "drains.gully", subject)
    with clock.at(at("2025-03-20 12:00")):
        (issue,) = compute_hot_issues(parse_period("2025-03"))
        project = projects.project_from_issue(
            issue, lead_unit=tree["s1"], month=parse_period("2025-04").start,
            actor=people["supervisor"],
        )  # fmt: skip
    assert (project.area, project.category, project.hot_issue) == (
        tree["s1"],
        categories["gully"],
        issue,
    )
    assert (project.title, project.status, str(project.month)) == (
        issue.title,
        "planned",
        "2025-04-01",
    )
    entry = AuditEntry.objects.get(action="insights.project.created")
    assert (entry.target_id, entry.data["hot_issue"]) == (str(project.pk), issue.pk)


def test_before_after_counts_the_problem_cases_per_month(
    tree: Any, people: Any, categories: Any
) -> None:
    for moment in ("2025-01-10", "2025-01-20", "2025-01-25", "2025-02-03", "2025-02-04"):
        _case(people, tree["s1"], f"{moment} 10:00", "drains")
    _case(people, tree["g1"], "2025-02-05 10:00", "drains.gully")  # in the area, a subcategory
    _case(people, tree["s1"], "2025-03-05 10:00", "drains")
    _case(people, tree["s1"], "2025-03-06 10:00", "noise")  # another problem
    _case(people, tree["s2"], "2025-03-07 10:00", "drains")  # another place
    project = _project(tree, people, categories)
    figures = before_after(project, now=at("2025-04-15 12:00"))
    assert figures["months"][0]["month"] == "2024-09"
    assert [m["cases"] for m in figures["months"]] == [0, 0, 0, 0, 3, 3, 1, 0]
    assert (figures["before_average"], figures["after_average"], figures["change"]) == (
        1.0,
        0.5,
        -0.5,
    )


def test_only_a_supervisor_may_start_a_project(tree: Any, people: Any, categories: Any) -> None:
    draft = projects.ProjectDraft(
        title="Mine", month=parse_period("2025-03").start, lead_unit=tree["s1"],
        area=tree["s1"], category=categories["drains"],
    )  # fmt: skip
    with pytest.raises(InsightsError) as refused:
        projects.create_project(draft, actor=people["handler1"])
    assert (refused.value.code, refused.value.status) == ("forbidden", 403)
    assert GovernanceProject.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="insights.project").exists()


def test_api_runs_a_project_through_its_steps(
    tree: Any, people: Any, categories: Any, api_as: Any
) -> None:
    api = api_as("supervisor")
    body = {"title": "Dry streets", "month": "2025-03", "lead_unit": "KS1", "area": "KS1"}
    created = api.post("/insights/projects", {**body, "category": "drains"})
    assert created.status_code == 201, created.content
    pid = created.json()["id"]
    step = api.post(
        f"/insights/projects/{pid}/actions", {"text": "Clear the gullies", "due": "2025-03-20"}
    )
    action = step.json()["actions"][0]
    assert (action["text"], action["due"], action["done_at"]) == (
        "Clear the gullies",
        "2025-03-20",
        None,
    )
    done = api.post(f"/insights/projects/{pid}/actions/{action['id']}/done")
    assert done.json()["actions"][0]["done_at"] is not None
    again = api.post(f"/insights/projects/{pid}/actions/{action['id']}/done")
    assert (again.status_code, again.json()["code"]) == (409, "conflict")
    mile = api.post(
        f"/insights/projects/{pid}/milestones", {"title": "All cleared", "due": "2025-04-01"}
    )
    mid = mile.json()["milestones"][0]["id"]
    reached = api.post(f"/insights/projects/{pid}/milestones/{mid}/reached").json()
    assert reached["milestones"][0]["reached_at"] is not None
    status = api.post(f"/insights/projects/{pid}/status", {"status": "active"}).json()
    assert status["status"] == "active"
    listed = api.get("/insights/projects", month="2025-03").json()
    assert [(p["id"], p["figures"]) for p in listed] == [(pid, None)]
    shown = api.get(f"/insights/projects/{pid}").json()
    assert len(shown["figures"]["months"]) >= 1


def test_api_refuses_bad_input_and_outsiders(
    tree: Any, people: Any, categories: Any, api_as: Any
) -> None:
    api = api_as("supervisor")
    body = {
        "title": "Dry",
        "month": "2025-03",
        "lead_unit": "KS1",
        "area": "KS1",
        "category": "drains",
    }
    for change, code in (
        ({"month": "2025-03-01"}, "bad_period"),
        ({"area": "NOPE"}, "invalid"),
        ({"category": "nope"}, "invalid"),
        ({"title": "  "}, "invalid"),
    ):
        refused = api.post("/insights/projects", {**body, **change})
        assert (refused.status_code, refused.json()["code"]) == (422, code)
    handler = api_as("handler1").post("/insights/projects", body)
    assert (handler.status_code, handler.json()["code"]) == (403, "forbidden")
    assert GovernanceProject.objects.count() == 0
    project = _project(tree, people, categories)
    hidden = api_as("handler2").post(f"/insights/projects/{project.pk}/actions", {"text": "x"})
    assert (hidden.status_code, hidden.json()["code"]) == (404, "not_found")
    assert ProjectAction.objects.count() == 0
