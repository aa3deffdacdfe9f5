"""The resident's photos on the track page: served to the resident holding the secret and to
staff who may see the case, never to anyone else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from grassroots.cases import services
from grassroots.cases.models import Attachment, Case
from tests.factories.cases import submit

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4 minutes of the meeting"


@pytest.fixture
def photographed(city: Any, tmp_path: Path, settings: Any) -> tuple[Case, Attachment]:
    settings.MEDIA_ROOT = tmp_path
    case = submit(lat=39.1, lng=116.1)
    photo = services.attach_file(
        case,
        upload=SimpleUploadedFile("bench.png", PNG, content_type="image/png"),
        actor=services.RESIDENT,
    )
    return case, photo


def tracking(case: Case) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.post("/track/", {"code": case.tracking_code, "secret": case.secret})
    return client


def url(case: Case, attachment: Attachment) -> str:
    return f"/track/{case.tracking_code}/photos/{attachment.pk}/"


def test_the_resident_sees_a_thumbnail_and_gets_the_photo(photographed: Any) -> None:
    case, photo = photographed
    client = tracking(case)
    page = client.get(f"/track/{case.tracking_code}/").content.decode()
    assert f'<img src="{url(case, photo)}" alt="Your photo 1" loading="lazy">' in page
    response = client.get(url(case, photo))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_the_public_never_gets_the_photo(photographed: Any) -> None:
    case, photo = photographed
    stranger = Client()
    assert stranger.get(url(case, photo)).status_code == 404
    assert (
        stranger.get(f"/track/{case.tracking_code}/photos/{photo.pk}/?secret=x").status_code == 404
    )


def test_the_secret_of_another_case_does_not_open_this_photo(photographed: Any) -> None:
    case, photo = photographed
    other = submit()
    client = tracking(other)
    assert client.get(url(case, photo)).status_code == 404
    assert client.get(f"/track/{other.tracking_code}/photos/{photo.pk}/").status_code == 404


def test_staff_who_see_the_case_get_it_others_do_not(photographed: Any, people: Any) -> None:
    case, photo = photographed
    services.dispatch_case(case, unit=case.place_unit, actor=people["dispatcher"])
    dispatcher, foreign = Client(), Client()
    dispatcher.force_login(people["dispatcher"])
    foreign.force_login(people["handler2"])
    assert dispatcher.get(url(case, photo)).status_code == 200
    assert foreign.get(url(case, photo)).status_code == 404


def test_staff_only_files_are_not_shown_to_the_resident(photographed: Any, people: Any) -> None:
    case, _photo = photographed
    internal = services.attach_file(
        case,
        upload=SimpleUploadedFile("site.png", PNG, content_type="image/png"),
        actor=people["dispatcher"],
        public=False,
    )
    client = tracking(case)
    assert url(case, internal) not in client.get(f"/track/{case.tracking_code}/").content.decode()
    assert client.get(url(case, internal)).status_code == 404


def test_documents_are_not_thumbnails(photographed: Any) -> None:
    case, _photo = photographed
    pdf = services.attach_file(
        case,
        upload=SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf"),
        actor=services.RESIDENT,
    )
    client = tracking(case)
    page = client.get(f"/track/{case.tracking_code}/").content.decode()
    assert page.count("<img ") == 1
    assert client.get(url(case, pdf)).status_code == 404
