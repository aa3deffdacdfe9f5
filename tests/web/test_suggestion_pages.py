"""Suggestion and meeting pages, without JavaScript: residents propose, support once, comment;
staff answer from their to-do, moderate, enter offline suggestions and run meetings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from grassroots.core import clock
from grassroots.deliberation.models import (
    Decision,
    Meeting,
    Proposal,
    ProposalComment,
    ProposalSupport,
    SuggestionCall,
)
from grassroots.deliberation.services import meetings
from grassroots.deliberation.services import suggestions as sv

from .conftest import login
from .test_browser import RUNS, Shots, browser, log_in, png, session

__all__ = ["browser"]  # the module-scoped chromium fixture, shared with test_browser

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _fixed_time() -> Any:
    with clock.at(NOW):
        yield


@pytest.fixture
def call(city: Any, people: Any) -> SuggestionCall:
    return sv.open_call(
        city["s1"],
        title="Make the west street greener",
        description="Where should trees go?",
        opens_on=dt.date(2026, 3, 1),
        closes_on=dt.date(2026, 3, 31),
        support_threshold=2,
        actor=people["handler1"],
    )


def resident() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def test_resident_finds_the_call_proposes_with_a_photo_and_sees_it(call: SuggestionCall) -> None:
    browser = resident()
    listing = browser.get("/suggestions/")
    assert listing.status_code == 200
    assert "Make the west street greener" in listing.content.decode()

    form = browser.get(f"/suggestions/{call.pk}/propose/")
    assert form.status_code == 200
    response = browser.post(
        f"/suggestions/{call.pk}/propose/",
        {
            "title": "Trees by the school",
            "text": "Shade for the children.",
            "address": "School Lane 1",
            "photos": SimpleUploadedFile("t.png", PNG, content_type="image/png"),
        },
    )

    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/suggestions/p/{proposal.pk}/"
    assert "gr_device" in response.cookies and response.cookies["gr_device"]["httponly"]
    page = browser.get(response["Location"]).content.decode()
    assert "Trees by the school" in page and "Your proposal" in page
    assert f"/suggestions/photos/{proposal.photos.get().pk}/" in page


def test_a_form_error_is_shown_and_nothing_is_stored(call: SuggestionCall) -> None:
    response = resident().post(f"/suggestions/{call.pk}/propose/", {"title": "", "text": ""})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert Proposal.objects.count() == 0


def test_a_wrong_photo_is_refused_on_the_form(call: SuggestionCall) -> None:
    response = resident().post(
        f"/suggestions/{call.pk}/propose/",
        {"title": "A", "text": "B", "photos": SimpleUploadedFile("x.png", b"GIF-not", "image/png")},
    )

    assert response.status_code == 400
    assert "only photos" in response.content.decode()
    assert Proposal.objects.count() == 0


def test_support_counts_once_per_browser_and_reaching_the_threshold_puts_it_in_the_todo(
    call: SuggestionCall, people: Any
) -> None:
    proposal = sv.submit_proposal(
        call,
        sv.ProposalDraft(title="Benches", text="Near the market."),
        voter=sv.Voter(device_token="author-device-token-123"),
    )
    first, second = resident(), resident()
    first.get(f"/suggestions/{call.pk}/")  # no cookie yet: reading makes none

    first.post(f"/suggestions/p/{proposal.pk}/support/", {"next": "call"})
    again = first.post(f"/suggestions/p/{proposal.pk}/support/", follow=True)
    second.post(f"/suggestions/p/{proposal.pk}/support/")

    assert "You already support this proposal." in again.content.decode()
    assert ProposalSupport.objects.filter(proposal=proposal).count() == 2
    proposal.refresh_from_db()
    assert (proposal.support_count, proposal.status) == (2, "answer_required")
    todo = login(people["handler1"]).get("/console/suggestions/").content.decode()
    assert "Benches" in todo
    assert "Benches" not in login(people["handler2"]).get("/console/suggestions/").content.decode()


def test_comments_are_published_and_hidden_ones_disappear_for_residents(
    call: SuggestionCall, people: Any
) -> None:
    proposal = sv.submit_proposal(
        call, sv.ProposalDraft(title="Benches", text="x"), voter=sv.Voter(device_token="d" * 20)
    )
    browser = resident()
    browser.post(f"/suggestions/p/{proposal.pk}/comment/", {"text": "Great idea"})
    browser.post(f"/suggestions/p/{proposal.pk}/comment/", {"text": "Rude words"})
    rude = ProposalComment.objects.get(text="Rude words")

    staff = login(people["handler1"])
    staff.post(f"/console/suggestions/comments/{rude.pk}/hide/", {"reason": "Insult"})

    page = browser.get(f"/suggestions/p/{proposal.pk}/").content.decode()
    assert "Great idea" in page and "Rude words" not in page
    review = staff.get(f"/console/suggestions/p/{proposal.pk}/").content.decode()
    assert "Rude words" in review and "Insult" in review


def test_staff_answer_then_report_follow_through_and_residents_read_it(
    call: SuggestionCall, people: Any
) -> None:
    proposal = sv.submit_proposal(
        call, sv.ProposalDraft(title="Benches", text="x"), voter=sv.Voter(device_token="d" * 20)
    )
    staff = login(people["handler1"])

    bad = staff.post(f"/console/suggestions/p/{proposal.pk}/answer/", {"outcome": "adopted"})
    assert bad.status_code == 400
    staff.post(
        f"/console/suggestions/p/{proposal.pk}/answer/",
        {"outcome": "adopted", "answer": "Six benches in April."},
    )
    staff.post(
        f"/console/suggestions/p/{proposal.pk}/follow/",
        {"implementation": "in_progress", "note": "Benches ordered."},
    )

    page = resident().get(f"/suggestions/p/{proposal.pk}/").content.decode()
    assert "Six benches in April." in page and "Benches ordered." in page
    proposal.refresh_from_db()
    assert (proposal.status, proposal.implementation) == ("answered", "in_progress")


def test_another_units_staff_cannot_answer_and_nothing_changes(
    call: SuggestionCall, people: Any
) -> None:
    proposal = sv.submit_proposal(
        call, sv.ProposalDraft(title="Benches", text="x"), voter=sv.Voter(device_token="d" * 20)
    )

    response = login(people["handler2"]).post(
        f"/console/suggestions/p/{proposal.pk}/answer/", {"outcome": "adopted", "answer": "Yes"}
    )

    assert response.status_code == 403
    proposal.refresh_from_db()
    assert (proposal.status, proposal.answer) == ("submitted", "")


def test_hidden_proposal_is_gone_for_residents_with_the_reason_for_staff(
    call: SuggestionCall, people: Any
) -> None:
    proposal = sv.submit_proposal(
        call, sv.ProposalDraft(title="Buy cheap", text="x"), voter=sv.Voter(device_token="d" * 20)
    )
    staff = login(people["handler1"])

    staff.post(f"/console/suggestions/p/{proposal.pk}/hide/", {"reason": "Advertising"})

    assert resident().get(f"/suggestions/p/{proposal.pk}/").status_code == 404
    assert "Buy cheap" not in resident().get(f"/suggestions/{call.pk}/").content.decode()
    manage = staff.get(f"/console/suggestions/{call.pk}/").content.decode()
    assert "Buy cheap" in manage and "Advertising" in manage


def test_worker_enters_offline_suggestions_one_after_another(
    call: SuggestionCall, people: Any
) -> None:
    staff = login(people["handler1"])
    source = "Residents' meeting, 1 March"

    first = staff.post(
        f"/console/suggestions/{call.pk}/offline/",
        {
            "title": "Bench",
            "text": "At the bus stop",
            "author_name": "王阿姨",
            "source_note": source,
            "another": "1",
        },
    )
    again = staff.get(first["Location"]).content.decode()

    assert first.status_code == 302
    assert 'value="Residents&#x27; meeting, 1 March"' in again
    stored = Proposal.objects.get()
    assert (stored.channel, stored.entered_by, stored.author_name) == (
        "offline",
        people["handler1"],
        "王阿姨",
    )
    assert "王阿姨" not in resident().get(f"/suggestions/p/{stored.pk}/").content.decode()


def test_staff_open_a_call_from_the_console(city: Any, people: Any) -> None:
    staff = login(people["handler1"])

    response = staff.post(
        "/console/suggestions/new/",
        {
            "unit": "WS1",
            "title": "Night market noise",
            "opens_on": "2026-03-01",
            "closes_on": "2026-03-20",
            "support_threshold": "30",
            "answer_days": "10",
        },
    )

    call = SuggestionCall.objects.get()
    assert response["Location"] == f"/console/suggestions/{call.pk}/"
    assert (call.unit.code, call.support_threshold, call.answer_days) == ("WS1", 30, 10)
    refused = staff.post("/console/suggestions/new/", {"unit": "WS2", "title": "x"})
    assert refused.status_code == 400
    assert SuggestionCall.objects.count() == 1


def test_a_meeting_from_planning_to_a_decision_done(city: Any, people: Any) -> None:
    staff = login(people["handler1"])
    created = staff.post(
        "/console/meetings/new/",
        {
            "unit": "WS1",
            "title": "Parking in the courtyard",
            "starts_at": "2026-03-05T19:00",
            "agenda": "The problem\nOptions",
        },
    )
    meeting = Meeting.objects.get()
    assert created["Location"] == f"/console/meetings/{meeting.pk}/"
    staff.post(f"/console/meetings/{meeting.pk}/participant/", {"name": "李四", "role": "resident"})
    pid = meeting.participants.get().pk
    held = staff.post(
        f"/console/meetings/{meeting.pk}/minutes/",
        {
            "minutes": "Agreed on painted bays.",
            "attended": [str(pid)],
            "d0-text": "Paint 20 bays",
            "d0-owner_unit": "WDEPT",
            "d0-due_on": "2026-03-20",
        },
    )
    assert held.status_code == 302
    decision = Decision.objects.get()
    assert (decision.owner_unit.code, decision.status) == ("WDEPT", "open")

    owner = login(people["dept"])
    assert "Paint 20 bays" in owner.get("/console/suggestions/").content.decode()
    owner.post(f"/console/decisions/{decision.pk}/update/", {"status": "done", "note": "Painted."})
    decision.refresh_from_db()
    assert decision.status == "done"
    page = owner.get(f"/console/meetings/{meeting.pk}/").content.decode()
    assert "Painted." in page and "Agreed on painted bays." in page


def test_staff_pages_need_a_login_and_meetings_stay_private(city: Any, people: Any) -> None:
    meeting_page = login(people["handler1"]).post(
        "/console/meetings/new/",
        {"unit": "WS1", "title": "Private", "starts_at": "2026-03-05T19:00"},
    )["Location"]

    assert resident().get("/console/suggestions/").status_code == 302
    assert resident().get(meeting_page).status_code == 302
    assert login(people["handler2"]).get(meeting_page).status_code == 404


def test_pages_speak_chinese_by_default(call: SuggestionCall) -> None:
    page = Client().get("/suggestions/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert page.status_code == 200
    assert 'lang="zh-hans"' in page.content.decode()


# In a real browser (Debian's chromium, headless): the resident's path on a phone and the
# staff's on a desktop, in both languages; no Content-Security-Policy errors.
@pytest.mark.parametrize(("lang", "locale", "viewport"), RUNS)
def test_suggestions_in_a_real_browser(
    browser: Any,
    live_server: Any,
    call: SuggestionCall,
    people: Any,
    lang: str,
    locale: str,
    viewport: dict[str, int],
    tmp_path: Path,
) -> None:
    errors: list[str] = []
    shot = Shots(f"suggestions-{lang}-{viewport['width']}")
    page = session(browser, locale, viewport, live_server.url)
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    sv.submit_proposal(
        call,
        sv.ProposalDraft(title="Benches by the market", text="Older people need a rest."),
        voter=sv.Voter(device_token="another-device-token-1"),
    )
    # The live server's threads see the real date, not the test's fixed clock.
    real_today = timezone.localdate()
    SuggestionCall.objects.filter(pk=call.pk).update(
        opens_on=real_today - dt.timedelta(days=1), closes_on=real_today + dt.timedelta(days=30)
    )

    page.goto("/suggestions/")
    assert page.locator("html").get_attribute("lang") == lang
    shot(page, "calls")
    page.goto(f"/suggestions/{call.pk}/propose/")
    page.fill("#id_title", "Trees by the school")
    page.fill("#id_text", "Shade for the children on the way to school.")
    page.fill("#id_address", "School Lane 1")
    page.set_input_files("#id_photos", str(png(tmp_path / "tree.png")))
    shot(page, "propose")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/suggestions/p/*/")
    shot(page, "proposal")
    page.goto(f"/suggestions/{call.pk}/")
    page.locator("form[action$='/support/'] button").first.click()
    page.wait_for_selector(".sg-supported")
    shot(page, "call")

    staff = session(browser, locale, viewport, live_server.url)
    log_in(staff, "handler1")
    staff.goto("/console/suggestions/")
    shot(staff, "staff-todo")
    benches = Proposal.objects.get(title="Benches by the market")
    staff.goto(f"/console/suggestions/p/{benches.pk}/")
    shot(staff, "staff-proposal")
    staff.goto("/console/meetings/new/")
    shot(staff, "meeting-new")
    meeting = meetings.create_meeting(
        call.unit,
        title="Parking in the courtyard",
        place="Community hall",
        starts_at=NOW,
        agenda=["The problem", "Options", "Decide"],
        actor=people["handler1"],
    )
    meetings.add_participant(meeting, name="Li Si", role="resident", actor=people["handler1"])
    meetings.record_minutes(
        meeting,
        minutes="Residents agreed on painted bays.",
        decisions=[
            meetings.DecisionDraft(
                text="Paint 20 bays", owner_unit=call.unit, due_on=dt.date(2026, 3, 20)
            )
        ],
        actor=people["handler1"],
    )
    staff.goto(f"/console/meetings/{meeting.pk}/")
    shot(staff, "meeting-held")

    assert [e for e in errors if "Content Security Policy" in e] == []


def test_a_call_page_lists_thirty_proposals_at_a_time(call: SuggestionCall) -> None:
    for n in range(31):
        sv.submit_proposal(
            call,
            sv.ProposalDraft(title=f"Idea number {n:02d}", text="x"),
            voter=sv.Voter(device_token=f"device-token-{n:010d}"),
        )

    first = resident().get(f"/suggestions/{call.pk}/?sort=new").content.decode()
    second = resident().get(f"/suggestions/{call.pk}/?sort=new&page=2").content.decode()

    assert first.count('class="sg-card"') == 30 and "Idea number 30" in first
    assert second.count('class="sg-card"') == 1 and "Idea number 00" in second
