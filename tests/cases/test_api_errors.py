"""Refusals of the cases API: out-of-range queries, garbage references and files gone from the
disk are 4xx answers in the one error shape, never a 500; messages speak the request's language."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from grassroots.cases import services
from grassroots.cases.enums import CaseStatus
from grassroots.cases.models import Case
from tests.cases.conftest import Api
from tests.factories.cases import submit

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.mark.parametrize(
    "query",
    [
        {"page": "99999999999999999999"},
        {"page": "1000000000000000000"},
        {"page": "100001"},
        {"page": "0"},
        {"page_size": "201"},
        {"received_from": "0001-01-01"},
        {"received_to": "9999-12-31"},
        {"received_from": "1899-12-31"},
    ],
)
def test_a_list_query_out_of_range_is_a_422_naming_the_field(people: Any, query: Any) -> None:
    response = Api(people["dispatcher"]).get("/cases", **query)

    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert [d["loc"] for d in body["details"]] == [["query", *query]]


def test_the_last_allowed_page_and_days_are_answered(people: Any) -> None:
    case = submit()
    api = Api(people["dispatcher"])

    last_page = api.get("/cases", page="100000", page_size="200")
    widest = api.get("/cases", received_from="1900-01-01", received_to="2999-12-31")

    assert last_page.status_code == 200 and last_page.json()["items"] == []
    assert widest.status_code == 200
    assert [item["id"] for item in widest.json()["items"]] == [case.pk]


@pytest.mark.parametrize("into", ["²", "١٢", "1²", "x" * 64, "9" * 19, ""])
def test_merging_into_garbage_is_a_404_and_changes_nothing(people: Any, into: str) -> None:
    case = submit()

    response = Api(people["dispatcher"]).post(f"/cases/{case.pk}/merge", {"into": into})

    assert response.status_code == 404, response.content
    assert response.json()["code"] == "case_not_found"
    assert Case.objects.get(pk=case.pk).status == CaseStatus.RECEIVED


def test_merging_into_a_case_named_by_its_id_still_works(people: Any) -> None:
    parent, duplicate = submit(), submit()

    response = Api(people["dispatcher"]).post(
        f"/cases/{duplicate.pk}/merge", {"into": f" {parent.pk} "}
    )

    assert response.status_code == 200, response.content
    assert response.json()["parent"] == parent.tracking_code


def test_a_merge_reference_longer_than_a_tracking_code_can_be_is_a_422(people: Any) -> None:
    case = submit()

    response = Api(people["dispatcher"]).post(f"/cases/{case.pk}/merge", {"into": "1" * 65})

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


@pytest.fixture
def lost_photo(tmp_path: Path, settings: Any) -> Any:
    """A case whose photo's row is still there but whose file was deleted from the disk."""
    settings.MEDIA_ROOT = tmp_path
    case = submit()
    photo = services.attach_file(
        case,
        upload=SimpleUploadedFile("lamp.png", PNG, content_type="image/png"),
        actor=services.RESIDENT,
    )
    Path(photo.file.path).unlink()
    return case, photo


def test_staff_download_of_a_missing_file_is_a_404_and_a_warning(
    people: Any, lost_photo: Any, caplog: Any
) -> None:
    case, photo = lost_photo

    with caplog.at_level(logging.WARNING, logger="grassroots.cases.api"):
        response = Api(people["dispatcher"]).get(f"/cases/{case.pk}/attachments/{photo.pk}")

    assert response.status_code == 404
    assert response.json()["code"] == "case_not_found"
    assert f"attachment {photo.pk}" in caplog.text and "missing" in caplog.text


def test_resident_download_of_a_missing_file_is_a_404(lost_photo: Any) -> None:
    case, photo = lost_photo

    response = Api().get(f"/track/{case.tracking_code}/attachments/{photo.pk}", secret=case.secret)

    assert response.status_code == 404
    assert response.json()["code"] == "case_not_found"


def test_the_track_page_photo_missing_on_disk_is_a_404(lost_photo: Any) -> None:
    case, photo = lost_photo
    client = Client()
    client.post("/track/", {"code": case.tracking_code, "secret": case.secret})

    response = client.get(f"/track/{case.tracking_code}/photos/{photo.pk}/")

    assert response.status_code == 404


def test_an_illegal_step_names_the_action_in_chinese(people: Any) -> None:
    case = submit()
    api = Api(people["dispatcher"])

    response = api.client.post(
        f"/api/v1/cases/{case.pk}/close",
        {},
        content_type="application/json",
        headers={**api.headers, "Accept-Language": "zh-hans"},
    )

    assert response.status_code == 409
    assert response.json() == {
        "code": "illegal_transition",
        "message": "工单处于“已受理”状态时不能执行“办结”。",
    }


def test_an_illegal_step_names_the_action_in_english(people: Any) -> None:
    case = submit()
    api = Api(people["dispatcher"])

    response = api.client.post(
        f"/api/v1/cases/{case.pk}/close",
        {},
        content_type="application/json",
        headers={**api.headers, "Accept-Language": "en"},
    )

    assert response.status_code == 409
    assert response.json()["message"].startswith("“Close” is not possible while the case is")


def test_a_body_that_is_not_json_is_a_400_with_the_api_s_own_message(people: Any) -> None:
    api = Api(people["dispatcher"])

    response = api.client.post(
        "/api/v1/cases",
        "{not json",
        content_type="application/json",
        headers={**api.headers, "Accept-Language": "en"},
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "http_error",
        "message": "Cannot parse the request body: send a valid JSON document.",
    }


@pytest.mark.parametrize("body", ['"x"', "5", "[]", "null"])
def test_an_action_body_that_is_not_an_object_is_a_422(people: Any, body: str) -> None:
    case = submit()
    api = Api(people["dispatcher"])

    response = api.client.post(
        f"/api/v1/cases/{case.pk}/supervise",
        body,
        content_type="application/json",
        headers=api.headers,
    )

    assert response.status_code == 422, response.content
    assert response.json()["code"] == "invalid"
    assert Case.objects.get(pk=case.pk).supervise_count == 0
