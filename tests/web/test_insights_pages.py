"""The insights pages: dashboard, drill-down, exports, monthly report, topic-of-the-month."""

from __future__ import annotations

import csv
import io
import json
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
from grassroots.insights.services import fold_changes, mark_unreasonable
from tests.factories.cases import submit
from tests.insights.conftest import Flow, at

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


@pytest.fixture
def answered(march: list[Case], city: dict[str, Any], people: dict[str, Any]) -> list[Case]:
    """Three more March cases at street 1, handled and followed up: satisfied and resolved,
    basically satisfied and resolved, not satisfied and not resolved; the last one is then
    marked as an unreasonable demand, and a fourth (satisfied) stays in the rates."""
    flow = Flow(people)
    cases = [
        flow.handled(city["s1"], "2025-03-10", "handler1"),
        flow.handled(city["s1"], "2025-03-11", "handler1", sat="basic"),
        flow.handled(city["s1"], "2025-03-12", "handler1", resolved=False, sat="unsatisfied"),
        flow.handled(city["s1"], "2025-03-13", "handler1", resolved=False, sat="unsatisfied"),
    ]
    with clock.at(at("2025-03-20 12:00")):
        mark_unreasonable(
            cases[3], reason="Wants the street repaved daily", actor=people["supervisor"]
        )
    with clock.at(at("2025-03-25 12:00")):
        fold_changes()
    return [Case.objects.get(pk=c.pk) for c in cases]


def chart_data(html: str) -> dict[str, Any]:
    found = re.search(
        r'<script id="insights-data" type="application/json">(.*?)</script>', html, re.S
    )
    assert found is not None
    return dict(json.loads(found.group(1)))


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
    assert (
        "No unit is ranked in this period: a unit needs at least 10 cases (not marked as "
        "unreasonable) to be ranked." in empty
    )


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


@pytest.mark.django_db
def test_the_ranking_charts_only_ranked_units_in_rank_order(
    answered: Any, people: Any, settings: Any
) -> None:
    settings.INSIGHTS_RANK_MIN_CASES = "1"  # WS1 has six cases kept, WS2 none
    html = _page(login(people["supervisor"]), "/console/insights/?period=2025-03&level=street")
    ranking = chart_data(html)["ranking"]
    assert [(r["rank"], r["name"]) for r in ranking] == [(1, "Unit WS1")]
    assert 'data-chart="ranking"' in html and 'data-empty="ranking"' not in html


@pytest.mark.django_db
def test_the_map_colours_only_units_with_cases_over_their_own_range(
    answered: Any, people: Any
) -> None:
    client = login(people["supervisor"])
    html = _page(client, "/console/insights/?period=2025-03&level=street&rate=satisfaction")
    data = chart_data(html)
    # WS2 has no case: no figure (not the city's average); the scale spans the shown figures
    assert data["rates"]["WS2"] is None and data["rates"]["WS1"] is not None
    assert data["scale"] == [data["rates"]["WS1"], data["rates"]["WS1"]]
    assert "data-insights-map" in html and 'data-level="street"' in html
    shown = f"{data['rates']['WS1'] * 100:.1f}%"
    assert f'<span class="scale-end" data-scale-min>{shown}</span>' in html
    assert f'<span class="scale-end" data-scale-max>{shown}</span>' in html
    assert "no figure (no case behind it)" in html
    assert "Darker green: higher" not in html


@pytest.mark.django_db
def test_a_level_without_areas_has_no_map_and_says_why(march: Any, people: Any) -> None:
    client = login(people["supervisor"])
    for level, label in (("department", "Department"), ("grid", "Grid")):
        html = _page(client, f"/console/insights/?period=2025-03&level={level}")
        assert "data-insights-map" not in html and 'data-empty="map"' in html
        assert (
            f"No map for the level “{label}”: the map draws district and street areas only." in html
        )
        assert "data-legend" not in html
    district = _page(client, "/console/insights/?period=2025-03&level=district")
    assert 'data-level="district"' in district and 'data-empty="map"' not in district


