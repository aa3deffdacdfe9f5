"""The resident portal without JavaScript: report, receipt, track, rate, reopen."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from grassroots.cases import services
from grassroots.cases.models import Case
from tests.factories.cases import submit

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def english() -> Client:
    return Client(headers={"Accept-Language": "en"})


def report(client: Client, **extra: Any) -> Any:
    data = {
        "kind": "complaint",
        "subject": "Broken bench in the park",
        "description": "The bench by the pond has a broken slat.",
        "lat": "39.1",
        "lng": "116.1",
        "name": "李四",
        "phone": "13900001111",
        "idempotency_key": "k1",
        **extra,
    }
    return client.post("/report/", data)


def test_a_report_with_pin_and_photo_gets_a_receipt(city: Any) -> None:
    client = english()
    photo = SimpleUploadedFile("bench.png", PNG, content_type="image/png")
    response = report(client, photo=photo)
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == "/report/receipt/"
    assert case.place_unit == city["g1"]
    assert case.resident is not None and case.resident.phone == "13900001111"
    assert case.attachments.count() == 1
    receipt = client.get("/report/receipt/").content.decode()
    assert f"{case.secret[:4]} {case.secret[4:]}" in receipt  # grouped as the phone reads it
    assert case.tracking_code[:4] in receipt
    assert f'href="/track/{case.tracking_code}/"' in receipt


def test_a_retried_report_creates_one_case(city: Any) -> None:
    client = english()
    report(client)
    report(client)
    assert Case.objects.count() == 1


def test_an_anonymous_report_keeps_no_identity(city: Any) -> None:
    report(english(), anonymous="on")
    case = Case.objects.get()
    assert case.anonymous is True
    assert case.resident is None


def test_a_report_without_subject_is_refused_with_a_message(city: Any) -> None:
    response = report(english(), subject="")
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert Case.objects.count() == 0


def test_a_photo_that_is_not_an_image_is_refused_before_anything_is_stored(city: Any) -> None:
    fake = SimpleUploadedFile("x.png", b"MZ not an image", content_type="image/png")
    response = report(english(), photo=fake)
    assert response.status_code == 400
    assert "Only photos (JPEG, PNG, GIF, WebP, HEIC)." in response.content.decode()
    assert Case.objects.count() == 0


def test_tracking_needs_the_secret(city: Any) -> None:
    case = submit()
    client = english()
    wrong = client.post("/track/", {"code": case.tracking_code, "secret": "WRONGSEC"})
    assert "No case with this tracking code and secret." in wrong.content.decode()
    assert client.get(f"/track/{case.tracking_code}/").status_code == 302
    right = client.post("/track/", {"code": case.tracking_code, "secret": case.secret.lower()})
    assert right["Location"] == f"/track/{case.tracking_code}/"
    page = client.get(f"/track/{case.tracking_code}/").content.decode()
    assert "We received your report." in page
    assert "13812345678" not in page


def _replied(city: Any, people: Any) -> Case:
    case = submit()
    services.dispatch_case(case, unit=city["s1"], actor=people["dispatcher"])
    services.accept_case(case, actor=people["handler1"])
    services.reply_case(case, reply="Fixed on Monday.", actor=people["handler1"])
    return Case.objects.get(pk=case.pk)


def _tracking(case: Case) -> Client:
    client = english()
    client.post("/track/", {"code": case.tracking_code, "secret": case.secret})
    return client


def test_the_resident_rates_the_answer_and_the_case_closes(city: Any, people: Any) -> None:
    case = _replied(city, people)
    client = _tracking(case)
    page = client.get(f"/track/{case.tracking_code}/").content.decode()
    assert "Fixed on Monday." in page
    assert f"Unit {city['s1'].code} answered you." in page
    response = client.post(
        f"/track/{case.tracking_code}/rate/", {"resolved": "yes", "satisfaction": "satisfied"}
    )
    case.refresh_from_db()
    assert response.status_code == 302
    assert (case.status, case.resolved, case.satisfaction) == ("closed", True, "satisfied")


def test_the_resident_reopens_with_a_comment(city: Any, people: Any) -> None:
    case = _replied(city, people)
    client = _tracking(case)
    client.post(f"/track/{case.tracking_code}/reopen/", {"reason": "Still broken."})
    case.refresh_from_db()
    assert case.status == "accepted"
    assert case.reopen_count == 1


def test_a_stranger_cannot_rate_a_case(city: Any, people: Any) -> None:
    case = _replied(city, people)
    response = english().post(
        f"/track/{case.tracking_code}/rate/", {"resolved": "yes", "satisfaction": "satisfied"}
    )
    case.refresh_from_db()
    assert response.status_code == 302
    assert case.status == "replied"


def test_the_areas_layer_is_simplified_geojson_of_streets(city: Any) -> None:
    data = english().get("/map/areas.geojson?level=street").json()
    assert data["type"] == "FeatureCollection"
    assert sorted(f["properties"]["code"] for f in data["features"]) == ["WS1", "WS2"]


def test_pages_speak_chinese_by_default(city: Any) -> None:
    page = Client().get("/report/").content.decode()
    assert '<html lang="zh-hans">' in page


def test_a_resident_on_a_missing_page_is_sent_home_not_to_the_inbox(city: Any) -> None:
    response = english().get("/conversations/999999/")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<a href="/">Back to the home page</a>' in html
    assert "Back to the inbox" not in html


def test_staff_on_a_missing_case_are_sent_back_to_the_inbox(city: Any, people: Any) -> None:
    client = english()
    client.force_login(people["dispatcher"])
    response = client.get("/console/cases/999999/")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<a href="/console/">Back to the inbox</a>' in html
    assert "Back to the home page" not in html


def test_a_logged_in_resident_without_a_role_is_sent_home(city: Any) -> None:
    client = english()
    client.force_login(get_user_model().objects.create_user("resident-7", password="x" * 12))
    html = client.get("/conversations/999999/").content.decode()
    assert '<a href="/">Back to the home page</a>' in html
    assert "Back to the inbox" not in html


def test_the_secret_may_be_typed_as_it_is_shown_in_groups(city: Any) -> None:
    case = submit()
    grouped = f"{case.secret[:4]} {case.secret[4:]}"
    response = english().post("/track/", {"code": case.tracking_code, "secret": grouped})
    assert response.status_code == 302
    assert response["Location"] == f"/track/{case.tracking_code}/"
