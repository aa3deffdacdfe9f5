"""The staff console: inbox tabs, unit switcher, case page, actions with and without htmx."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from grassroots.cases import services
from grassroots.cases.models import Case, CaseEvent
from grassroots.core.audit import AuditEntry
from grassroots.organizations import services as org
from tests.factories.cases import submit

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true", "Accept-Language": "en"}


def as_user(user: Any) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def test_the_console_needs_a_login() -> None:
    response = Client().get("/console/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/console/"


def test_the_dispatcher_sees_the_dispatch_queue(city: Any, people: Any) -> None:
    case = submit(subject="Noise at night", lat=39.1, lng=116.1)
    page = as_user(people["dispatcher"]).get("/console/").content.decode()
    assert "Noise at night" in page
    assert f'href="/console/cases/{case.pk}/"' in page
    assert "1 case" in page


def test_a_handler_does_not_see_the_queue_of_another_street(city: Any, people: Any) -> None:
    case = submit(subject="Pothole")
    services.dispatch_case(case, unit=city["s2"], actor=people["dispatcher"])
    page = as_user(people["handler1"]).get("/console/?tab=mine").content.decode()
    assert "Pothole" not in page
    assert as_user(people["handler1"]).get(f"/console/cases/{case.pk}/").status_code == 404


def test_filters_and_sort_stay_in_the_url(city: Any, people: Any) -> None:
    submit(subject="Noise at night")
    submit(subject="Broken lamp")
    page = as_user(people["dispatcher"]).get("/console/?tab=dispatch&q=lamp&sort=received")
    html = page.content.decode()
    assert "Broken lamp" in html
    assert "Noise at night" not in html
    assert 'href="?tab=dispatch&amp;q=lamp&amp;sort=-received"' in html


def test_one_click_dispatch_with_htmx_swaps_the_panel(city: Any, people: Any) -> None:
    case = submit(lat=39.1, lng=116.1)
    client = as_user(people["dispatcher"])
    form = client.get(f"/console/cases/{case.pk}/").content.decode()
    assert 'name="dispatch-unit" value="WG1"' in form
    response = client.post(
        f"/console/cases/{case.pk}/act/dispatch/",
        {"dispatch-unit": "WS1", "dispatch-note": ""},
        headers=HTMX,
    )
    case.refresh_from_db()
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('\n<div id="case-panel"')
    assert (case.status, case.unit) == ("dispatched", city["s1"])
    assert "Done: Dispatch." in html


def test_an_action_without_htmx_redirects_to_the_case(city: Any, people: Any) -> None:
    case = submit()
    services.dispatch_case(case, unit=city["s1"], actor=people["dispatcher"])
    response = as_user(people["handler1"]).post(
        f"/console/cases/{case.pk}/act/accept/", {"accept-note": "Called her."}
    )
    case.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == f"/console/cases/{case.pk}/"
    assert case.status == "accepted"


def test_an_invalid_action_shows_the_message_and_changes_nothing(city: Any, people: Any) -> None:
    case = submit()
    services.dispatch_case(case, unit=city["s1"], actor=people["dispatcher"])
    services.accept_case(case, actor=people["handler1"])
    response = as_user(people["handler1"]).post(
        f"/console/cases/{case.pk}/act/reply/", {"reply-reply": ""}, headers=HTMX
    )
    case.refresh_from_db()
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert case.status == "accepted"


def test_a_forbidden_action_is_refused_and_changes_nothing(city: Any, people: Any) -> None:
    case = submit(lat=39.1, lng=116.1)
    services.dispatch_case(case, unit=city["s1"], actor=people["dispatcher"])
    events = CaseEvent.objects.filter(case=case).count()
    response = as_user(people["handler1"]).post(
        f"/console/cases/{case.pk}/act/reject/", {"reject-reason": "spam"}
    )
    case.refresh_from_db()
    assert response.status_code == 403
    assert "You may not do this on this case." in response.content.decode()
    assert case.status == "dispatched"
    assert CaseEvent.objects.filter(case=case).count() == events


def test_only_the_allowed_actions_are_offered(city: Any, people: Any) -> None:
    case = submit()
    services.dispatch_case(case, unit=city["s1"], actor=people["dispatcher"])
    html = as_user(people["handler1"]).get(f"/console/cases/{case.pk}/").content.decode()
    offered = [
        name
        for name in ("dispatch", "accept", "return", "reply", "reject", "close")
        if f'data-action="{name}"' in html
    ]
    assert offered == ["accept", "return"]


def test_the_resident_is_masked_until_a_logged_reveal(city: Any, people: Any) -> None:
    case = submit()
    client = as_user(people["dispatcher"])
    page = client.get(f"/console/cases/{case.pk}/").content.decode()
    assert "138****5678" in page
    assert "13812345678" not in page
    response = client.post(
        f"/console/cases/{case.pk}/reveal/", {"reason": "Calling back"}, headers=HTMX
    )
    assert "13812345678" in response.content.decode()
    assert AuditEntry.objects.filter(action="cases.resident.viewed").count() == 1


def test_a_confidential_case_cannot_be_revealed_by_the_unit(city: Any, people: Any) -> None:
    case = submit(confidential=True)
    services.dispatch_case(case, unit=city["s1"], actor=people["dispatcher"])
    response = as_user(people["handler1"]).post(
        f"/console/cases/{case.pk}/reveal/", {"reason": "curious"}
    )
    assert response.status_code == 403
    assert "13812345678" not in response.content.decode()
    assert not CaseEvent.objects.filter(case=case, type="identity_viewed").exists()


def test_the_unit_sees_a_confidential_case_without_its_resident(city: Any, people: Any) -> None:
    case = submit(confidential=True)
    services.dispatch_case(case, unit=city["s1"], actor=people["dispatcher"])

    page = as_user(people["handler1"]).get(f"/console/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    centre = as_user(people["dispatcher"]).get(f"/console/cases/{case.pk}/")

    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="resident-withheld"' in html
    assert "138****5678" not in html and 'data-testid="resident"' not in html
    assert "shown only to the service centre" in html
    assert "138****5678" in centre.content.decode()


def test_the_unit_switcher_narrows_the_inbox(city: Any, people: Any) -> None:
    user = people["handler1"]
    org.grant_role(user, unit=city["s2"], role="handler", actor=None)
    for street, subject in (("s1", "West case"), ("s2", "East case")):
        case = submit(subject=subject)
        services.dispatch_case(case, unit=city[street], actor=people["dispatcher"])
    client = as_user(user)
    assert "East case" in client.get("/console/?tab=mine").content.decode()
    client.post("/console/unit/", {"unit": city["s1"].pk})
    page = client.get("/console/?tab=mine").content.decode()
    assert "West case" in page
    assert "East case" not in page


def test_the_switcher_refuses_a_unit_the_user_does_not_hold(city: Any, people: Any) -> None:
    client = as_user(people["handler1"])
    client.post("/console/unit/", {"unit": city["s2"].pk})
    assert "console_unit" not in client.session


def test_overdue_and_follow_up_tabs(city: Any, people: Any) -> None:
    case = submit(subject="Answered")
    services.dispatch_case(case, unit=city["s1"], actor=people["dispatcher"])
    services.accept_case(case, actor=people["handler1"])
    services.reply_case(case, reply="Done.", actor=people["handler1"])
    client = as_user(people["supervisor"])
    assert "Answered" in client.get("/console/?tab=followup").content.decode()
    assert "Answered" not in client.get("/console/?tab=overdue").content.decode()
    assert Case.objects.get(pk=case.pk).status == "replied"


def test_only_those_who_dispatch_get_the_dispatch_queue_tab(city: Any, people: Any) -> None:
    handler = as_user(people["handler1"])

    html = handler.get("/console/").content.decode()

    assert "?tab=mine" in html and "?tab=dispatch" not in html
    assert handler.get("/console/?tab=dispatch").status_code == 400
    assert "?tab=dispatch" in as_user(people["dispatcher"]).get("/console/").content.decode()


def test_the_case_page_counts_down_only_the_deadlines_still_running(city: Any, people: Any) -> None:
    case = submit()
    services.dispatch_case(case, unit=city["s1"], actor=people["dispatcher"])
    client = as_user(people["handler1"])

    def page() -> str:
        return str(client.get(f"/console/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content)

    running = page()
    assert running.count("data-due=") == 2 and "deadline-respond" not in running

    case = services.accept_case(Case.objects.get(pk=case.pk), actor=people["handler1"])
    accepted = page()
    # First contact made in time: the respond deadline says so and stops counting down.
    assert accepted.count("data-due=") == 1 and 'data-testid="deadline-respond"' in accepted
    assert "met: done" in accepted

    services.reply_case(case, reply="Fixed the lamp.", actor=people["handler1"])
    replied = page()
    assert "data-due=" not in replied and 'data-testid="deadline-resolve"' in replied


def test_a_late_first_contact_is_shown_as_missed(city: Any, people: Any) -> None:
    from datetime import timedelta

    from grassroots.core import clock

    case = submit()
    services.dispatch_case(case, unit=city["s1"], actor=people["dispatcher"])
    assert case.respond_due is not None
    with clock.at(case.respond_due + timedelta(hours=3)):
        services.accept_case(Case.objects.get(pk=case.pk), actor=people["handler1"])
    html = as_user(people["handler1"]).get(f"/console/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en")

    assert "missed: done" in html.content.decode() and "due-late" in html.content.decode()