@pytest.mark.django_db
def test_the_table_shows_every_figure_of_the_api_each_linked_to_its_cases(
    answered: Any, people: Any
) -> None:
    html = _page(login(people["supervisor"]), "/console/insights/?period=2025-03&level=street")
    for kpi in ("received", "dispatched", "returned", "reopened", "excluded", "handling_time"):
        assert f"unit=WS1&amp;kpi={kpi}" in html, kpi
    for header in (
        "Dispatched",
        "Returned",
        "Reopened",
        "Marked out",
        "Handling time",
        "median · p90",
    ):
        assert header in html, header
    row = html[html.index('<th scope="row" class="unit-col">Unit WS1') :]
    row = row[: row.index("</tr>")]
    assert 'kpi=excluded">1</a>' in row and 'kpi=dispatched">7</a>' in row
    assert "29.0 h" in row  # both closed cases took 29 hours (median and p90)
    assert "/console/insights/report/?unit=WS1&amp;period=2025-03" in row


@pytest.mark.django_db
def test_drill_down_shows_labels_not_codes_in_both_languages(march: Any, people: Any) -> None:
    url = "/console/insights/cases/?period=2025-03&level=street&unit=WS1&kpi=response_rate"
    en = _page(login(people["supervisor"]), url)
    assert '<span class="badge" data-testid="kpi">Response rate</span>' in en
    assert '<span class="badge status-dispatched">Dispatched</span>' in en
    assert "response_rate</span>" not in en
    client = _login(people["supervisor"])  # the default language: Simplified Chinese
    zh = _page(client, url)
    assert '<span class="badge" data-testid="kpi">响应率</span>' in zh
    assert '<span class="badge status-dispatched">已派单</span>' in zh
    followed = _page(client, url.replace("response_rate", "followed_up"))
    assert '<span class="badge" data-testid="kpi">已回访</span>' in followed


@pytest.mark.django_db
def test_satisfaction_drill_down_rebuilds_the_figure_from_the_answers(
    answered: Any, people: Any
) -> None:
    client = login(people["supervisor"])
    base = "/console/insights/cases/?period=2025-03&level=street&unit=WS1&kpi="
    html = _page(client, base + "satisfaction_rate")
    # satisfied 1 + basically 0.8 + not satisfied 0 (the marked case is out of the rate)
    assert "The figure from this list: 1.8 / 3 = <strong>60%</strong>" in html
    answers = re.findall(r'<td data-col="answer">([^<]*)</td>', html)
    assert answers == ["Satisfied (1)", "Basically satisfied (0.8)", "Not satisfied (0)"]
    dashboard = _page(client, "/console/insights/?period=2025-03&level=street")
    assert 'kpi=satisfaction_rate">60%</a>' in dashboard  # the figure the list rebuilds
    resolution = _page(client, base + "resolution_rate")
    assert re.findall(r'<td data-col="answer">([^<]*)</td>', resolution) == ["yes", "yes", "no"]
    assert "2 / 3 = <strong>67%</strong>" in resolution
    response = _page(client, base + "response_rate")
    assert response.count('<td data-col="answer">') == 6  # three dispatched, three handled
    handling = _page(client, base + "handling_time")
    assert "median <strong>29.0 h</strong> · p90 <strong>29.0 h</strong>" in handling


@pytest.mark.django_db
def test_a_marked_case_is_flagged_in_the_list_and_the_exports(answered: Any, people: Any) -> None:
    client = login(people["supervisor"])
    query = "?period=2025-03&level=street&unit=WS1&kpi=received"
    html = _page(client, "/console/insights/cases/" + query)
    marked = re.findall(r'<td data-col="marked">(.*?)</td>', html)
    assert len(marked) == 7 and sum("unreasonable demand" in m for m in marked) == 1
    assert "Wants the street repaved daily" in html
    assert "1 marked as unreasonable demand" in html
    with clock.at(at("2025-03-25 12:00")):
        cases = client.get("/console/insights/export/cases.csv" + query)
        kpis = client.get("/console/insights/export/kpis.csv?period=2025-03&level=street")
    rows = list(csv.DictReader(io.StringIO(cases.content.decode("utf-8-sig"))))
    flagged = [r["tracking_code"] for r in rows if r["marked"] == "True"]
    assert flagged == [answered[3].tracking_code]
    table = {r["unit"]: r for r in csv.DictReader(io.StringIO(kpis.content.decode("utf-8-sig")))}
    assert table["WS1"]["excluded"] == "1" and table["WS2"]["excluded"] == "0"
    with clock.at(at("2025-03-25 12:00")):
        sat = client.get(
            "/console/insights/export/cases.xlsx" + query.replace("received", "satisfaction_rate")
        )
    sheet = load_workbook(io.BytesIO(sat.content)).active
    header, *values = list(sheet.iter_rows(values_only=True))
    weights = [row[header.index("weight")] for row in values]
    answers = [row[header.index("answer")] for row in values]
    assert weights == [1, 0.8, 0] and answers == ["satisfied", "basic", "unsatisfied"]


