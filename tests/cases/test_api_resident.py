"""The resident in an intake: a JSON object or nothing, an ID number and email that are
plausible, and a name masked even when it is a single character."""

from __future__ import annotations

from typing import Any

import pytest

from grassroots.cases import services
from grassroots.cases.errors import CaseError
from grassroots.cases.masking import mask_name
from grassroots.cases.models import Case, Resident
from grassroots.cases.services.intake import prc_id_check_character
from tests.cases.conftest import Api

pytestmark = pytest.mark.django_db

BODY = {"kind": "complaint", "subject": "Broken streetlight", "channel": "mobile"}
VALID_PRC_ID = "110101199003071233"  # check character 3 (GB 11643)


def _with_resident(**resident: Any) -> dict[str, Any]:
    return {**BODY, "resident": {"name": "李四", "phone": "13912345678", **resident}}


@pytest.mark.parametrize("resident", ["x", 5, True, ["李四"]])
def test_a_resident_that_is_not_an_object_is_a_422(resident: Any) -> None:
    response = Api().post("/cases", {**BODY, "resident": resident})

    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert [d["loc"] for d in body["details"]] == [["body", "body", "resident"]]
    assert Case.objects.count() == 0


def test_no_resident_or_a_null_one_is_still_an_anonymous_intake() -> None:
    without = Api().post("/cases", BODY)
    null = Api().post("/cases", {**BODY, "resident": None})

    assert without.status_code == null.status_code == 201
    assert Resident.objects.count() == 0


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        (VALID_PRC_ID, VALID_PRC_ID),
        ("11010119900307002x", "11010119900307002X"),  # a lower-case x is the same ID
        ("E12345678", "E12345678"),  # a passport
        ("110101900307123", "110101900307123"),  # a first-generation 15-digit card
        ("  AB12345  ", "AB12345"),
    ],
)
def test_plausible_id_numbers_are_stored(given: str, stored: str) -> None:
    response = Api().post("/cases", _with_resident(id_number=given))

    assert response.status_code == 201, response.content
    assert Case.objects.get(pk=response.json()["id"]).resident.id_number == stored  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("110101199003071234", "check digit"),  # one digit off
        ("1234", "not an ID number"),
        ("AB 12345", "not an ID number"),
        ("身份证1234567", "not an ID number"),
    ],
)
def test_implausible_id_numbers_are_refused_naming_the_field(given: str, reason: str) -> None:
    response = Api().post(
        "/cases", _with_resident(id_number=given), headers={"Accept-Language": "en"}
    )

    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid_case"
    assert body["message"].startswith("resident.id_number:") and reason in body["message"]
    assert Case.objects.count() == 0


@pytest.mark.parametrize("email", ["not-an-email", "a@", "@example.org", "a b@example.org"])
def test_a_malformed_email_is_refused_naming_the_field(email: str) -> None:
    response = Api().post("/cases", _with_resident(email=email), headers={"Accept-Language": "en"})

    assert response.status_code == 422, response.content
    assert response.json() == {
        "code": "invalid_case",
        "message": "resident.email: not an email address.",
    }
    assert Case.objects.count() == 0


def test_a_good_email_is_stored() -> None:
    response = Api().post("/cases", _with_resident(email="li.si@example.org"))

    assert response.status_code == 201, response.content
    assert Resident.objects.get().email == "li.si@example.org"


def test_the_service_refuses_the_same_for_the_web_forms() -> None:
    draft = services.CaseDraft(kind="complaint", subject="x", resident_id_number="A" * 33)

    with pytest.raises(CaseError) as refused:
        services.submit_case(draft, actor=None)

    assert refused.value.code == "invalid_case"
    assert refused.value.message.startswith("resident.id_number:")


def test_an_anonymous_intake_ignores_the_identity_it_drops() -> None:
    draft = services.CaseDraft(
        kind="complaint",
        subject="x",
        anonymous=True,
        resident_id_number="garbage",
        resident_email="?",
    )

    result = services.submit_case(draft, actor=None)

    assert result.case.resident is None


def test_the_check_character_follows_gb_11643() -> None:
    assert prc_id_check_character("11010519491231002") == "X"
    assert prc_id_check_character("11010119900307002") == "X"
    assert prc_id_check_character(VALID_PRC_ID[:17]) == "3"


@pytest.mark.parametrize(
    ("name", "masked"),
    [("李", "*"), ("王五", "王*"), ("张三丰", "张**"), ("J Smith", "* S****"), ("", "")],
)
def test_every_name_is_masked_even_a_single_character(name: str, masked: str) -> None:
    assert mask_name(name) == masked
