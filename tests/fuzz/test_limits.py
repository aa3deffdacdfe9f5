"""Limits and hostile values: each a clear 4xx with nothing written; text stored as written."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from grassroots.cases.models import Case
from tests.cases.conftest import Api
from tests.factories.cases import submit
from tests.factories.organizations import UserFactory

from .conftest import row_counts

pytestmark = pytest.mark.django_db
VALID = {"kind": "complaint", "subject": "Pothole", "description": "Deep one."}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _post(body: Any, content_type: str = "application/json") -> Any:
    data = json.dumps(body) if content_type == "application/json" else body
    return Client().post("/api/v1/cases", data, content_type=content_type)


@pytest.mark.parametrize(
    ("override", "status"),
    [
        ({"subject": "x" * 201}, 422),
        ({"description": "x" * 5001}, 422),
        ({"lat": 91.0, "lng": 116.0}, 422),
        ({"lat": "north", "lng": 116.0}, 422),
        ({"lat": 39.9}, 422),
        ({"category": "no.such.category"}, 422),
        ({"kind": "spell"}, 422),
        ({"lat": 39.9, "lng": 116.3, "datum": "mars"}, 422),
    ],
)
def test_bad_intake_is_a_clear_4xx_and_writes_nothing(
    override: dict[str, Any], status: int
) -> None:
    before = row_counts()

    response = _post({**VALID, **override})

    assert (response.status_code, set(response.json()) >= {"code", "message"}) == (status, True)
    assert row_counts() == before


def test_text_at_the_limits_is_accepted() -> None:
    response = _post({**VALID, "subject": "x" * 200, "description": "y" * 5000})

    assert response.status_code == 201


@pytest.mark.parametrize(
    ("data", "content_type"),
    [("subject=Pothole&kind=complaint", "application/x-www-form-urlencoded"),
     ("kind: complaint", "text/plain"), ("{not json", "application/json")],
)  # fmt: skip
def test_wrong_content_types_are_refused(data: str, content_type: str) -> None:
    before = row_counts()

    response = _post(data, content_type=content_type)

    assert 400 <= response.status_code < 500
    assert set(response.json()) >= {"code", "message"}
    assert row_counts() == before


def test_a_body_over_the_upload_limit_is_a_json_4xx() -> None:
    before = row_counts()
    huge = {**VALID, "description": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}

    response = _post(huge)

    assert response.status_code in (400, 413, 422)
    assert set(response.json()) >= {"code", "message"}
    assert row_counts() == before


@pytest.mark.parametrize(
    "params",
    [{"page_size": 201}, {"page_size": 0}, {"page": 0}, {"received_from": "2025-13-45"},
     {"received_to": "yesterday"}, {"overdue": "maybe"}],
)  # fmt: skip
def test_bad_list_parameters_are_422(params: dict[str, Any]) -> None:
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)

    response = Api(admin).get("/cases", **params)

    assert (response.status_code, response.json()["code"]) == (422, "invalid")


def test_photos_beyond_the_per_case_limit_are_refused(settings: Any) -> None:
    settings.CASE_ATTACHMENT_MAX_COUNT = 2
    case = submit()
    url = f"/api/v1/track/{case.tracking_code}/attachments"

    def upload() -> Any:
        file = SimpleUploadedFile("p.png", PNG)
        return Client().post(url, {"file": file, "secret": case.secret})

    statuses = [upload().status_code for _ in range(3)]

    assert statuses[:2] == [201, 201]
    assert 400 <= statuses[2] < 500
    assert case.attachments.count() == 2


SCRIPT = "<script>alert(1)</script>"


def test_hostile_text_is_stored_as_written_and_json_escaped() -> None:
    response = _post({**VALID, "subject": SCRIPT, "description": "'; DROP TABLE cases_case; --"})

    stored = Case.objects.get(pk=response.json()["id"])
    assert (stored.subject, stored.description) == (SCRIPT, "'; DROP TABLE cases_case; --")
    assert response["Content-Type"].startswith("application/json")


def test_the_admin_change_list_shows_hostile_text_escaped() -> None:
    submit(subject=SCRIPT)
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin)

    response = client.get("/admin/cases/case/")

    assert response.status_code == 200
    html = response.content.decode()
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
