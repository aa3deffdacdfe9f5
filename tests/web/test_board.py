"""The supervisor's board: overdue and due-soon cases per unit, scoped, filtered, with a map."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from grassroots.cases import services
from grassroots.cases.models import Case
from grassroots.core import clock
from grassroots.organizations.enums import Role
from tests.factories.cases import person, submit

pytestmark = pytest.mark.django_db


def as_user(user: Any) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def dispatched(people: Any, unit: Any, **fields: Any) -> Case:
    case = submit(**fields)
    services.dispatch_case(case, unit=unit, actor=people["dispatcher"])
    case.refresh_from_db()
    assert case.resolve_due is not None
    return case


def board_data(html: str) -> dict[str, Any]:
    start = html.index('<script id="board-data" type="application/json">') + 48
    return dict(json.loads(html[start : html.index("</script>", start)]))


def test_a_case_past_its_deadline_is_overdue_under_its_unit(city: Any, people: Any) -> None:
    case = dispatched(people, city["s1"], lat=39.1, lng=116.1, subject="Blocked drain")
    with clock.at(case.resolve_due + timedelta(hours=1)):  # type: ignore[operator]
        response = as_user(people["supervisor"]).get("/console/board/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<div class="num" data-testid="overdue-total">1</div>' in html
    assert '<div class="num" data-testid="soon-total">0</div>' in html
    assert f'href="/console/cases/{case.pk}/">{case.tracking_code}</a>' in html
    assert "Blocked drain" not in html  # the board lists codes and categories, not texts
    data = board_data(html)
    assert data["streets"] == {"WS1": 1}
    assert data["cases"] == [
        [39.1, 116.1, case.tracking_code, "", True, f"/console/cases/{case.pk}/"]
    ]


def test_a_case_due_within_the_window_is_due_soon(city: Any, people: Any) -> None:
    case = dispatched(people, city["s2"], lat=39.5, lng=116.7)
    with clock.at(case.resolve_due - timedelta(hours=3)):  # type: ignore[operator]
        client = as_user(people["dispatcher"])
        day = client.get("/console/board/").content.decode()
        two_hours = client.get("/console/board/?window=2").content.decode()
    assert '<div class="num" data-testid="soon-total">1</div>' in day
    assert '<div class="num" data-testid="overdue-total">0</div>' in day
    assert board_data(day)["streets"] == {}  # only overdue cases colour the areas
    assert board_data(day)["cases"][0][4] is False
    assert 'data-testid="board-empty"' in two_hours


def test_replied_and_queued_cases_are_not_on_the_board(city: Any, people: Any) -> None:
    replied = dispatched(people, city["s1"])
    services.accept_case(replied, actor=people["handler1"])
    services.reply_case(replied, reply="Fixed.", actor=people["handler1"])
    submit()  # in the dispatch queue, no deadline yet
    with clock.at(clock.now() + timedelta(days=60)):
        html = as_user(people["supervisor"]).get("/console/board/").content.decode()
    assert 'data-testid="board-empty"' in html


def test_a_handler_sees_only_its_own_subtree(city: Any, people: Any) -> None:
    mine = dispatched(people, city["s1"])
    other = dispatched(people, city["s2"])
    with clock.at(max(mine.resolve_due, other.resolve_due) + timedelta(hours=1)):  # type: ignore[type-var, operator]
        html = as_user(people["handler1"]).get("/console/board/").content.decode()
    assert mine.tracking_code in html
    assert other.tracking_code not in html
    assert '<div class="num" data-testid="overdue-total">1</div>' in html


def test_people_without_a_staff_role_get_a_403(city: Any, people: Any) -> None:
    dispatched(people, city["s1"])
    mediator = person("mediator", Role.MEDIATOR, city["city"])
    response = as_user(mediator).get("/console/board/")
    assert response.status_code == 403
    assert "Blocked" not in response.content.decode()


def test_the_board_needs_a_login() -> None:
    response = Client().get("/console/board/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/console/board/"


def test_filters_narrow_the_board_and_stay_in_the_url(city: Any, people: Any) -> None:
    urgent = dispatched(people, city["s1"], priority="urgent")
    normal = dispatched(people, city["s2"])
    late = max(urgent.resolve_due, normal.resolve_due) + timedelta(hours=1)  # type: ignore[type-var, operator]
    with clock.at(late):
        client = as_user(people["supervisor"])
        by_priority = client.get("/console/board/?priority=urgent").content.decode()
        by_unit = client.get("/console/board/?unit=WS2&sort=unit").content.decode()
        everything = client.get("/console/board/?sort=unit").content.decode()
    assert urgent.tracking_code in by_priority and normal.tracking_code not in by_priority
    assert normal.tracking_code in by_unit and urgent.tracking_code not in by_unit
    assert '<input type="hidden" name="unit" value="WS2">' in by_unit
    assert 'href="?unit=WS2&amp;sort=unit&amp;order=priority"' in by_unit
    assert everything.index(city["s1"].name) < everything.index(city["s2"].name)


def test_an_unknown_filter_value_is_a_400(city: Any, people: Any) -> None:
    response = as_user(people["supervisor"]).get("/console/board/?window=5")
    assert response.status_code == 400
    assert "Unknown filter value." in response.content.decode()


def test_units_are_sorted_by_overdue_count(city: Any, people: Any) -> None:
    one = dispatched(people, city["s1"])
    twos = [dispatched(people, city["s2"]) for _ in range(2)]
    late = max(c.resolve_due for c in (one, *twos)) + timedelta(hours=1)  # type: ignore[type-var, operator]
    with clock.at(late):
        html = as_user(people["supervisor"]).get("/console/board/").content.decode()
    assert html.index(city["s2"].name) < html.index(city["s1"].name)
    assert board_data(html)["streets"] == {}  # no points: the areas are coloured by place


def test_the_unit_table_counts_every_unit_and_links_to_its_subtree(city: Any, people: Any) -> None:
    cases = [dispatched(people, city["s1"]) for _ in range(2)] + [dispatched(people, city["s2"])]
    late = max(c.resolve_due for c in cases) + timedelta(hours=1)  # type: ignore[type-var, operator]
    with clock.at(late):
        html = as_user(people["supervisor"]).get("/console/board/?window=2").content.decode()
    table = html[html.index('data-testid="unit-table"') : html.index("</table>")]
    assert table.count("<tr><td>") == 2
    assert '<a href="?window=2&amp;unit=WS1">Unit WS1</a>' in table
    assert '<span class="badge due-over">2</span>' in table
