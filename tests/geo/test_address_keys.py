"""Address normalization: spelling variants of one address meet on one library key."""

from __future__ import annotations

import pytest

from grassroots.geo.addresskeys import address_key, clean, key_candidates, locality_phrases

LOCALITIES = locality_phrases(["New York City", "Brooklyn", "Staten Island"])


def keys(text: str) -> list[str]:
    return key_candidates(clean(text), LOCALITIES)


@pytest.mark.parametrize(
    "text",
    [
        "1416 New York Ave, Brooklyn",
        "1416 NEW YORK AVENUE",
        "1416 new york avenue brooklyn ny",
        "  1416  New-York Ave.,  Brooklyn, NY 11203-1234 ",
        "１４１６ New York Ave",  # full-width digits
    ],
)
def test_variants_of_one_address_reach_the_same_key(text: str) -> None:
    assert keys(text)[-1] == "1416 new york avenue"


def test_the_exact_key_comes_first_then_each_locality_stripped() -> None:
    assert keys("1416 New York Ave, Brooklyn, NY 11203") == [
        "1416 new york avenue brooklyn ny 11203",
        "1416 new york avenue brooklyn ny",
        "1416 new york avenue brooklyn",
        "1416 new york avenue",
    ]


def test_a_locality_inside_the_street_name_is_not_stripped() -> None:
    assert keys("1416 New York Avenue") == ["1416 new york avenue"]
    assert keys("10 Brooklyn") == ["10 brooklyn"]  # two words are always kept


def test_abbreviations_are_spelled_out_as_whole_words_only() -> None:
    assert address_key("330 W. 95th St") == "330 west 95 street"
    assert address_key("1395 Stanley Ave") == "1395 stanley avenue"  # not "streetanley"
    assert address_key("18 Mt Morris Park W") == "18 mount morris park west"
    assert address_key("88-10 86 St") == "88-10 86 street"  # a Queens house number keeps its -
    assert address_key("St. John's Pl") == "street johns place"


@pytest.mark.parametrize(
    "text", ["北京市朝阳区建国路1号", "朝阳区 建国路 １ 号", "建国路1号", "北京朝阳区建国路1号"]
)
def test_chinese_addresses_drop_spaces_width_and_the_city_prefix(text: str) -> None:
    assert address_key(text) == "建国路1号"
    assert keys(text) == ["建国路1号"]


def test_chinese_prefix_rules_keep_what_is_not_a_district_or_city() -> None:
    assert address_key("阳光小区3号楼") == "阳光小区3号楼"  # 小区 is a compound
    assert address_key("农贸市场1号") == "农贸市场1号"  # 市场 is a market
    assert address_key("朝阳区") == "朝阳区"  # nothing follows: kept


def test_nothing_usable_gives_no_key() -> None:
    assert address_key(" ,.; ") == ""
    assert keys("") == []
    assert address_key("a\x00b") == "a b"  # control characters never reach the database
