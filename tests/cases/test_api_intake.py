"""Residents submit, track, rate and reopen through the API alone."""

from __future__ import annotations

import json
from typing import Any

import pytest
from ninja.renderers import JSONRenderer

from grassroots.cases import services
from grassroots.cases.models import Case, CaseEvent
from grassroots.cases.schemas import CaseCreatedOut
from grassroots.core.models import AuditEntry
from tests.cases.conftest import Api
from tests.factories.cases import submit

pytestmark = pytest.mark.django_db

BODY = {
    "kind": "complaint",
    "subject": "Noise from a bar every night",
    "description": "Music until 3 am at the corner bar.",
    "category": "environment.noise",
    "priority": "normal",
    "channel": "mobile",
    "resident": {"name": "李四", "phone": "13912345678"},
}


def test_anonymous_resident_submits_and_gets_code_secret_and_deadlines() -> None:
    response = Api().post("/cases", BODY)

    assert response.status_code == 201, response.json()
    body = response.json()
    case = Case.objects.get(pk=body["id"])
    assert body["tracking_code"] == case.tracking_code and len(case.tracking_code) == 12
    assert body["secret"] == case.secret
    assert body["status"] == "received"
    assert body["deadlines"]["respond_due"] and body["deadlines"]["resolve_due"]
    assert case.category is not None and case.category.code == "environment.noise"
    assert case.resident is not None and case.resident.phone == "13912345678"


def test_a_retried_submission_with_the_same_key_returns_the_same_case() -> None:
    api = Api()

    first = api.post("/cases", BODY, headers={"Idempotency-Key": "abc-123"})
    second = api.post("/cases", BODY, headers={"Idempotency-Key": "abc-123"})

    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1


def test_the_intake_answer_is_what_the_created_schema_renders() -> None:
    # The endpoint renders its 201 itself (no output validation): it must still be exactly
    # the documented `CaseCreatedOut`, field for field and in the API's JSON rendering.
    response = Api().post("/cases", BODY)

    assert response.status_code == 201
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    validated = CaseCreatedOut.model_validate(body).model_dump(mode="json")
    assert list(body) == list(CaseCreatedOut.model_fields) and body == {
        **validated,
        "deadlines": body["deadlines"],  # the API's own datetime format, checked below
    }
    case = Case.objects.get(pk=body["id"])
    rendered = json.loads(JSONRenderer().render(None, {"d": case.resolve_due}, response_status=201))
    assert body["deadlines"]["resolve_due"] == rendered["d"]
    assert body["deadlines"]["overdue"] is False and body["place"] is None


def test_the_same_key_with_a_different_submission_is_refused() -> None:
    api = Api()
    api.post("/cases", BODY, headers={"Idempotency-Key": "k1"})

    response = api.post("/cases", {**BODY, "subject": "Other"}, headers={"Idempotency-Key": "k1"})

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({**BODY, "kind": "rant"}, "invalid_case"),
        ({**BODY, "category": "no.such"}, "unknown_category"),
        ({**BODY, "lat": 95.0, "lng": 10.0}, "invalid_case"),
        ({**BODY, "lat": 40.0}, "invalid_case"),
        ({**BODY, "subject": "", "description": ""}, "invalid_case"),
        ({**BODY, "channel": "phone"}, "invalid_case"),
        ({**BODY, "resident": {"phone": "call me maybe"}}, "invalid_case"),
        ({**BODY, "subject": "x" * 201}, "invalid"),
        ({"subject": "no kind"}, "invalid"),
        ({**BODY, "lat": "north"}, "invalid"),
    ],
)
def test_bad_input_is_a_clear_4xx_and_writes_nothing(body: dict[str, Any], code: str) -> None:
    response = Api().post("/cases", body)

    assert response.status_code == 422, response.content
    assert response.json()["code"] == code
    assert response.json()["message"]
    assert (Case.objects.count(), CaseEvent.objects.count(), AuditEntry.objects.count()) == (
        0,
        0,
        0,
    )


def test_malformed_json_is_a_4xx_not_a_500() -> None:
    response = Api().client.post("/api/v1/cases", "{not json", content_type="application/json")

    assert 400 <= response.status_code < 500
    assert Case.objects.count() == 0