@pytest.mark.django_db
def test_monthly_report_lists_every_figure_of_the_table(answered: Any, people: Any) -> None:
    html = _page(login(people["supervisor"]), "/console/insights/report/?unit=WS1&period=2025-03")
    for label in ("Dispatched", "Returned", "Reopened", "Marked as unreasonable demand",
                  "Handling time, median", "Handling time, p90"):  # fmt: skip
        assert f'<th scope="row">{label}</th>' in html, label
    assert "<td>29.0 h</td>" in html


@pytest.mark.django_db
def test_project_page_keeps_the_status_form_out_of_the_milestones(
    march: Any, city: Any, people: Any
) -> None:
    project = GovernanceProject.objects.create(
        title="Dry Maple Street", month=parse_period("2025-03").start, lead_unit=city["s1"],
        area=city["s1"], category=march[0].category, created_at=clock.now(),
    )  # fmt: skip
    html = _page(login(people["supervisor"]), f"/console/insights/projects/{project.pk}/")
    milestones = html[html.index('aria-labelledby="h-milestones"') :]
    milestones = milestones[: milestones.index("</section>")]
    assert 'name="status"' not in milestones
    assert 'data-testid="status-form"' in html
    assert '<button type="submit" class="primary">Add action</button>' in html
    assert '<button type="submit" class="primary">Add milestone</button>' in html


@pytest.mark.parametrize(("lang", "locale", "viewport"), RUNS)
def test_charts_and_map_draw_in_a_browser(
    browser: Any,  # noqa: F811 - the shared module-scoped chromium fixture
    live_server: Any,
    transactional_db: Any,
    city: Any,
    people: Any,
    march: Any,
    answered: Any,
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
    # The rate lines are drawn against the right-hand axis: each has points with a position.
    lines = page.evaluate(
        """() => {
          const chart = Chart.getChart(document.querySelector('canvas[data-chart="trend"]'));
          return [2, 3].map(i => {
            const meta = chart.getDatasetMeta(i);
            return { axis: meta.yAxisID, type: meta.type,
                     ys: meta.data.map(p => p.y).filter(y => Number.isFinite(y)) };
          });
        }"""
    )
    assert [(line["axis"], line["type"]) for line in lines] == [("y1", "line"), ("y1", "line")]
    assert all(line["ys"] for line in lines), lines
    scale = page.evaluate(
        "() => { const s = Chart.getChart(document.querySelector('canvas[data-chart=\"trend\"]'))"
        ".scales.y1; return [s.type, s.position, s.min, s.max]; }"
    )
    assert scale == ["linear", "right", 0, 100]
    # Ranked units only: WS1 (six cases kept) is below the minimum of ten, so a sentence.
    assert page.locator('[data-empty="ranking"]').count() == 1
    assert page.locator("[data-scale-min]").count() == 1
    page.goto("/console/insights/?period=2025-03&level=department")
    page.wait_for_selector('[data-empty="map"]', timeout=15000)
    assert page.locator("[data-insights-map]").count() == 0
    page.goto("/console/insights/cases/?period=2025-03&level=street&unit=WS1&kpi=satisfaction_rate")
    page.wait_for_selector('[data-testid="figure"]', timeout=15000)
    shots(page, "drill-down")
    page.goto("/console/insights/report/?unit=WS1&period=2025-03")
    shots(page, "report")
    page.goto(f"/console/insights/projects/{project.pk}/")
    page.wait_for_selector('canvas[data-chart="project"][data-ready="1"]', timeout=15000)
    shots(page, "project")
    assert failed == []
    # The browser's own favicon request (not the page's) is the only tolerated console error.
    assert [e for e in _errors if not e.startswith("Failed to load resource")] == []
