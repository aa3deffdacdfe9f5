"""Phone intake for operators: the caller's earlier cases, triage's hints, the plain form post,
the read-out page, and who may use it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from grassroots.cases.models import Case, CaseEvent
from grassroots.core.audit import AuditEntry
from grassroots.triage import registry
from grassroots.triage import services as triage
from grassroots.triage.textmodel import ModelConfig, train_from_rows
from grassroots.web.views.phone import phone_variants
from tests.factories.cases import submit

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def as_user(user: Any) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def call(client: Client, **extra: Any) -> Any:
    data = {
        "phone": "139 0000 1111",
        "name": "王五",
        "kind": "complaint",
        "subject": "Water leaking from the ceiling",
        "description": "The flat upstairs leaks into the kitchen since Monday.",
        "category": "",
        "priority": "normal",
        "address": "Elm Road 12",
        "lat": "39.1",
        "lng": "116.1",
        "idempotency_key": "call-1",
        **extra,
    }
    return client.post("/console/phone/", data)


@pytest.fixture
def tiny_model(tmp_path: Path, settings: Any) -> Any:
    """An active classifier that knows noise from roads (two default categories)."""
    settings.TRIAGE_MODEL_DIR = tmp_path
    settings.TRIAGE_MODEL_REFRESH_SECONDS = 0.0
    registry.forget()
    texts = ["loud music from the neighbour at night", "barking dog and loud party noise"] * 5
    texts += ["pothole in the road surface", "broken road near the bridge"] * 5
    labels = ["environment.noise"] * 10 + ["urban.roads"] * 10
    model = train_from_rows(texts, labels, config=ModelConfig(cv_folds=0, calibration_folds=2))
    yield triage.register_model(model, source="test", actor=None, activate=True)
    registry.forget()


def test_numbers_match_with_and_without_the_country_prefix() -> None:
    assert phone_variants("138-1234 5678") == ["13812345678", "+8613812345678", "008613812345678"]
    assert phone_variants("+86 (138) 1234.5678") == ["+8613812345678", "13812345678"]
    assert phone_variants("212-555-0142") == ["2125550142"]
    assert phone_variants("  ") == []


def test_a_plain_post_creates_a_phone_case_and_shows_what_to_read_out(
    city: Any, people: Any
) -> None:
    client = as_user(people["dispatcher"])
    response = call(client)
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == "/console/phone/done/"
    assert (case.channel, case.status, case.place_unit) == ("phone", "received", city["g1"])
    assert case.resident is not None
    assert (case.resident.phone, case.resident.name) == ("13900001111", "王五")
    assert case.submitted_by == people["dispatcher"]
    page = client.get("/console/phone/done/").content.decode()
    code = case.tracking_code
    assert f"{code[:4]} {code[4:8]} {code[8:]}" in page
    assert f"{case.secret[:4]} {case.secret[4:]}" in page
    assert 'href="/console/phone/"' in page


def test_the_read_out_page_belongs_to_the_operator_who_took_the_call(
    city: Any, people: Any
) -> None:
    call(as_user(people["dispatcher"]))
    other = as_user(people["supervisor"])
    response = other.get("/console/phone/done/")
    assert response.status_code == 302
    assert response["Location"] == "/console/phone/"


def test_a_retried_post_creates_one_case(city: Any, people: Any) -> None:
    client = as_user(people["dispatcher"])
    call(client)
    call(client)
    assert Case.objects.count() == 1


def test_invalid_input_shows_messages_and_creates_nothing(city: Any, people: Any) -> None:
    response = call(as_user(people["dispatcher"]), subject="", phone="call me")
    html = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in html
    assert "Not a phone number." in html
    assert Case.objects.count() == 0


def test_an_anonymous_call_keeps_no_number(city: Any, people: Any) -> None:
    call(as_user(people["dispatcher"]), anonymous="on")
    case = Case.objects.get()
    assert (case.anonymous, case.resident) == (True, None)


def test_earlier_cases_of_the_caller_are_shown_masked(city: Any, people: Any) -> None:
    earlier = submit(subject="Noise from the bar", resident_phone="13812345678")
    submit(subject="Someone else's case", resident_phone="13700000000")
    response = as_user(people["dispatcher"]).post(
        "/console/phone/caller/", {"phone": "+86 138-1234-5678"}, headers=HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert earlier.tracking_code in html
    assert "Noise from the bar" in html
    assert "Someone else" not in html
    assert "138****5678" in html
    assert "张**" in html
    assert "13812345678" not in html
    assert "张三丰" not in html
    # Nothing unmasked was shown, so nothing was logged as a look at the resident.
    assert not AuditEntry.objects.filter(action="cases.resident.viewed").exists()


def test_a_number_leads_a_district_centre_to_no_confidential_case(city: Any, people: Any) -> None:
    from grassroots.cases import services
    from tests.factories.cases import person

    secret = submit(
        subject="About our street office", resident_phone="13812345678", confidential=True
    )
    plain = submit(subject="Broken bench", resident_phone="13812345678")
    for case in (secret, plain):
        services.dispatch_case(case, unit=city["s1"], actor=people["dispatcher"])
    district = person("d1dispatcher", "dispatcher", city["d1"])

    def lookup(user: Any) -> str:
        response = as_user(user).post(
            "/console/phone/caller/", {"phone": "13812345678"}, headers=HTMX
        )
        return str(response.content.decode())

    assert plain.tracking_code in lookup(district)
    assert secret.tracking_code not in lookup(district)
    assert secret.tracking_code in lookup(people["dispatcher"])  # the city's centre


def test_a_number_still_being_typed_finds_nothing(city: Any, people: Any) -> None:
    submit(resident_phone="13812345678")
    html = (
        as_user(people["dispatcher"])
        .post("/console/phone/caller/", {"phone": "138"}, headers=HTMX)
        .content.decode()
    )
    assert "appear here once the number is typed" in html


def test_the_number_never_travels_in_a_url(city: Any, people: Any) -> None:
    client = as_user(people["dispatcher"])
    assert client.get("/console/phone/caller/?phone=13812345678").status_code == 405
    page = client.get("/console/phone/").content.decode()
    assert 'hx-post="/console/phone/caller/"' in page


def test_only_the_centre_takes_calls(city: Any, people: Any) -> None:
    submit(resident_phone="13812345678")
    client = as_user(people["handler1"])
    assert client.get("/console/phone/").status_code == 403
    lookup = client.post("/console/phone/caller/", {"phone": "13812345678"}, headers=HTMX)
    assert lookup.status_code == 403
    assert "138****5678" not in lookup.content.decode()
    before = Case.objects.count()
    assert call(client).status_code == 403
    assert Case.objects.count() == before
    assert "Take a call" not in client.get("/console/").content.decode()
    assert (
        'href="/console/phone/"' in as_user(people["dispatcher"]).get("/console/").content.decode()
    )


def test_the_phone_page_needs_a_login() -> None:
    response = Client().get("/console/phone/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/console/phone/"


def test_duplicates_nearby_are_found_while_typing(city: Any, people: Any) -> None:
    earlier = submit(
        subject="Water leaking from the ceiling",
        description="Water leaks into the kitchen from the flat upstairs.",
        lat=39.1,
        lng=116.1,
    )
    far = submit(
        subject="Water leaking from the ceiling",
        description="Water leaks into the kitchen from the flat upstairs.",
        lat=39.9,
        lng=116.9,
    )
    response = as_user(people["dispatcher"]).post(
        "/console/phone/hints/",
        {
            "subject": "Water leaking from ceiling",
            "description": "Leaking into my kitchen from upstairs flat",
            "lat": "39.1001",
            "lng": "116.1001",
        },
        headers=HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert earlier.tracking_code in html
    assert far.tracking_code not in html
    assert "Maybe the same as" in html
    assert "Located in" in html


def test_triage_suggests_a_category_and_an_urgency(city: Any, people: Any, tiny_model: Any) -> None:
    triage.load_default_rules(actor=None)
    html = (
        as_user(people["dispatcher"])
        .post(
            "/console/phone/hints/",
            {"subject": "Loud party music at night", "description": "and a gas leak in the hall"},
            headers=HTMX,
        )
        .content.decode()
    )
    assert 'data-use-field="id_category" data-use-value="environment.noise"' in html
    assert 'data-use-field="id_priority" data-use-value="emergency"' in html
    assert "No similar open case nearby." in html


def test_too_little_text_asks_triage_nothing(city: Any, people: Any) -> None:
    html = (
        as_user(people["dispatcher"])
        .post("/console/phone/hints/", {"subject": "ab"}, headers=HTMX)
        .content.decode()
    )
    assert "appear here as you type" in html


def test_without_javascript_the_check_button_fills_the_hints_and_saves_nothing(
    city: Any, people: Any
) -> None:
    earlier = submit(
        subject="Water leaking from the ceiling",
        description="The flat upstairs leaks into the kitchen.",
        resident_phone="13900001111",
    )
    response = call(as_user(people["dispatcher"]), check="1", lat="", lng="")
    html = response.content.decode()
    assert response.status_code == 200
    assert Case.objects.count() == 1
    assert html.count(earlier.tracking_code) == 2  # an earlier case of the caller, and similar
    assert CaseEvent.objects.filter(case__channel="phone").count() == 0
