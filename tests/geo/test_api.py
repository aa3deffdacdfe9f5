"""GET /api/v1/areas/locate and /api/v1/areas/{code}."""

from __future__ import annotations

import pytest
from django.test import Client

from grassroots.geo.datum import wgs84_to_gcj02
from grassroots.organizations.models import Unit
from tests.factories.geo import box, unit_with_area

pytestmark = pytest.mark.django_db
URL = "/api/v1/areas/locate"


def brief(code: str, level: str) -> dict[str, str]:
    return {"code": code, "name": f"Unit {code}", "level": level}


def test_locate_answers_the_unit_and_its_path(client: Client, tree: dict[str, Unit]) -> None:
    response = client.get(URL, {"lat": "1", "lng": "3"}, headers={"accept-language": "en"})
    assert response.status_code == 200
    assert response.json() == {
        "unit": brief("GA", "grid"),
        "path": [
            brief("CITY", "city"),
            brief("D1", "district"),
            brief("S1", "street"),
            brief("C1", "community"),
            brief("GA", "grid"),
        ],
    }


def test_names_follow_the_request_language(client: Client, tree: dict[str, Unit]) -> None:
    response = client.get(URL, {"lat": "7", "lng": "2"}, headers={"accept-language": "zh-hans"})
    assert response.json()["unit"] == {"code": "S2", "name": "单位S2", "level": "street"}


def test_outside_every_area_is_a_404_with_a_code(client: Client, tree: dict[str, Unit]) -> None:
    response = client.get(URL, {"lat": "45", "lng": "45"})
    assert response.status_code == 404
    assert response.json()["code"] == "outside_all_areas"
    assert response.json()["message"]


@pytest.mark.parametrize(
    "params",
    [
        {"lat": "abc", "lng": "1"},
        {"lat": "91", "lng": "1"},
        {"lat": "-90.5", "lng": "1"},
        {"lat": "1", "lng": "180.01"},
        {"lat": "nan", "lng": "1"},
        {"lat": "1", "lng": "inf"},
        {"lat": "1", "lng": ""},
        {"lng": "1"},
        {"lat": "1"},
        {},
    ],
)
def test_a_malformed_coordinate_is_a_422(
    client: Client, tree: dict[str, Unit], params: dict[str, str]
) -> None:
    response = client.get(URL, params)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_coordinate"


def test_an_unknown_datum_is_a_422(client: Client, tree: dict[str, Unit]) -> None:
    response = client.get(URL, {"lat": "1", "lng": "1", "datum": "bd09"})
    assert (response.status_code, response.json()["code"]) == (422, "invalid_datum")


def test_a_gcj02_coordinate_is_converted_before_lookup(client: Client, db: None) -> None:
    # given two districts in Beijing meeting at lng 116.40 (WGS84)
    city = unit_with_area("BJ", "city", box(116.3, 39.8, 116.5, 40.0))
    unit_with_area("WEST", "district", box(116.3, 39.8, 116.40, 40.0), city)
    unit_with_area("EAST", "district", box(116.40, 39.8, 116.5, 40.0), city)
    # a point 300 m west of the line in WGS84 reads about 300 m east of it in GCJ-02
    glat, glng = wgs84_to_gcj02(39.9, 116.3965)
    assert glng > 116.40
    as_gcj = client.get(URL, {"lat": str(glat), "lng": str(glng), "datum": "gcj02"})
    as_wgs = client.get(URL, {"lat": str(glat), "lng": str(glng)})
    assert as_gcj.json()["unit"]["code"] == "WEST"
    assert as_wgs.json()["unit"]["code"] == "EAST"


def test_area_of_a_unit_is_a_geojson_feature(client: Client, tree: dict[str, Unit]) -> None:
    response = client.get("/api/v1/areas/S2", headers={"accept-language": "en"})
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "Feature"
    assert body["properties"] == {
        "code": "S2",
        "name": "Unit S2",
        "level": "street",
        "parent": "D1",
    }
    assert body["geometry"]["type"] == "Polygon"
    assert sorted(map(tuple, body["geometry"]["coordinates"][0])) == sorted(
        map(tuple, box(0, 5, 5, 10)["coordinates"][0])
    )


def test_area_of_an_unknown_unit_is_a_404(client: Client, tree: dict[str, Unit]) -> None:
    response = client.get("/api/v1/areas/NOPE")
    assert (response.status_code, response.json()["code"]) == (404, "no_area")
