"""GET services, service definitions, requests and tokens: public output, spec defaults."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from grassroots.cases import services as cases
from grassroots.cases.models import Case
from grassroots.open311.models import Open311Submission
from grassroots.open311.queries import LIMIT
from tests.factories.cases import submit

from .conftest import SERVICE, Open311

pytestmark = pytest.mark.django_db


def _case(days_ago: float = 0, **fields: Any) -> Case:
    case = submit(category=fields.pop("category", SERVICE), address="Elm Road 12", **fields)
    if days_ago:
        Case.objects.filter(pk=case.pk).update(received_at=timezone.now() - timedelta(days_ago))
        case.refresh_from_db()
    return case


def _ids(body: list[dict[str, Any]]) -> set[str]:
    return {r["service_request_id"] for r in body}


def test_services_are_the_leaf_categories_grouped_by_their_parent(
    o311: Open311, roads: Any
) -> None:
    status, body = o311.json("services.json")

    assert status == 200
    by_code = {s["service_code"]: s for s in body}
    assert "urban" not in by_code  # a group, not a service
    assert by_code[SERVICE] == {
        "service_code": SERVICE, "service_name": "Roads and bridges", "description": None,
        "metadata": True, "type": "realtime", "keywords": "pothole, road, bridge, 路面, 坑洼",
        "group": "Urban construction",
    }  # fmt: skip
    assert by_code["urban.greening"]["metadata"] is False


def test_services_speak_the_language_asked_for(o311: Open311, roads: Any) -> None:
    response = o311.client.get("/open311/v2/services.json", headers={"accept-language": "zh-hans"})

    names = {s["service_code"]: s["service_name"] for s in response.json()}
    assert names[SERVICE] == "道路桥梁"


def test_service_definition_lists_the_questions_in_order(o311: Open311, roads: Any) -> None:
    status, body = o311.json(f"services/{SERVICE}.json")

    assert status == 200
    assert body["service_code"] == SERVICE
    assert [a["code"] for a in body["attributes"]] == ["SURFACE", "DEPTH"]
    surface = body["attributes"][0]
    assert surface == {
        "variable": True, "code": "SURFACE", "datatype": "singlevaluelist", "required": True,
        "datatype_description": None, "order": 1, "description": "Road surface",
        "values": [{"key": "asphalt", "name": "Asphalt"}, {"key": "brick", "name": "Brick"}],
    }  # fmt: skip
    assert body["attributes"][1]["values"] == []


def test_unknown_service_definition_is_404(o311: Open311, roads: Any) -> None:
    status, body = o311.json("services/no.such.json")

    assert status == 404
    assert body[0]["code"] == 404


def test_request_maps_our_lifecycle_to_open_and_closed(o311: Open311, roads: Any) -> None:
    open_case = _case()
    rejected = cases.reject_case(_case(), reason="Not within the city.", actor=None)
    parent = _case()
    merged = cases.merge_case(_case(), into=parent, actor=None)

    _s, body = o311.json("requests.json")

    out = {r["service_request_id"]: r for r in body}
    assert out[open_case.tracking_code]["status"] == "open"
    assert out[open_case.tracking_code]["service_notice"] == "Received"
    assert out[rejected.tracking_code]["status"] == "closed"
    assert out[rejected.tracking_code]["status_notes"] == "Not within the city."
    assert out[merged.tracking_code]["status"] == "closed"
    assert out[merged.tracking_code]["status_notes"] == (
        f"Duplicate request (see {parent.tracking_code})."
    )


def test_request_shows_deadline_and_times_with_the_zone_offset(o311: Open311, roads: Any) -> None:
    case = _case()

    _s, [out] = o311.json(f"requests/{case.tracking_code}.json")

    assert out["requested_datetime"] == timezone.localtime(case.received_at).isoformat(
        timespec="seconds")  # fmt: skip
    assert out["requested_datetime"].endswith("+08:00")  # Asia/Shanghai
    assert out["expected_datetime"] is not None and out["expected_datetime"].endswith("+08:00")
    assert out["agency_responsible"] is None  # not dispatched yet


def test_the_public_sees_no_address_and_only_the_snapped_point(o311: Open311, roads: Any) -> None:
    # given a case at an exact point and a street address (often the resident's own door)
    case = submit(category=SERVICE, address="Elm Road 12", lat=39.90871, lng=116.39752)

    _s, [out] = o311.json(f"requests/{case.tracking_code}.json")

    # then GET shows the centre of its 0.002-degree cell, as the public map does, and no address
    assert (out["lat"], out["long"]) == (39.909, 116.397)
    assert (out["address"], out["address_id"]) == (None, None)
    assert (case.lat, case.lng) == (39.90871, 116.39752)  # the staff keep the exact point


def test_default_window_is_the_last_90_days(o311: Open311, roads: Any) -> None:
    recent, old = _case(days_ago=89), _case(days_ago=91)

    _s, body = o311.json("requests.json")

    assert recent.tracking_code in _ids(body)
    assert old.tracking_code not in _ids(body)


def test_dates_filter_on_the_requested_time(o311: Open311, roads: Any) -> None:
    inside, outside = _case(days_ago=120), _case(days_ago=10)
    start = (timezone.now() - timedelta(days=150)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (timezone.now() - timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ")

    _s, body = o311.json("requests.json", start_date=start, end_date=end)

    assert _ids(body) == {inside.tracking_code}
    assert outside.tracking_code not in _ids(body)


def test_start_date_alone_opens_a_90_day_window(o311: Open311, roads: Any) -> None:
    inside, after = _case(days_ago=150), _case(days_ago=10)
    start = (timezone.now() - timedelta(days=160)).isoformat()

    _s, body = o311.json("requests.json", start_date=start)

    assert _ids(body) == {inside.tracking_code}
    assert after.tracking_code not in _ids(body)


@pytest.mark.parametrize("params", [
    {"start_date": "2010-01-01T00:00:00Z", "end_date": "2010-05-01T00:00:00Z"},  # > 90 days
    {"start_date": "2010-05-01T00:00:00Z", "end_date": "2010-01-01T00:00:00Z"},  # reversed
    {"start_date": "yesterday"},
    {"end_date": "2010-13-45"},
    {"status": "pending"},
])  # fmt: skip
def test_bad_filters_are_400(o311: Open311, roads: Any, params: dict[str, str]) -> None:
    status, body = o311.json("requests.json", **params)

    assert (status, body[0]["code"]) == (400, 400)


def test_status_and_service_code_filters(o311: Open311, roads: Any) -> None:
    road = _case()
    rejected = cases.reject_case(_case(), reason="Spam.", actor=None)
    green = _case(category="urban.greening")

    both_open = {road.tracking_code, green.tracking_code}
    assert _ids(o311.json("requests.json", status="open")[1]) == both_open
    assert _ids(o311.json("requests.json", status="closed")[1]) == {rejected.tracking_code}
    assert len(o311.json("requests.json", status="open,closed")[1]) == 3
    assert _ids(o311.json("requests.json", service_code="urban.greening")[1]) == {
        green.tracking_code}  # fmt: skip
    assert len(o311.json("requests.json", service_code=f"urban.greening,{SERVICE}")[1]) == 3


def test_service_request_id_overrides_the_other_filters(o311: Open311, roads: Any) -> None:
    old, new = _case(days_ago=200), _case()

    _s, body = o311.json("requests.json", service_request_id=f"{old.tracking_code},"
                         f"{new.tracking_code}", status="closed")  # fmt: skip

    assert _ids(body) == {old.tracking_code, new.tracking_code}


def test_at_most_1000_requests_newest_first(o311: Open311, roads: Any) -> None:
    first = _case()
    rows = [Case(tracking_code=f"9{i:011d}", secret="X", kind="complaint", channel="web",
                 subject="s", received_at=timezone.now() - timedelta(hours=1 + i / 100))
            for i in range(LIMIT)]  # fmt: skip
    Case.objects.bulk_create(rows)

    _s, body = o311.json("requests.json")

    assert len(body) == LIMIT
    assert body[0]["service_request_id"] == first.tracking_code


def test_confidential_cases_are_never_shown(o311: Open311, roads: Any) -> None:
    secret = _case(confidential=True)

    assert secret.tracking_code not in _ids(o311.json("requests.json")[1])
    assert o311.json(f"requests/{secret.tracking_code}.json")[0] == 404
    ids = o311.json("requests.json", service_request_id=secret.tracking_code)[1]
    assert ids == []


def test_no_personal_data_in_any_get_output(o311: Open311, roads: Any, key: str) -> None:
    from .conftest import report

    o311.post("requests.json", report(key, lat="", long=""))
    case = Case.objects.get()
    submission = Open311Submission.objects.get()
    pages = [
        o311.get("requests.json").content, o311.get("requests.xml").content,
        o311.get(f"requests/{case.tracking_code}.json").content,
        o311.get(f"requests/{case.tracking_code}.xml").content,
        o311.get(f"tokens/{submission.token}.json").content,
    ]  # fmt: skip

    for page in pages:
        text = page.decode()
        for personal in ("Mei", "Wang", "13912345678", "mei.wang@example.org", "dev-42",
                         "acct-7", case.secret):  # fmt: skip
            assert personal not in text


def test_token_leads_to_the_request(o311: Open311, roads: Any, key: str) -> None:
    from .conftest import report

    o311.post("requests.json", report(key, lat="", long=""))
    submission = Open311Submission.objects.get()

    status, body = o311.json(f"tokens/{submission.token}.json")

    assert status == 200
    assert body == [{"service_request_id": submission.case.tracking_code,
                     "token": submission.token}]  # fmt: skip
    assert o311.json("tokens/nope.json")[0] == 404


def test_unknown_request_is_404(o311: Open311, roads: Any) -> None:
    status, body = o311.json("requests/000000000000.json")

    assert (status, body[0]["code"]) == (404, 404)


@pytest.mark.parametrize("path", ["services.json", f"services/{SERVICE}.json", "requests.json",
                                  "requests/123.json", "tokens/abc.json"])  # fmt: skip
def test_other_jurisdiction_is_404_everywhere(o311: Open311, roads: Any, path: str) -> None:
    status, body = o311.json(path, jurisdiction_id="sfgov.org")

    assert status == 404
    assert body == [{"code": 404, "description": "jurisdiction_id provided was not found."}]


def test_empty_jurisdiction_is_as_if_not_given(o311: Open311, roads: Any) -> None:
    assert o311.json("services.json", jurisdiction_id="")[0] == 200


@pytest.mark.parametrize("path", ["services.yaml", "requests.html", "requests/1.csv",
                                  "nothing-here", "services"])  # fmt: skip
def test_unknown_format_or_path_is_a_404_error_document(o311: Open311, path: str) -> None:
    response = o311.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert b"<errors>" in response.content


def test_wrong_method_is_refused_with_allow(o311: Open311, roads: Any) -> None:
    response = o311.client.delete("/open311/v2/services.json")

    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json()[0]["code"] == 405


def test_reads_past_the_per_address_limit_get_the_spec_error_document_and_429(
    o311: Open311, roads: Any, settings: Any
) -> None:
    # given a limit of three reads a minute per address
    settings.OPEN311_READ_RATE_PER_MINUTE = 3
    # when one address reads four times
    statuses = [o311.get("services.json").status_code for _ in range(4)]
    # then the fourth is refused in the spec's error format, and XML asks are refused in XML too
    assert statuses == [200, 200, 200, 429]
    status, body = o311.json("services.json")
    assert status == 429
    assert body == [
        {"code": 429, "description": "Too many requests from this address; wait a minute."}
    ]
    assert o311.get("services.xml").status_code == 429


def test_a_zero_read_limit_means_no_limit(o311: Open311, roads: Any, settings: Any) -> None:
    settings.OPEN311_READ_RATE_PER_MINUTE = 0

    statuses = {o311.get("services.json").status_code for _ in range(20)}

    assert statuses == {200}
