"""The insights pages: dashboard, drill-down, exports, monthly report, topic-of-the-month."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from openpyxl import load_workbook

from grassroots.cases import services
from grassroots.cases.models import Case
from grassroots.cases.services.categories import create_category
from grassroots.core import clock
from grassroots.insights.hot.services import compute_hot_issues
from grassroots.insights.models import GovernanceProject, ProjectAction
from grassroots.insights.periods import parse_period
from grassroots.insights.services import fold_changes
from tests.factories.cases import submit
from tests.insights.conftest import at

from .conftest import login as _login
from .test_browser import RUNS, Shots, _errors, browser, log_in, session  # noqa: F401

DRAIN = [
    "=1+1 Blocked drain floods Maple Street",
    "Maple Street drain blocked again, street flooded",
    "Flooding on Maple Street: the drain is blocked",
]


@pytest.fixture
def march(city: dict[str, Any], people: dict[str, Any]) -> list[Case]:
    """Three drain reports at street 1 in March 2025 (one overdue), folded and clustered."""
    create_category("drains", name_zh="排水", name_en="Drains", parent=None, actor=None)
    cases = []
    for day, subject in zip(("03", "04", "05"), DRAIN, strict=True):
        with clock.at(at(f"2025-03-{day} 10:00")):
            case = submit(subject=subject, description="", category="drains")
            cases.append(services.dispatch_case(case, unit=city["s1"], actor=people["dispatcher"]))
    with clock.at(at("2025-03-25 12:00")):
        fold_changes()
        compute_hot_issues(parse_period("2025-03"))
    return cases


def login(user: Any) -> Any:
    """A logged-in client that asks for English pages."""
    client = _login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _page(client: Any, url: str) -> str:
    with clock.at(at("2025-03-25 12:00")):
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return str(response.content.decode())


@pytest.mark.django_db
def test_dashboard_shows_table_charts_map_and_hot_issues(march: Any, people: Any) -> None:
    html = _page(login(people["supervisor"]), "/console/insights/?period=2025-03&level=street")
    assert 'id="insights-data" type="application/json"' in html
    assert "data-insights-map" in html and 'data-chart="trend"' in html
    assert (
        "/console/insights/cases/?period=2025-03&amp;level=street&amp;rate=score&amp;unit=WS1&amp;kpi=received"
        in html
    )
    assert html.count('class="kw"') >= 3
    for case in march:
        assert f"/console/cases/{case.pk}/" in html  # the cases behind the hot issue
    scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert scripts == ['<script id="insights-data" type="application/json">']


@pytest.mark.django_db
def test_an_empty_period_says_so_instead_of_drawing_empty_charts(march: Any, people: Any) -> None:
    client = login(people["supervisor"])
    full = _page(client, "/console/insights/?period=2025-03&level=street")
    empty = _page(client, "/console/insights/?period=2024-03&level=street")

    assert 'data-chart="categories"' in full and 'data-empty="categories"' not in full
    assert 'data-chart="categories"' not in empty and 'data-chart="ranking"' not in empty
    assert "No case was received in this period." in empty
    assert "No unit has enough cases in this period to be ranked." in empty


@pytest.mark.django_db
def test_drill_down_lists_the_cases_behind_the_figure(march: Any, people: Any) -> None:
    html = _page(
        login(people["supervisor"]),
        "/console/insights/cases/?period=2025-03&level=street&unit=WS1&kpi=received",
    )
    assert '<strong data-testid="count">3 cases</strong>' in html
    hidden = login(people["handler2"]).get("/console/insights/cases/?period=2025-03&unit=WS1")
    assert hidden.status_code == 404


@pytest.mark.django_db
def test_exports_are_csv_and_xlsx_with_formulas_neutralised(march: Any, people: Any) -> None:
    client = login(people["supervisor"])
    query = "?period=2025-03&level=street&unit=WS1&kpi=received"
    with clock.at(at("2025-03-25 12:00")):
        body = client.get("/console/insights/export/cases.csv" + query)
        book = client.get("/console/insights/export/kpis.xlsx?period=2025-03&level=street")
        hot = client.get("/console/insights/export/hot.csv?period=2025-03")
    rows = list(csv.reader(io.StringIO(body.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["id", "tracking_code", "subject"]
    assert sorted(r[2] for r in rows[1:]) == sorted(["'" + DRAIN[0], DRAIN[1], DRAIN[2]])
    assert body["Content-Disposition"] == 'attachment; filename="insights-cases-2025-03.csv"'
    sheet = load_workbook(io.BytesIO(book.content)).active
    values = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["WS1"][5] == 3  # received
    hot_rows = list(csv.reader(io.StringIO(hot.content.decode("utf-8-sig"))))
    assert [r[7] for r in hot_rows[1:]] == ["3"]
    assert client.get("/console/insights/export/nope.csv").status_code == 404


@pytest.mark.django_db
def test_monthly_report_is_a_printable_page(march: Any, people: Any) -> None:
    html = _page(login(people["supervisor"]), "/console/insights/report/?unit=WS1&period=2025-03")
    assert "Monthly report" in html and "data-print" in html
    assert "Not ranked this month (too few cases)." in html
    assert html.count("Blocked drain floods Maple Street") >= 1
    missing = login(people["supervisor"]).get("/console/insights/report/?period=2025-03")
    assert missing.status_code == 400


@pytest.mark.django_db
def test_a_supervisor_starts_a_project_and_adds_an_action(march: Any, people: Any) -> None:
    client = login(people["supervisor"])
    form = {"title": "Dry Maple Street", "month": "2025-04", "area": "WS1", "lead_unit": "WS1",
            "category": "drains"}  # fmt: skip
    created = client.post("/console/insights/projects/", form)
    project = GovernanceProject.objects.get()
    assert created.status_code == 302 and created["Location"].endswith(f"/{project.pk}/")
    client.post(f"/console/insights/projects/{project.pk}/action/", {"text": "Clear gullies"})
    assert list(ProjectAction.objects.values_list("text", flat=True)) == ["Clear gullies"]
    html = _page(client, f"/console/insights/projects/{project.pk}/")
    assert 'data-chart="project"' in html and "Clear gullies" in html
    assert '<strong data-testid="before">0.5</strong>' in html  # 3 cases over six months


@pytest.mark.django_db
def test_a_handler_cannot_start_a_project(march: Any, people: Any) -> None:
    form = {"title": "Mine", "month": "2025-04", "area": "WS1", "lead_unit": "WS1",
            "category": "drains"}  # fmt: skip
    response = login(people["handler1"]).post("/console/insights/projects/", form)
    assert response.status_code == 200
    assert "Only a supervisor over the area" in response.content.decode()
    assert GovernanceProject.objects.count() == 0


@pytest.mark.django_db
def test_pages_need_a_login(city: Any) -> None:
    from django.test import Client

    response = Client().get("/console/insights/")
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize(("lang", "locale", "viewport"), RUNS)
def test_charts_and_map_draw_in_a_browser(
    browser: Any,  # noqa: F811 - the shared module-scoped chromium fixture
    live_server: Any,
    transactional_db: Any,
    city: Any,
    people: Any,
    march: Any,
    lang: str,
    locale: str,
    viewport: dict[str, int],
) -> None:
    """Chart.js and Leaflet draw under the CSP (no inline script), at phone and desktop width."""
    shots = Shots(f"insights-{lang}-{viewport['width']}")
    project = GovernanceProject.objects.create(
        title="Dry Maple Street",
        month=parse_period("2025-03").start,
        lead_unit=city["s1"],
        area=city["s1"],
        category=march[0].category,
        created_at=clock.now(),
    )  # fmt: skip — a fixture row; the services are tested above
    page = session(browser, locale, viewport, live_server.url)
    _errors.clear()
    failed: list[str] = []
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    log_in(page, "supervisor")
    page.goto("/console/insights/?period=2025-03&level=street")
    for chart in ("trend", "ranking", "categories"):
        # A chart with nothing to show is a sentence instead (too few cases to rank here).
        drawn = f'canvas[data-chart="{chart}"][data-ready="1"], [data-empty="{chart}"]'
        page.wait_for_selector(drawn, timeout=15000)
    page.wait_for_selector('canvas[data-chart="categories"][data-ready="1"]', timeout=15000)
    page.wait_for_selector("[data-insights-map][data-ready='1']", timeout=15000)
    shots(page, "dashboard")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"]  # nothing sticks out sideways, even on a phone
    page.goto("/console/insights/report/?unit=WS1&period=2025-03")
    shots(page, "report")
    page.goto(f"/console/insights/projects/{project.pk}/")
    page.wait_for_selector('canvas[data-chart="project"][data-ready="1"]', timeout=15000)
    shots(page, "project")
    assert failed == []
    # The browser's own favicon request (not the page's) is the only tolerated console error.
    assert [e for e in _errors if not e.startswith("Failed to load resource")] == []
