"""Bugs the fuzzers found, kept as regression tests (each was a 500 or malformed XML)."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest
from django.test import Client

from tests.cases.conftest import Api
from tests.factories.cases import submit

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
