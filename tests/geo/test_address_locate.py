"""`locate_address`: the address library first, then unit names in the text."""

from __future__ import annotations

from typing import Any

import pytest

from grassroots.geo import address
from grassroots.geo.address_import import AddressRow
from grassroots.geo.addresskeys import address_key
from grassroots.geo.models import AddressPoint
from grassroots.geo.services import import_addresses
from grassroots.organizations.models import Unit
from grassroots.organizations.services import update_unit
from tests.factories.geo import box, unit_with_area
from tests.factories.organizations import UnitFactory

pytestmark = pytest.mark.django_db


def library(*entries: tuple[str, float, float]) -> None:
    rows = [
        AddressRow(i, text, address_key(text), lat, lng)
        for i, (text, lat, lng) in enumerate(entries)
    ]
    import_addresses(rows, source="test", actor=None)


@pytest.fixture
def named(db: None) -> dict[str, Unit]:
    """Springfield 春田市 > North District 北区 (Oak 橡树社区, Maple 枫树社区) and
    South District 南区 (Maple 枫树社区): two communities share a name."""
    city = unit_with_area("SPR", "city", box(0, 0, 10, 10))
    city = update_unit(city, name_en="Springfield", name_zh="春田市", actor=None)

    def unit(code: str, level: str, en: str, zh: str, parent: Unit) -> Unit:
        made: Unit = UnitFactory.create(
            code=code, level=level, name_en=en, name_zh=zh, parent=parent
        )
        return made

    north = unit("N", "district", "North District", "北区", city)
    south = unit("S", "district", "South District", "南区", city)
    n_street = unit("NS", "street", "North Street Office", "北街道", north)
    s_street = unit("SS", "street", "South Street Office", "南街道", south)
    return {
        "city": city,
        "north": north,
        "south": south,
        "oak": unit("N-OAK", "community", "Oak", "橡树社区", n_street),
        "maple_n": unit("N-MAPLE", "community", "Maple", "枫树社区", n_street),
        "maple_s": unit("S-MAPLE", "community", "Maple", "枫树社区", s_street),
    }


def test_a_library_address_gives_its_point_and_the_unit_there(tree: dict[str, Unit]) -> None:
    library(("1416 NEW YORK AVENUE", 1.0, 1.0))

    point, found, how = address.locate_address("1416 New York Ave.")

    assert point == (1.0, 1.0)
    assert found is not None and found.code == "GB"
    assert how == "address"


def test_a_trailing_city_and_zip_are_stripped_when_the_shorter_key_is_known(
    tree: dict[str, Unit],
) -> None:
    library(("1416 NEW YORK AVENUE", 1.0, 3.0), ("1416 NEW YORK AVENUE UNIT CITY", 7.0, 7.0))

    assert address.locate_address("1416 New York Ave, NY 11203")[0] == (1.0, 3.0)
    # The more specific key wins when the library holds it ("Unit CITY" is the city's name).
    assert address.locate_address("1416 New York Ave, Unit CITY, NY")[0] == (7.0, 7.0)


def test_a_library_lookup_is_one_query(
    tree: dict[str, Unit], settings: Any, django_assert_num_queries: Any
) -> None:
    library(("1416 NEW YORK AVENUE", 1.0, 1.0), ("2 MAIN STREET", 3.0, 3.0))
    settings.GEO_INDEX_REFRESH_SECONDS = 60  # as deployed: no version check on every call
    address.locate_address("2 Main St")  # builds the matcher and the area index

    with django_assert_num_queries(1):
        assert address.locate_address("1416 new york avenue, ny 10001")[2] == "address"


def test_an_unknown_address_falls_back_to_the_unit_named_in_it(named: dict[str, Unit]) -> None:
    point, found, how = address.locate_address("12 Oak Lane")

    assert point is None
    assert found is not None and found.code == "N-OAK"
    assert [ref.code for ref in found.path] == ["SPR", "N", "NS", "N-OAK"]
    assert how == "unit_name"


def test_a_name_inside_a_longer_word_is_not_a_match(named: dict[str, Unit]) -> None:
    assert address.locate_address("12 Oakland Avenue") == (None, None, "")


def test_chinese_names_match_inside_the_text(named: dict[str, Unit]) -> None:
    found = address.locate_address("春田市北区枫树社区5号楼")[1]

    assert found is not None and found.code == "N-MAPLE"  # its district is named too


def test_the_deepest_named_unit_wins(named: dict[str, Unit]) -> None:
    found = address.locate_address("Springfield, North District, 5 Oak Road")[1]

    assert found is not None and found.code == "N-OAK"


def test_two_units_of_the_same_name_are_no_answer(named: dict[str, Unit]) -> None:
    assert address.locate_address("枫树社区5号楼") == (None, None, "")


def test_a_tie_falls_back_to_a_named_unit_holding_both(named: dict[str, Unit]) -> None:
    # Both Maples lie in Springfield, which is named: the city is certain, the community not.
    found = address.locate_address("Springfield, 5 Maple Road")[1]

    assert found is not None and found.code == "SPR"


def test_a_renamed_unit_is_matched_by_its_new_name(named: dict[str, Unit]) -> None:
    assert address.locate_address("12 Birch Lane")[1] is None

    update_unit(named["oak"], name_en="Birch", actor=None)

    found = address.locate_address("12 Birch Lane")[1]
    assert found is not None and found.code == "N-OAK"


def test_inactive_units_are_not_matched(named: dict[str, Unit]) -> None:
    Unit.objects.filter(pk=named["oak"].pk).update(is_active=False)
    address.invalidate()

    assert address.locate_address("12 Oak Lane") == (None, None, "")


def test_a_library_point_outside_every_area_keeps_the_point(named: dict[str, Unit]) -> None:
    library(("5 Elm Road", 50.0, 50.0))

    point, found, how = address.locate_address("5 Elm Rd, Springfield")

    assert point == (50.0, 50.0) and how == "address"
    assert found is not None and found.code == "SPR"  # the unit from the name, then


def test_reimport_moves_the_point(tree: dict[str, Unit]) -> None:
    library(("1 Main St", 1.0, 1.0))
    library(("1 MAIN STREET", 3.0, 3.0))

    assert AddressPoint.objects.get().address == "1 MAIN STREET"
    assert address.locate_address("1 main street")[0] == (3.0, 3.0)
