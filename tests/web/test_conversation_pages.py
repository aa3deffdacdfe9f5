"""Conversation pages: a resident votes and adds statements, staff moderate, results chart."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from grassroots.deliberation import services
from grassroots.deliberation.models import Participant, ParticipantVote, Statement
from grassroots.deliberation.services import Voter
from grassroots.deliberation.tasks import request_recompute
from grassroots.web.views.conversations import DEVICE_COOKIE
from tests.web import test_browser
from tests.web.test_browser import RUNS, log_in, session

pytestmark = pytest.mark.django_db
shared_browser = test_browser.browser  # test_browser's module-scoped chromium, renamed


def english() -> Client:
    return Client(headers={"Accept-Language": "en"})


def staff_client(user: Any) -> Client:
    client = english()
    client.force_login(user)
    return client


@pytest.fixture
def conv(city: dict[str, Any], people: dict[str, Any]) -> Any:
    return services.open_conversation(
        city["s1"],
        title="Parking on Elm Road",
        seeds=["Cars should not park on the pavement", "We need more parking", "Build a garage"],
        actor=people["handler1"],
    )


def _shown(response: Any) -> Statement:
    match = re.search(rb'name="statement" value="(\d+)"', response.content)
    assert match, "no statement on the page"
    return Statement.objects.get(pk=int(match.group(1)))


def test_an_anonymous_resident_votes_one_statement_at_a_time_with_a_device_cookie(
    conv: Any,
) -> None:
    resident = english()
    page = resident.get(reverse("web:conversation", args=[conv.pk]))
    first = _shown(page)
    assert b"You have answered 0 of 3 statements." in page.content

    response = resident.post(
        reverse("web:conversation_vote", args=[conv.pk]),
        {"statement": first.pk, "value": "1"},
    )

    assert response.status_code == 302
    token = response.cookies[DEVICE_COOKIE]
    assert token["httponly"] and len(token.value) >= 16
    participant = Participant.objects.get(conversation=conv)
    assert participant.user is None
    assert participant.token_hash == hashlib.sha256(token.value.encode()).hexdigest()
    assert list(ParticipantVote.objects.values_list("statement_id", "value")) == [(first.pk, 1)]
    page = resident.get(reverse("web:conversation", args=[conv.pk]))
    assert b"You have answered 1 of 3 statements." in page.content
    assert _shown(page).pk != first.pk


def test_after_every_statement_the_page_says_so_and_offers_results(conv: Any) -> None:
    resident = english()
    for value in ("1", "-1", "0"):
        shown = _shown(resident.get(reverse("web:conversation", args=[conv.pk])))
        resident.post(
            reverse("web:conversation_vote", args=[conv.pk]),
            {"statement": shown.pk, "value": value},
        )

    page = resident.get(reverse("web:conversation", args=[conv.pk]))

    assert b"You have answered every statement for now." in page.content
    assert b'name="statement"' not in page.content
    assert sorted(ParticipantVote.objects.values_list("value", flat=True)) == [-1, 0, 1]
    assert Participant.objects.filter(conversation=conv).count() == 1


def test_a_bad_vote_shows_a_message_and_stores_nothing(conv: Any) -> None:
    resident = english()
    first = Statement.objects.filter(conversation=conv).first()
    assert first is not None

    response = resident.post(
        reverse("web:conversation_vote", args=[conv.pk]),
        {"statement": first.pk, "value": "7"},
        follow=True,
    )

    assert b"value: 1 (agree), -1 (disagree) or 0 (pass)." in response.content
    assert not ParticipantVote.objects.exists()
    assert not Participant.objects.exists()


def test_a_closed_conversation_takes_no_votes(conv: Any, people: dict[str, Any]) -> None:
    services.close_conversation(conv, actor=people["handler1"])
    first = Statement.objects.filter(conversation=conv).first()
    assert first is not None
    resident = english()

    page = resident.get(reverse("web:conversation", args=[conv.pk]))
    response = resident.post(
        reverse("web:conversation_vote", args=[conv.pk]),
        {"statement": first.pk, "value": "1"},
        follow=True,
    )

    assert b"This conversation is closed." in page.content
    assert b"This conversation is closed." in response.content
    assert not ParticipantVote.objects.exists()


def test_a_residents_statement_waits_for_a_moderator_who_accepts_it(
    conv: Any, people: dict[str, Any]
) -> None:
    resident = english()
    response = resident.post(
        reverse("web:conversation_add", args=[conv.pk]),
        {"text": "  Paint the kerbs yellow  "},
        follow=True,
    )
    assert b"Your statement is shown once a moderator accepts it." in response.content
    added = Statement.objects.get(conversation=conv, number=3)
    assert (added.text, added.status) == ("Paint the kerbs yellow", "pending")

    moderator = staff_client(people["handler1"])
    page = moderator.get(reverse("web:conversation_moderation", args=[conv.pk]))
    assert b"1 statement waiting" in page.content and b"Paint the kerbs yellow" in page.content
    moderator.post(
        reverse("web:conversation_moderate", args=[conv.pk, added.pk]), {"decision": "accept"}
    )

    added.refresh_from_db()
    assert added.status == "accepted"
    assert added.moderated_by == people["handler1"]


def test_staff_of_another_unit_cannot_moderate(conv: Any, people: dict[str, Any]) -> None:
    pending = services.add_statement(
        conv, text="Close the road", voter=Voter(device_token="d" * 20)
    )
    other = staff_client(people["handler2"])  # handler of the other street

    page = other.get(reverse("web:conversation_moderation", args=[conv.pk]))
    response = other.post(
        reverse("web:conversation_moderate", args=[conv.pk, pending.pk]), {"decision": "reject"}
    )

    assert page.status_code == 403 and response.status_code == 403
    pending.refresh_from_db()
    assert pending.status == "pending" and pending.moderated_by is None
    listing = other.get(reverse("web:conversations_staff"))
    assert b"Parking on Elm Road" not in listing.content


def test_moderation_needs_a_login(conv: Any) -> None:
    response = english().get(reverse("web:conversation_moderation", args=[conv.pk]))

    assert response.status_code == 302 and "/login/" in response["Location"]


def _two_camps(conv: Any, people: int = 12) -> None:
    statements = list(Statement.objects.filter(conversation=conv).order_by("number"))
    for number in range(3, 8):
        statements.append(
            Statement.objects.create(
                conversation=conv, number=number, text=f"Statement text {number}", status="seed"
            )
        )
    for p in range(people):
        voter = Voter(device_token=f"device-token-{p:04d}-abcdef")
        for st in statements:
            camp = 1 if p < people // 2 else -1
            value = 0 if st.number == p % 8 else camp if st.number % 2 == 0 else -camp
            services.cast_vote(st, value=value, voter=voter)


def test_results_page_carries_the_groups_as_chart_data_and_no_inline_script(
    conv: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks():
        _two_camps(conv)
    request_recompute(conv.pk)

    page = english().get(reverse("web:conversation_results", args=[conv.pk]))

    html = page.content.decode()
    block = re.search(
        r'<script id="conversation-chart-data" type="application/json">(.*?)</script>', html, re.S
    )
    assert block
    chart = json.loads(block.group(1))
    assert [s["label"] for s in chart["series"]] == ["Group A", "Group B"]
    assert sorted(len(s["points"]) for s in chart["series"]) == [6, 6]
    assert "participant" not in block.group(1)
    assert "Group A" in html and "Group B" in html and "6 people" in html
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag
    assert 'style="' not in html


def test_results_before_any_vote_say_there_is_not_enough(conv: Any) -> None:
    page = english().get(reverse("web:conversation_results", args=[conv.pk]))

    assert page.status_code == 200
    assert b"Not enough votes yet to show opinion groups." in page.content
    assert b"conversation-chart-data" not in page.content


def test_the_public_list_shows_conversations_and_unknown_ids_are_404(conv: Any) -> None:
    page = english().get(reverse("web:conversations"))

    assert b"Parking on Elm Road" in page.content and b"3 statements" in page.content
    assert english().get(reverse("web:conversation", args=[conv.pk + 99])).status_code == 404


SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.mark.parametrize(("lang", "locale", "viewport"), RUNS)
def test_vote_moderate_and_see_the_chart_in_a_real_browser(
    shared_browser: Any,
    live_server: Any,
    city: Any,
    people: Any,
    lang: str,
    locale: str,
    viewport: dict[str, int],
) -> None:
    conv = services.open_conversation(
        city["s1"],
        title="Parking on Elm Road",
        description="How should the street handle parking?",
        seeds=["Cars should not park on the pavement", "We need more parking", "Build a garage"],
        actor=people["handler1"],
    )
    _two_camps(conv, people=16)
    errors: list[str] = []
    SHOTS.mkdir(parents=True, exist_ok=True)

    def shot(page: Any, name: str) -> None:
        page.screenshot(
            path=str(SHOTS / f"conversations-{lang}-{viewport['width']}-{name}.png"),
            full_page=True,
        )

    resident = session(shared_browser, locale, viewport, live_server.url)
    resident.on("console", lambda m: m.type == "error" and errors.append(m.text))
    resident.goto(f"/conversations/{conv.pk}/")
    assert resident.locator("html").get_attribute("lang") == lang
    shot(resident, "participate")
    resident.locator("button.conv-vote.agree").click()
    resident.wait_for_load_state()
    resident.fill("#conv-text", "Paint the kerbs yellow")
    resident.locator("form.conv-add button[type=submit]").click()
    resident.wait_for_load_state()
    shot(resident, "after-vote")
    assert ParticipantVote.objects.filter(participant__number=16).count() == 1
    added = Statement.objects.get(conversation=conv, text="Paint the kerbs yellow")

    staff = session(shared_browser, locale, viewport, live_server.url)
    log_in(staff, "handler1")
    staff.goto(f"/console/conversations/{conv.pk}/")
    shot(staff, "moderation")
    staff.locator(f"form[action$='/statements/{added.pk}/'] button[value=accept]").click()
    staff.wait_for_load_state()
    added.refresh_from_db()
    assert added.status == "accepted"

    resident.goto(f"/conversations/{conv.pk}/results/")
    resident.wait_for_selector("#conversation-chart[data-ready]")
    shot(resident, "results")
    # (the only 404 is the browser's own /favicon.ico; a missing script would fail above)
    assert [e for e in errors if "Failed to load resource" not in e] == []
