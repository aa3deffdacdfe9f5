"""The suggestion-collection API, as residents (device tokens) and staff use it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from grassroots.deliberation.models import Proposal, ProposalSupport
from grassroots.organizations.enums import Role
from tests.cases.conftest import Api
from tests.factories.cases import person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday_morning")]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
BASE = "/deliberation/suggestions"


def device(n: int) -> dict[str, str]:
    return {"X-Device-Token": f"device-token-{n:08d}-abcdef"}


@pytest.fixture
def staff(worker: Any) -> Api:
    return Api(worker)


@pytest.fixture
def call_id(staff: Api) -> int:
    response = staff.post(
        f"{BASE}/calls",
        {
            "unit": "TC1",
            "title": "Make Elm Road greener",
            "description": "Trees, benches, shade.",
            "area": "TC1",
            "opens_on": "2026-03-01",
            "closes_on": "2026-03-31",
            "support_threshold": 2,
            "answer_days": 5,
        },
    )
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


def get_as(path: str, n: int) -> Any:
    return Api().client.get(f"/api/v1{path}", headers=device(n))


def propose(call_id: int, n: int = 1, title: str = "Trees by the school") -> dict[str, Any]:
    response = Api().post(
        f"{BASE}/calls/{call_id}/proposals",
        {"title": title, "text": "Shade for children.", "address": "Elm Road 3"},
        headers=device(n),
    )
    assert response.status_code == 201, response.content
    return dict(response.json())


def test_residents_see_the_open_call_and_propose_support_and_comment(call_id: int) -> None:
    calls = Api().get(f"{BASE}/calls").json()
    assert [(c["id"], c["accepting"], c["may_moderate"]) for c in calls] == [(call_id, True, False)]
    proposal = propose(call_id)
    assert (proposal["mine"], proposal["channel"], proposal["status"]) == (
        True,
        "online",
        "submitted",
    )
    pid = proposal["id"]

    first = Api().post(f"{BASE}/proposals/{pid}/support", headers=device(2))
    again = Api().post(f"{BASE}/proposals/{pid}/support", headers=device(2))
    second = Api().post(f"{BASE}/proposals/{pid}/support", headers=device(3))
    comment = Api().post(f"{BASE}/proposals/{pid}/comments", {"text": "Yes!"}, headers=device(2))

    assert first.json() == {
        "proposal": pid,
        "support_count": 1,
        "status": "submitted",
        "answer_now_due": False,
    }
    assert (again.status_code, again.json()["code"]) == (409, "already_supported")
    assert second.json()["answer_now_due"] is True
    assert comment.status_code == 201
    detail = get_as(f"{BASE}/proposals/{pid}", 2).json()
    assert (detail["supported"], detail["mine"], detail["support_count"]) == (True, False, 2)
    assert [(c["text"], c["mine"]) for c in detail["comments"]] == [("Yes!", True)]
    assert ProposalSupport.objects.count() == 2


def test_without_a_device_token_or_login_a_resident_gets_a_401(call_id: int) -> None:
    response = Api().post(f"{BASE}/calls/{call_id}/proposals", {"title": "A", "text": "B"})

    assert (response.status_code, response.json()["code"]) == (401, "participant_required")
    assert Proposal.objects.count() == 0


def test_proposals_are_listed_by_support_and_hidden_ones_only_for_moderators(
    call_id: int, staff: Api
) -> None:
    low, high, spam = (
        propose(call_id, 1, "Low"),
        propose(call_id, 2, "High"),
        propose(call_id, 3, "Buy now"),
    )
    Api().post(f"{BASE}/proposals/{high['id']}/support", headers=device(9))
    hidden = staff.post(f"{BASE}/proposals/{spam['id']}/hide", {"reason": "Advertising"})
    assert (hidden.status_code, hidden.json()["hidden_reason"]) == (200, "Advertising")

    public = Api().get(f"{BASE}/calls/{call_id}/proposals").json()
    assert [p["title"] for p in public] == ["High", "Low"]
    assert Api().get(f"{BASE}/proposals/{spam['id']}").status_code == 404
    asked = Api().get(f"{BASE}/calls/{call_id}/proposals", hidden="true").json()
    assert [p["title"] for p in asked] == ["High", "Low"]
    mod = staff.get(f"{BASE}/calls/{call_id}/proposals", hidden="true").json()
    assert [(p["title"], p["hidden_reason"]) for p in mod] == [("Buy now", "Advertising")]
    assert low["hidden_reason"] == ""


def test_offline_entry_keeps_the_name_from_the_public(call_id: int, staff: Api) -> None:
    entered = staff.post(
        f"{BASE}/calls/{call_id}/offline",
        {
            "title": "Bench at the bus stop",
            "text": "Elderly wait standing.",
            "author_name": "王阿姨",
            "source_note": "Residents' meeting, 1 March",
        },
    )
    assert entered.status_code == 201, entered.content
    pid = entered.json()["id"]
    assert (entered.json()["channel"], entered.json()["author_name"]) == ("offline", "王阿姨")

    public = Api().get(f"{BASE}/proposals/{pid}").json()
    assert (public["author_name"], public["source_note"]) == ("", "")
    assert "王阿姨" not in Api().get(f"{BASE}/calls/{call_id}/proposals").content.decode()


def test_a_resident_may_not_enter_offline_or_answer(call_id: int, tree: Any) -> None:
    outsider = Api(person("other", Role.HANDLER, tree["s2"]))
    pid = propose(call_id)["id"]

    offline = outsider.post(
        f"{BASE}/calls/{call_id}/offline", {"title": "A", "text": "B", "source_note": "x"}
    )
    answer = outsider.post(
        f"{BASE}/proposals/{pid}/answer", {"outcome": "adopted", "answer": "Yes"}
    )

    assert (offline.status_code, answer.status_code) == (403, 403)
    assert Proposal.objects.get().outcome == ""


def test_the_todo_answer_and_follow_through_over_the_api(call_id: int, staff: Api) -> None:
    pid = propose(call_id)["id"]
    for n in (5, 6):
        Api().post(f"{BASE}/proposals/{pid}/support", headers=device(n))

    todo = staff.get(f"{BASE}/todo").json()
    assert [(p["id"], p["status"]) for p in todo] == [(pid, "answer_required")]
    assert todo[0]["answer_due"].startswith("2026-03-09")
    bad = staff.post(f"{BASE}/proposals/{pid}/answer", {"outcome": "maybe", "answer": "x"})
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_deliberation_input")
    answered = staff.post(
        f"{BASE}/proposals/{pid}/answer",
        {"outcome": "partly_adopted", "answer": "Trees yes; no room for benches."},
    ).json()
    assert (answered["status"], answered["implementation"]) == ("answered", "planned")
    assert staff.get(f"{BASE}/todo").json() == []
    done = staff.post(
        f"{BASE}/proposals/{pid}/follow-through", {"implementation": "done", "note": "Planted."}
    ).json()
    assert (done["status"], [u["note"] for u in done["updates"]]) == ("implemented", ["Planted."])


def test_photos_are_added_by_the_author_and_served_while_visible(call_id: int, client: Any) -> None:
    pid = propose(call_id, 1)["id"]
    photo = SimpleUploadedFile("x.png", PNG, content_type="image/png")

    response = client.post(
        f"/api/v1{BASE}/proposals/{pid}/photos", {"files": [photo]}, headers=device(1)
    )

    assert response.status_code == 201, response.content
    url = response.json()["photos"][0]["url"]
    served = client.get(url)
    assert (served.status_code, served["Content-Type"], b"".join(served.streaming_content)) == (
        200,
        "image/png",
        PNG,
    )
    other = SimpleUploadedFile("y.png", PNG, content_type="image/png")
    refused = client.post(
        f"/api/v1{BASE}/proposals/{pid}/photos", {"files": [other]}, headers=device(2)
    )
    assert refused.status_code == 403


def test_a_proposal_becomes_a_case_over_the_api(call_id: int, staff: Api) -> None:
    pid = propose(call_id)["id"]

    made = staff.post(f"{BASE}/proposals/{pid}/case")
    twice = staff.post(f"{BASE}/proposals/{pid}/case")

    assert made.status_code == 201, made.content
    assert twice.json()["code"] == "proposal_case_linked"
    detail = staff.get(f"{BASE}/proposals/{pid}").json()
    assert detail["case"] == made.json()["tracking_code"]
    assert Api().get(f"{BASE}/proposals/{pid}").json()["case"] is None
