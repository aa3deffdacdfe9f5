"""An address-only submission is located through the address library, or by unit names."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from grassroots.cases.enums import CaseEventType
from grassroots.cases.models import Case, CaseEvent
from grassroots.geo import address, index
from grassroots.geo.address_import import AddressRow
from grassroots.geo.addresskeys import address_key
from grassroots.geo.services import import_addresses
from grassroots.organizations.models import Unit
from tests.cases.conftest import Api
from tests.factories.geo import box, unit_with_area

pytestmark = pytest.mark.django_db

EN = {"Accept-Language": "en"}


@pytest.fixture(autouse=True)
def city() -> Iterator[dict[str, Unit]]:
    """A city with two districts and one library address in the east one (AG2)."""
    index.invalidate()
    address.invalidate()
    root = unit_with_area("AC", "city", box(0, 0, 10, 10))
    west = unit_with_area("AG1", "district", box(0, 0, 5, 10), root)
    east = unit_with_area("AG2", "district", box(5, 0, 10, 10), root)
    text = "1416 NEW YORK AVENUE"
    import_addresses([AddressRow(2, text, address_key(text), 4.0, 7.0)], source="test", actor=None)
    yield {"root": root, "west": west, "east": east}
    index.invalidate()
    address.invalidate()


def submit(address_text: str) -> dict[str, Any]:
    body = {"kind": "complaint", "subject": "Broken street light", "address": address_text}
    response = Api().post("/cases", body, headers=EN)
    assert response.status_code == 201, response.json()
    result: dict[str, Any] = response.json()
    return result


def test_an_address_the_library_knows_gives_the_case_its_point_and_place() -> None:
    body = submit("1416 New York Ave, NY 11203")

    assert body["place"] == {"code": "AG2", "name": "Unit AG2", "level": "district"}
    case = Case.objects.get(pk=body["id"])
    assert case.place_unit is not None and case.place_unit.code == "AG2"
    assert (case.lat, case.lng) == (4.0, 7.0)
    assert case.address == "1416 New York Ave, NY 11203"
    received = CaseEvent.objects.get(case=case, type=CaseEventType.RECEIVED)
    assert received.data["located_by"] == "address"


def test_an_address_naming_a_unit_gives_the_place_without_a_point() -> None:
    body = submit("Somewhere in Unit AG1")

    assert body["place"] == {"code": "AG1", "name": "Unit AG1", "level": "district"}
    case = Case.objects.get(pk=body["id"])
    assert (case.lat, case.lng) == (None, None)
    received = CaseEvent.objects.get(case=case, type=CaseEventType.RECEIVED)
    assert received.data["located_by"] == "unit_name"


def test_an_unknown_address_is_still_received_without_a_place() -> None:
    body = submit("99 Nowhere Lane")

    assert body["place"] is None
    case = Case.objects.get(pk=body["id"])
    assert (case.place_unit, case.lat, case.lng) == (None, None, None)
    received = CaseEvent.objects.get(case=case, type=CaseEventType.RECEIVED)
    assert "located_by" not in received.data


def test_a_point_wins_over_the_address() -> None:
    body = {
        "kind": "complaint",
        "subject": "Broken street light",
        "address": "1416 New York Ave",
        "lat": 4.0,
        "lng": 2.0,
    }
    response = Api().post("/cases", body, headers=EN)

    assert response.status_code == 201
    assert response.json()["place"]["code"] == "AG1"
    received = CaseEvent.objects.get(case_id=response.json()["id"], type=CaseEventType.RECEIVED)
    assert "located_by" not in received.data
