"""Bugs the fuzzers found, kept as regression tests (each was a 500 or malformed XML)."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest
from django.test import Client

from tests.cases.conftest import Api
from tests.factories.cases import staff, submit
from tests.factories.organizations import make_tree

pytestmark = pytest.mark.django_db


def test_a_non_ascii_tracking_secret_is_a_404_not_a_500() -> None:
    case = submit()

    response = Api().get(f"/track/{case.tracking_code}", secret="秘密")

    assert response.status_code == 404
    assert response.json()["code"] == "case_not_found"


def test_an_open311_xml_error_naming_a_control_character_is_well_formed_xml() -> None:
    response = Client().get("/open311/v2/services/%0B.xml")

    assert response.status_code == 404
    root = ET.fromstring(response.content)  # noqa: S314 (our own answer, parsed in a test)
    assert root.findtext("error/code") == "404"


@pytest.mark.parametrize(
    "query",
    [
        {"page": "99999999999999999999"},  # OverflowError in the SQL offset
        {"page": "1000000000000000000"},  # past SQLite's 64-bit offset
        {"received_from": "0001-01-01"},  # OverflowError converting the local day to UTC
    ],
)
def test_a_case_list_query_out_of_range_is_a_422_not_a_500(query: dict[str, str]) -> None:
    tree = make_tree()
    response = Api(staff(tree)["dispatcher"]).get("/cases", **query)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_merging_into_a_superscript_digit_is_a_404_not_a_500() -> None:
    tree = make_tree()
    case = submit()  # "²".isdigit() is True but int("²") raises

    response = Api(staff(tree)["dispatcher"]).post(f"/cases/{case.pk}/merge", {"into": "²"})

    assert response.status_code == 404
    assert response.json()["code"] == "case_not_found"