def test_resident_tracks_with_code_and_secret_but_not_without() -> None:
    created = Api().post("/cases", BODY).json()
    api = Api()

    good = api.get(f"/track/{created['tracking_code']}", secret=created["secret"])
    spaced = api.get(
        f"/track/{created['tracking_code'][:4]} {created['tracking_code'][4:]}",
        secret=created["secret"].lower(),
    )
    bad = api.get(f"/track/{created['tracking_code']}", secret="WRONGSEC")

    assert good.status_code == 200 and spaced.status_code == 200
    assert good.json()["status"] == "received"
    assert [e["type"] for e in good.json()["timeline"]] == ["received"]
    assert bad.status_code == 404 and bad.json()["code"] == "case_not_found"


def test_tracking_never_shows_staff_names_or_internal_notes(tree: Any, people: Any) -> None:
    case = submit()
    services.dispatch_case(case, unit=tree["s2"], actor=people["dispatcher"], note="internal")
    services.return_case(case, reason="Wrong street, internal remark", actor=people["handler2"])

    body = Api().get(f"/track/{case.tracking_code}", secret=case.secret).json()

    assert [e["type"] for e in body["timeline"]] == ["received", "dispatched"]
    assert "internal" not in str(body) and "handler2" not in str(body)
    assert "dispatcher" not in str(body)


def test_resident_rates_the_answer_and_it_closes(tree: Any, people: Any) -> None:
    case = submit()
    services.dispatch_case(case, unit=tree["s1"], actor=people["dispatcher"])
    services.accept_case(case, actor=people["handler1"])
    services.reply_case(case, reply="Fixed the lamp.", actor=people["handler1"])

    response = Api().post(
        f"/track/{case.tracking_code}/follow-up",
        {"secret": case.secret, "resolved": True, "satisfaction": "basic"},
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "closed"
    assert response.json()["reply"] == "Fixed the lamp."
    assert Case.objects.get(pk=case.pk).satisfaction == "basic"


def test_resident_reopens_an_unsolved_case(tree: Any, people: Any) -> None:
    case = submit()
    services.dispatch_case(case, unit=tree["s1"], actor=people["dispatcher"])
    services.accept_case(case, actor=people["handler1"])
    services.reply_case(case, reply="Fixed.", actor=people["handler1"])

    response = Api().post(
        f"/track/{case.tracking_code}/reopen", {"secret": case.secret, "reason": "Still dark"}
    )

    assert response.status_code == 200
    assert response.json()["status"] == "accepted"


def test_resident_actions_need_the_secret(tree: Any, people: Any) -> None:
    case = submit()
    services.dispatch_case(case, unit=tree["s1"], actor=people["dispatcher"])
    services.accept_case(case, actor=people["handler1"])
    services.reply_case(case, reply="Fixed.", actor=people["handler1"])

    response = Api().post(f"/track/{case.tracking_code}/reopen", {"secret": "NOPE", "reason": "x"})

    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).status == "replied"


def test_token_endpoint_issues_a_bearer_token_that_works(people: Any) -> None:
    people["dispatcher"].set_password("s3cret-pass")
    people["dispatcher"].save()
    api = Api()

    token = api.post("/auth/token", {"username": "dispatcher", "password": "s3cret-pass"})
    wrong = api.post("/auth/token", {"username": "dispatcher", "password": "nope"})

    assert token.status_code == 201 and wrong.status_code == 401
    assert wrong.json()["code"] == "bad_credentials"
    listed = api.client.get(
        "/api/v1/cases", headers={"Authorization": f"Bearer {token.json()['token']}"}
    )
    assert listed.status_code == 200


def test_a_bad_bearer_token_is_401_even_where_anonymous_is_allowed() -> None:
    response = Api().post("/cases", BODY, headers={"Authorization": "Bearer nope"})

    assert response.status_code == 401
    assert Case.objects.count() == 0


def test_categories_are_listed_in_both_languages() -> None:
    zh = Api().client.get("/api/v1/categories", headers={"Accept-Language": "zh-hans"}).json()
    en = Api().client.get("/api/v1/categories", headers={"Accept-Language": "en"}).json()

    assert {"code": "environment.noise", "name": "噪声污染"} in zh
    assert {"code": "environment.noise", "name": "Noise"} in en
