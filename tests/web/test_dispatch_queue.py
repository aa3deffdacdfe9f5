"""The dispatch queue with triage's suggestions: one-click dispatch and merge (htmx and plain),
emergencies first, and the case page's triage box."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from grassroots.cases import services
from grassroots.cases.models import Case, CaseEvent, Category
from grassroots.triage import services as triage
from grassroots.triage.enums import RoutingLevel
from grassroots.triage.models import Suggestion
from tests.factories.cases import submit

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true", "Accept-Language": "en"}
LEAK = {
    "subject": "Water leaking from the ceiling",
    "description": "The flat upstairs leaks into the kitchen.",
    "category": "environment.noise",  # any category with a routing rule will do
    "lat": 39.1,
    "lng": 116.1,
}


def as_user(user: Any) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


@pytest.fixture
def pair(city: Any) -> tuple[Case, Case]:
    """An earlier case and a later one with the same text and place, triaged (no action):
    triage proposes the community for the later one and names the earlier as a duplicate."""
    noise = Category.objects.get(code="environment.noise")
    triage.set_routing_rule(noise, level=RoutingLevel.COMMUNITY, actor=None)
    earlier = submit(**LEAK)
    later = submit(**LEAK)
    triage.triage_case(later, act=False)
    return earlier, later


def test_the_queue_shows_the_suggestion_and_the_duplicates(pair: Any, people: Any) -> None:
    earlier, later = pair
    html = as_user(people["dispatcher"]).get("/console/?tab=dispatch").content.decode()
    assert "Triage suggests" in html
    assert "Dispatch to Unit WC1" in html
    assert "80 %" in html  # the matrix's confidence
    assert f"Merge into {earlier.tracking_code}" in html
    assert f'action="/console/queue/{later.pk}/dispatch/"' in html
    assert f'action="/console/queue/{later.pk}/merge/"' in html


def test_one_click_dispatch_with_htmx_swaps_the_row(pair: Any, people: Any, city: Any) -> None:
    _earlier, later = pair
    response = as_user(people["dispatcher"]).post(
        f"/console/queue/{later.pk}/dispatch/", {"unit": "WC1", "next": "/console/"}, headers=HTMX
    )
    later.refresh_from_db()
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith(f'<tr class="prio-normal" id="row-{later.pk}">')
    assert "Dispatched to Unit WC1." in html
    assert (later.status, later.unit) == ("dispatched", city["c1"])
    assert "data-quick" not in html  # nothing left to click on a dispatched case


def test_one_click_merge_without_javascript_returns_to_the_queue(pair: Any, people: Any) -> None:
    earlier, later = pair
    client = as_user(people["dispatcher"])
    response = client.post(
        f"/console/queue/{later.pk}/merge/",
        {"into": earlier.tracking_code, "next": "/console/?tab=dispatch&sort=received"},
    )
    later.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == "/console/?tab=dispatch&sort=received"
    assert (later.status, later.parent) == ("merged", earlier)
    assert f"Merged into {earlier.tracking_code}." in client.get("/console/").content.decode()


def test_a_foreign_next_is_not_followed(pair: Any, people: Any) -> None:
    _earlier, later = pair
    response = as_user(people["dispatcher"]).post(
        f"/console/queue/{later.pk}/dispatch/", {"unit": "WC1", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/console/?tab=dispatch"


def test_a_refused_dispatch_says_why_and_changes_nothing(pair: Any, people: Any) -> None:
    _earlier, later = pair
    events = CaseEvent.objects.filter(case=later).count()
    response = as_user(people["dispatcher"]).post(
        f"/console/queue/{later.pk}/dispatch/", {"unit": "NOPE"}, headers=HTMX
    )
    later.refresh_from_db()
    assert response.status_code == 200
    assert "Unknown unit “NOPE”." in response.content.decode()
    assert later.status == "received"
    assert CaseEvent.objects.filter(case=later).count() == events


def test_a_merge_into_an_answered_case_is_refused(pair: Any, people: Any, city: Any) -> None:
    earlier, later = pair
    services.dispatch_case(earlier, unit=city["s1"], actor=people["dispatcher"])
    services.accept_case(earlier, actor=people["handler1"])
    services.reply_case(earlier, reply="Fixed.", actor=people["handler1"])
    response = as_user(people["dispatcher"]).post(
        f"/console/queue/{later.pk}/merge/", {"into": earlier.tracking_code}, headers=HTMX
    )
    later.refresh_from_db()
    assert "A case can only be merged into another open, unanswered case." in (
        response.content.decode()
    )
    assert later.status == "received"


def test_a_handler_cannot_dispatch_from_the_queue(pair: Any, people: Any) -> None:
    _earlier, later = pair
    response = as_user(people["handler2"]).post(
        f"/console/queue/{later.pk}/dispatch/", {"unit": "WC1"}
    )
    later.refresh_from_db()
    assert response.status_code == 404
    assert later.status == "received"


def test_emergencies_come_first_whatever_the_sort(city: Any, people: Any) -> None:
    submit(subject="An old normal case")
    submit(subject="A new emergency", priority="emergency")
    html = (
        as_user(people["dispatcher"]).get("/console/?tab=dispatch&sort=received").content.decode()
    )
    assert html.index("A new emergency") < html.index("An old normal case")


def test_a_case_not_yet_triaged_says_so(city: Any, people: Any) -> None:
    submit(subject="Fresh")
    html = as_user(people["dispatcher"]).get("/console/?tab=dispatch").content.decode()
    assert "Not triaged yet." in html


def test_the_case_page_asks_triage_after_loading(city: Any, people: Any) -> None:
    noise = Category.objects.get(code="environment.noise")
    triage.set_routing_rule(noise, level=RoutingLevel.STREET, actor=None)
    earlier = submit(**LEAK)
    later = submit(**LEAK)  # not triaged yet: the proposal is computed on demand, not stored
    client = as_user(people["dispatcher"])
    page = client.get(f"/console/cases/{later.pk}/").content.decode()
    assert f'hx-get="/console/queue/{later.pk}/triage/" hx-trigger="load"' in page
    assert 'data-testid="case-triage"' not in page
    box = client.get(f"/console/queue/{later.pk}/triage/", headers=HTMX).content.decode()
    without_js = client.get(f"/console/cases/{later.pk}/?triage=1").content.decode()
    for html in (box, without_js):
        assert 'data-testid="case-triage"' in html
        assert "Dispatch to Unit WS1" in html
        assert f'name="merge-into" value="{earlier.tracking_code}"' in html
    assert not Suggestion.objects.filter(case=later).exists()
    response = client.post(
        f"/console/cases/{later.pk}/act/dispatch/",
        {"dispatch-unit": "WS1", "dispatch-note": ""},
        headers=HTMX,
    )
    later.refresh_from_db()
    assert later.status == "dispatched"
    assert "case-triage" not in response.content.decode()
    assert "/triage/" not in response.content.decode()


def test_a_handler_gets_no_triage_box(city: Any, people: Any) -> None:
    case = submit(**LEAK)
    services.dispatch_case(case, unit=city["s1"], actor=people["dispatcher"])
    client = as_user(people["handler1"])
    assert "/triage/" not in client.get(f"/console/cases/{case.pk}/").content.decode()
    assert client.get(f"/console/queue/{case.pk}/triage/").status_code == 403


def test_the_case_page_counts_down_in_the_page_language(city: Any, people: Any) -> None:
    case = submit()
    client = Client(headers={"Accept-Language": "zh-hans"})
    client.force_login(people["dispatcher"])
    html = client.get(f"/console/cases/{case.pk}/").content.decode()
    assert 'data-countdown data-label-overdue="' in html
    assert 'data-label-left="left"' not in html
