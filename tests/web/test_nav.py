"""The top navigation: each role sees the areas it can use and no other, every link it shows
opens, and drawing it reads the user's roles once per request."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, reverse

from grassroots.organizations.enums import Role
from tests.factories.cases import person
from tests.factories.organizations import UserFactory

pytestmark = pytest.mark.django_db

TABS = {"Inbox": "/console/", "Take a call": "/console/phone/", "Board": "/console/board/"}
MODERATION = ("/console/suggestions/", "/console/conversations/")


def as_user(user: Any) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    if user is not None:
        client.force_login(user)
    return client


def header(client: Client, path: str = "/") -> str:
    page = client.get(path).content.decode()
    return page.split("<header", 1)[1].split("</header>", 1)[0]


def hrefs(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html))


def duty_url() -> str | None:
    try:
        return reverse("web:duty")
    except NoReverseMatch:  # the duty roster page is not there yet
        return None


@pytest.fixture
def cast(city: dict[str, Any], people: dict[str, Any]) -> dict[str, Any]:
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    return {
        **people,
        "mediator": person("mediator", Role.MEDIATOR, city["d1"]),
        "admin": admin,
        "nobody": UserFactory(username="norole"),
    }


def test_a_dispatcher_gets_the_centre_tabs_and_no_moderation(cast: Any) -> None:
    links = hrefs(header(as_user(cast["dispatcher"])))
    assert {"/console/", "/console/phone/", "/console/board/", "/console/insights/"} <= links
    assert not links & set(MODERATION)
    assert "/admin/" not in links
    assert (duty_url() in links) if duty_url() else True


def test_a_handler_gets_no_phone_nor_duty_but_moderates(cast: Any) -> None:
    html = header(as_user(cast["handler1"]))
    links = hrefs(html)
    assert "Take a call" not in html
    assert "/console/phone/" not in links
    assert duty_url() not in links
    assert {"/console/", "/console/board/", "/console/insights/", *MODERATION} <= links


def test_a_supervisor_gets_every_staff_area(cast: Any) -> None:
    links = hrefs(header(as_user(cast["supervisor"])))
    expected = {*TABS.values(), "/console/insights/", *MODERATION}
    assert expected <= links
    assert (duty_url() in links) if duty_url() else True


def test_a_mediator_gets_insights_only(cast: Any) -> None:
    links = hrefs(header(as_user(cast["mediator"])))
    assert "/console/insights/" in links
    assert not links & {*TABS.values(), *MODERATION}


def test_an_administrator_gets_the_administration(cast: Any) -> None:
    assert "/admin/" in hrefs(header(as_user(cast["admin"])))


def test_visitors_and_people_without_a_role_get_the_residents_pages(cast: Any) -> None:
    for client in (as_user(None), as_user(cast["nobody"])):
        html = header(client)
        links = hrefs(html)
        assert {"/report/", "/track/", "/suggestions/", "/nearby/", "/conversations/"} <= links
        assert not any(link.startswith("/console/") for link in links)
    assert "/login/" in hrefs(header(as_user(None)))
    assert 'action="/logout/"' in header(as_user(cast["nobody"]))


@pytest.mark.parametrize(
    "who", ["dispatcher", "supervisor", "handler1", "grid", "dept", "mediator", "admin", "nobody"]
)
def test_every_link_in_the_navigation_opens_for_its_user(cast: Any, who: str) -> None:
    client = as_user(cast[who])
    for link in sorted(hrefs(header(client))):
        status = client.get(link).status_code
        assert status == 200, f"{who}: {link} answered {status}"


def test_the_current_area_is_marked(cast: Any) -> None:
    html = header(as_user(cast["supervisor"]), "/console/board/")
    assert re.search(r'href="/console/board/" aria-current="page"', html)
    assert not re.search(r'href="/console/" aria-current="page"', html)


def test_the_menus_work_without_javascript(cast: Any) -> None:
    html = header(as_user(cast["supervisor"]))
    assert html.count("<details") == 2
    assert html.count("<summary") == 2
    assert "language" in html  # the language switch sits in the account menu


def request_for(user: Any) -> Any:
    request = RequestFactory().get("/console/")
    request.user = user
    request.session = {}
    return request


def test_drawing_the_navigation_reads_the_roles_once(
    cast: Any, django_assert_num_queries: Any
) -> None:
    request = request_for(cast["supervisor"])
    with django_assert_num_queries(1):
        page = render_to_string("web/base.html", request=request)
        again = render_to_string("web/error.html", {"status": 404}, request=request)
    assert 'href="/console/phone/"' in page
    assert 'href="/console/"' in again


def test_a_visitor_costs_no_query(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        page = render_to_string("web/base.html", request=request_for(AnonymousUser()))
    assert 'href="/login/"' in page


def test_the_error_page_sends_staff_back_to_the_inbox_and_others_home(cast: Any) -> None:
    staff_page = as_user(cast["handler1"]).get("/console/phone/")
    assert staff_page.status_code == 403
    assert "Back to the inbox" in staff_page.content.decode()
    nobody_page = as_user(cast["nobody"]).get("/console/board/")
    assert nobody_page.status_code == 403
    assert "Back to the home page" in nobody_page.content.decode()
