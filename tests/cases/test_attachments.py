"""Photos and files: checked by content, limited, and served only to those allowed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from grassroots.cases import services
from grassroots.cases.models import Attachment
from tests.cases.conftest import Api
from tests.factories.cases import submit

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(tmp_path: Path, settings: Any) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _upload(api: Api, path: str, name: str, content: bytes, **form: Any) -> Any:
    return api.client.post(
        f"/api/v1{path}", {"file": SimpleUploadedFile(name, content), **form}, headers=api.headers
    )


def test_resident_adds_a_photo_and_sees_it_with_the_secret(media: Path) -> None:
    case = submit()
    api = Api()

    created = _upload(
        api, f"/track/{case.tracking_code}/attachments", "lamp.png", PNG, secret=case.secret
    )
    fetched = api.client.get(created.json()["url"], {"secret": case.secret})
    denied = api.client.get(created.json()["url"], {"secret": "WRONG"})

    assert created.status_code == 201, created.content
    assert created.json()["content_type"] == "image/png"
    assert fetched.status_code == 200 and b"".join(fetched.streaming_content) == PNG
    assert fetched["Content-Type"] == "image/png"
    assert denied.status_code == 404
    stored = Attachment.objects.get()
    assert stored.file.name.startswith("cases/") and stored.file.name.endswith(".png")
    assert Path(stored.file.path).is_relative_to(media)


def test_a_file_that_is_not_a_photo_or_pdf_is_refused_whatever_its_name() -> None:
    case = submit()

    response = _upload(
        Api(),
        f"/track/{case.tracking_code}/attachments",
        "photo.jpg",
        b"<html><script>alert(1)</script>",
        secret=case.secret,
    )

    assert response.status_code == 415
    assert response.json()["code"] == "invalid_case"
    assert Attachment.objects.count() == 0


def test_size_and_count_are_limited(settings: Any) -> None:
    settings.CASE_ATTACHMENT_MAX_BYTES = 100
    settings.CASE_ATTACHMENT_MAX_COUNT = 1
    case = submit()
    url = f"/track/{case.tracking_code}/attachments"

    too_big = _upload(Api(), url, "big.jpg", JPEG + b"\x00" * 200, secret=case.secret)
    first = _upload(Api(), url, "a.jpg", JPEG, secret=case.secret)
    second = _upload(Api(), url, "b.jpg", JPEG, secret=case.secret)

    assert (too_big.status_code, first.status_code, second.status_code) == (413, 201, 422)
    assert Attachment.objects.count() == 1


def test_staff_who_cannot_see_the_case_cannot_fetch_its_files(tree: Any, people: Any) -> None:
    case = submit()
    services.dispatch_case(case, unit=tree["s1"], actor=people["dispatcher"])
    attachment = services.attach_file(
        case, upload=SimpleUploadedFile("x.jpg", JPEG), actor=people["dispatcher"], public=False
    )
    url = f"/api/v1/cases/{case.pk}/attachments/{attachment.pk}"

    own = Api(people["handler1"])
    other = Api(people["handler2"])

    assert own.client.get(url, headers=own.headers).status_code == 200
    assert other.client.get(url, headers=other.headers).status_code == 404
    # A staff-only file is not served to the resident either.
    resident = Api().client.get(
        f"/api/v1/track/{case.tracking_code}/attachments/{attachment.pk}", {"secret": case.secret}
    )
    assert resident.status_code == 404


def test_media_is_outside_the_static_and_template_roots() -> None:
    media = Path(settings.MEDIA_ROOT).resolve()
    assert not media.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert settings.MEDIA_URL in ("", "/")  # no URL serves uploads directly


def test_a_staff_upload_is_staff_only_unless_it_says_public(tree: Any, people: Any) -> None:
    case = submit()
    services.dispatch_case(case, unit=tree["s1"], actor=people["dispatcher"])
    api = Api(people["handler1"])

    def upload(**form: Any) -> Any:
        response = api.client.post(
            f"/api/v1/cases/{case.pk}/attachments",
            {"file": SimpleUploadedFile("x.jpg", JPEG, content_type="image/jpeg"), **form},
            headers=api.headers,
        )
        assert response.status_code == 201, response.content
        return response.json()

    assert upload()["public"] is False
    assert upload(public="true")["public"] is True
    shown = Api().get(f"/track/{case.tracking_code}", secret=case.secret).json()
    assert len(shown["attachments"]) == 1  # only the one marked public
