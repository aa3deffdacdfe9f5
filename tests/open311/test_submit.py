"""POST requests: a partner submits a service request; every refusal writes nothing."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest

from grassroots.cases.models import Case, IdempotencyRecord
from grassroots.core import ratelimit
from grassroots.core.models import AuditEntry
from grassroots.open311 import services
from grassroots.open311.models import ApiKey, Open311Submission

from .conftest import SERVICE, Open311, report
from .shapes import parse_xml

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int]:
    return Case.objects.count(), AuditEntry.objects.count(), Open311Submission.objects.count()


def _error(response: Any) -> tuple[int, int, str]:
    body = json.loads(response.content)
    assert isinstance(body, list) and len(body) == 1
    return response.status_code, body[0]["code"], body[0]["description"]


def test_post_creates_one_case_on_the_open311_channel_with_the_partner(
    o311: Open311, roads: Any, key: str
) -> None:
    response = o311.post("requests.json", report(key))

    assert response.status_code == 201
    assert response["Content-Type"] == "application/json; charset=utf-8"
    [created] = json.loads(response.content)
    assert set(created) == {"service_request_id", "service_notice", "account_id"}
    case = Case.objects.get()
    assert created["service_request_id"] == case.tracking_code
    assert created["account_id"] == "acct-7"
    assert (case.channel, case.channel_detail, case.kind) == ("open311", "Street app", "complaint")
    assert case.category is not None and case.category.code == SERVICE
    assert case.resident is not None
    assert case.subject == "Roads and bridges: A large pothole in the right lane."
    assert (case.lat, case.lng, case.address) == (39.9087, 116.3975, "东长安街 1 号")
    assert case.place_unit is not None and case.place_unit.code == "O311CITY"
    assert (case.resident.name, case.resident.phone, case.resident.email) == (
        "Mei Wang", "13912345678", "mei.wang@example.org")  # fmt: skip
    submission = case.open311
    assert submission.attributes == {"SURFACE": "asphalt", "DEPTH": "12"}
    assert (submission.media_url, submission.device_id, submission.account_id) == (
        "https://img.example.org/p/1.jpg", "dev-42", "acct-7")  # fmt: skip
    assert AuditEntry.objects.filter(action="open311.request.submitted").count() == 1
    assert ApiKey.objects.get().last_used_at is not None


def test_returned_id_tracks_back_through_get_request(o311: Open311, roads: Any, key: str) -> None:
    [created] = json.loads(o311.post("requests.json", report(key)).content)

    status, body = o311.json(f"requests/{created['service_request_id']}.json")

    assert status == 200
    assert [r["service_request_id"] for r in body] == [created["service_request_id"]]
    assert body[0]["status"] == "open"
    assert body[0]["service_code"] == SERVICE
    assert body[0]["media_url"] == "https://img.example.org/p/1.jpg"


def test_post_answers_in_xml_too(o311: Open311, roads: Any, key: str) -> None:
    response = o311.post("requests.xml", report(key))

    assert response.status_code == 201
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = parse_xml(response.content)
    assert root.tag == "service_requests"
    [request] = list(root)
    assert [c.tag for c in request] == ["service_request_id", "service_notice", "account_id"]
    assert request.findtext("service_request_id") == Case.objects.get().tracking_code


def test_a_point_is_accepted_before_any_area_is_imported(
    o311: Open311, partner: Any, key: str
) -> None:
    form = {k: v for k, v in report(key).items() if not k.startswith("attribute")}

    response = o311.post("requests.json", form)

    assert response.status_code == 201
    assert Case.objects.get().place_unit is None


def test_chinese_names_keep_family_name_first(o311: Open311, roads: Any, key: str) -> None:
    o311.post("requests.json", report(key, first_name="美", last_name="王"))

    resident = Case.objects.get().resident
    assert resident is not None and resident.name == "王美"


def test_multivaluelist_takes_several_values(o311: Open311, roads: Any, key: str) -> None:
    from grassroots.open311.models import ServiceAttribute

    services.save_service_attribute(ServiceAttribute(
        category=roads, code="LANES", datatype="multivaluelist", order=3, description_zh="车道",
        values=[{"key": "1", "name_zh": "一"}, {"key": "2", "name_zh": "二"}],
    ), actor=None)  # fmt: skip
    form = report(key)
    form["attribute[LANES][]"] = ["2", "1"]

    assert o311.post("requests.json", form).status_code == 201
    assert Case.objects.get().open311.attributes["LANES"] == ["1", "2"]


def test_address_alone_or_address_id_alone_is_a_location(
    o311: Open311, roads: Any, key: str
) -> None:
    by_address = report(key, lat="", long="")
    by_id = {k: v for k, v in report(key).items() if k not in ("lat", "long", "address_string")}
    by_id["address_id"] = "545483"

    assert o311.post("requests.json", by_address).status_code == 201
    assert o311.post("requests.json", by_id).status_code == 201
    case = Case.objects.get(open311__address_id="545483")
    assert (case.address, case.lat) == ("545483", None)


def test_retry_with_the_same_idempotency_key_returns_the_same_id(
    o311: Open311, roads: Any, key: str
) -> None:
    headers = {"Idempotency-Key": "retry-1"}
    first = o311.post("requests.json", report(key), headers=headers)
    second = o311.post("requests.json", report(key), headers=headers)

    assert (first.status_code, second.status_code) == (201, 200)
    assert second["Idempotent-Replayed"] == "true"
    assert json.loads(first.content) == json.loads(second.content)
    assert Case.objects.count() == 1
    partner_id = ApiKey.objects.get().partner_id
    assert IdempotencyRecord.objects.get().key.endswith(f"open311:{partner_id}:retry-1")


def test_same_idempotency_key_with_other_answers_is_refused(
    o311: Open311, roads: Any, key: str
) -> None:
    headers = {"Idempotency-Key": "retry-2"}
    o311.post("requests.json", report(key), headers=headers)
    before = _counts()

    response = o311.post("requests.json", report(key, **{"attribute[DEPTH]": "3"}),
                         headers=headers)  # fmt: skip

    assert response.status_code == 400
    assert _counts() == before


def test_idempotency_keys_of_two_partners_do_not_meet(o311: Open311, roads: Any, key: str) -> None:
    other = services.create_partner("Kiosk", actor=None)
    other_key, _record = services.issue_api_key(other, scopes=["requests:write"], actor=None)
    headers = {"Idempotency-Key": "same"}

    a = json.loads(o311.post("requests.json", report(key), headers=headers).content)
    b = json.loads(o311.post("requests.json", report(other_key), headers=headers).content)

    assert a[0]["service_request_id"] != b[0]["service_request_id"]
    assert Case.objects.count() == 2


def _revoked(key: str) -> str:
    services.revoke_api_key(ApiKey.objects.get(key_hash=services.hash_key(key)), actor=None)
    return key


@pytest.mark.parametrize(
    "api_key",
    ["", "not-a-key", "o311_forged", "REVOKED", "INACTIVE", "READONLY"],
)
def test_bad_missing_or_revoked_api_key_is_403_and_writes_nothing(
    o311: Open311, roads: Any, key: str, api_key: str
) -> None:
    if api_key == "REVOKED":
        api_key = _revoked(key)
    elif api_key == "INACTIVE":
        services.update_partner(ApiKey.objects.get().partner, actor=None, is_active=False)
        api_key = key
    elif api_key == "READONLY":
        partner = ApiKey.objects.get().partner
        api_key, _r = services.issue_api_key(partner, scopes=["requests:read"], actor=None)
    before = _counts()

    response = o311.post("requests.json", report(api_key))

    assert response.status_code == 403
    assert _error(response)[1] == 403
    assert _counts() == before


def test_missing_api_key_field_is_403_in_xml(o311: Open311, roads: Any) -> None:
    response = o311.post("requests.xml", {"service_code": SERVICE, "lat": "1", "long": "1"})

    assert response.status_code == 403
    root = parse_xml(response.content)
    assert root.tag == "errors"
    assert [e.tag for e in root[0]] == ["code", "description"]
    assert root[0].findtext("code") == "403"
    assert "api_key" in (root[0].findtext("description") or "")


REFUSED = [
    ("missing service_code", {"service_code": ""}, 400, "service_code"),
    ("unknown service_code", {"service_code": "no.such"}, 404, "service_code"),
    ("no location", {"lat": "", "long": "", "address_string": ""}, 400, "location"),
    ("lat without long", {"long": ""}, 400, "lat and long"),
    ("lat not a number", {"lat": "north"}, 400, "lat and long"),
    ("lat NaN", {"lat": "nan"}, 400, "lat and long"),
    ("lat off the Earth", {"lat": "91"}, 400, "lat and long"),
    ("required attribute missing", {"attribute[SURFACE]": ""}, 400, "attribute[SURFACE]"),
    ("value not in the list", {"attribute[SURFACE]": "gravel"}, 400, "attribute[SURFACE]"),
    ("number that is not one", {"attribute[DEPTH]": "deep"}, 400, "attribute[DEPTH]"),
    ("description too long", {"description": "x" * 5001}, 400, "description"),
    ("bad email", {"email": "not-an-email"}, 400, "email"),
    ("bad media_url", {"media_url": "javascript:alert(1)"}, 400, "media_url"),
    ("bad phone", {"phone": "call me"}, 400, "phone"),
    ("other jurisdiction", {"jurisdiction_id": "sfgov.org"}, 404, "jurisdiction_id"),
]


@pytest.mark.parametrize(("overrides", "status", "named"),
                         [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])  # fmt: skip
def test_refused_request_names_the_problem_and_writes_nothing(
    o311: Open311, roads: Any, key: str, overrides: dict[str, str], status: int, named: str
) -> None:
    before = _counts()

    response = o311.post("requests.json", report(key, **overrides))

    http, code, description = _error(response)
    assert (http, code) == (status, status)
    assert named in description
    assert _counts() == before


def test_own_jurisdiction_id_is_accepted(o311: Open311, roads: Any, key: str) -> None:
    response = o311.post("requests.json", report(key, jurisdiction_id="grassroots.local"))

    assert response.status_code == 201


def test_key_over_its_rate_is_429(
    o311: Open311, roads: Any, key: str, key_record: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One fixed minute: the limit's window must not roll over in the middle of the test.
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 60.0 * 29_000_000))
    key_record.rate_per_minute = 2
    key_record.save()
    statuses = [o311.post("requests.json", report(key)).status_code for _ in range(3)]

    assert statuses == [201, 201, 429]
    assert _error(o311.post("requests.json", report(key)))[:2] == (429, 429)
    assert Case.objects.count() == 2


def test_body_that_is_not_a_form_is_refused(o311: Open311, roads: Any, key: str) -> None:
    response = o311.client.post("/open311/v2/requests.json", json.dumps(report(key)),
                                content_type="application/json")  # fmt: skip

    assert response.status_code == 403  # no form, so no api_key
    assert Case.objects.count() == 0


def test_oversized_body_is_a_400_error_document(
    o311: Open311, roads: Any, key: str, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = o311.post("requests.json", report(key, description="x" * 2000))

    assert _error(response) == (400, 400, "The request is too large.")
    assert Case.objects.count() == 0
