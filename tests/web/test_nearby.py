"""The public map of nearby cases: what is public, snapped points, no personal data, no JS."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from grassroots.cases import services
from grassroots.cases.models import Case
from grassroots.core import clock
from grassroots.geo.public import snap
from grassroots.web.views.nearby import Box
from tests.factories.cases import submit

pytestmark = pytest.mark.django_db
EN = {"Accept-Language": "en"}


def geojson(query: str, client: Client | None = None) -> Any:
    response = (client or Client(headers=EN)).get(f"/nearby/cases.geojson?{query}")
    return response.status_code, json.loads(response.content)


def test_a_public_case_shows_category_status_and_day_only(city: Any) -> None:
    case = submit(lat=39.12345, lng=116.12345, subject="Noise from flat 3B", address="12 Elm Road")
    status, body = geojson("bbox=116.1,39.1,116.15,39.15")
    assert status == 200
    [feature] = body["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [116.123, 39.123]}
    assert feature["properties"] == {
        "category": "Uncategorised",
        "status": "received",
        "status_label": "Received",
        "date": timezone.localdate(case.received_at).isoformat(),
        "place": "Unit WG1",
        "track": None,
    }
    raw = json.dumps(body, ensure_ascii=False)
    for private in ("Noise", "3B", "Elm", "张三", "138", "39.12345"):
        assert private not in raw


def test_points_are_snapped_to_the_centre_of_their_cell() -> None:
    assert snap(39.12345) == 39.123
    assert snap(39.1239) == 39.123
    assert snap(39.1241) == 39.125
    assert snap(-0.0005) == -0.001


def test_a_box_is_widened_to_whole_cells_so_it_cannot_pin_a_point(city: Any) -> None:
    submit(lat=39.12345, lng=116.12345)
    # A box that ends just past the true point and one that ends before it (same cell) both
    # return the case: the cut is on the cell's edge, not on the point.
    assert len(geojson("bbox=116.1,39.1,116.15,39.1235")[1]["features"]) == 1
    assert len(geojson("bbox=116.1,39.1,116.15,39.1223")[1]["features"]) == 1
    assert len(geojson("bbox=116.1,39.1,116.15,39.1219")[1]["features"]) == 0
    assert Box.widened(39.1221, 116.1, 39.1223, 116.2).as_list() == [39.122, 116.1, 39.124, 116.2]


def test_confidential_petition_rejected_and_old_cases_are_never_shown(city: Any) -> None:
    shown = submit(lat=39.1, lng=116.1)
    submit(lat=39.1, lng=116.1, confidential=True)
    submit(lat=39.1, lng=116.1, kind="petition")
    rejected = submit(lat=39.1, lng=116.1)
    services.reject_case(rejected, reason="Spam.", actor=None)
    with clock.at(clock.now() - timedelta(days=40)):
        submit(lat=39.1, lng=116.1)
    submit()  # no point: cannot be on a map
    month = geojson("bbox=116.05,39.05,116.15,39.15")[1]["features"]
    quarter = geojson("bbox=116.05,39.05,116.15,39.15&days=90")[1]["features"]
    assert len(month) == 1 and month[0]["properties"]["status"] == shown.status
    assert len(quarter) == 2


def test_bad_boxes_are_a_400_with_a_code(city: Any) -> None:
    for query in (
        "",
        "bbox=1,2,3",
        "bbox=a,39,116.1,39.1",
        "bbox=116,39,117,40",
        "bbox=116.2,39,116.1,39.1",
        "bbox=116,39,116.1,39.1&days=5",
    ):
        status, body = geojson(query)
        assert status == 400, query
        assert body["code"] == "invalid"
        assert body["message"]


def test_the_resident_sees_a_link_to_their_own_case_only(city: Any) -> None:
    client = Client(headers=EN)
    client.post(
        "/report/",
        {
            "kind": "complaint",
            "subject": "Broken bench",
            "description": "",
            "lat": "39.1",
            "lng": "116.1",
            "address": "",
            "name": "",
            "phone": "",
            "idempotency_key": "k1",
        },
    )
    submit(lat=39.1, lng=116.1)
    own = Case.objects.get(subject="Broken bench")
    features = geojson("bbox=116.05,39.05,116.15,39.15", client)[1]["features"]
    tracks = sorted(str(f["properties"]["track"]) for f in features)
    assert tracks == [f"/track/{own.tracking_code}/", "None"]
    assert (
        geojson("bbox=116.05,39.05,116.15,39.15")[1]["features"][0]["properties"]["track"] is None
    )


def test_the_page_lists_cases_near_a_place_without_javascript(city: Any) -> None:
    submit(lat=39.1, lng=116.1)  # in WS1 (west)
    submit(lat=39.1, lng=116.9)  # in WS2 (east)
    page = Client(headers=EN).get("/nearby/?place=WG1").content.decode()
    assert page.count('<li><span class="cat">') == 1
    assert '<input id="n-place" name="place" type="search" value="WG1"' in page
    assert '<button type="button" class="secondary" data-locate hidden>' in page  # JS shows it
    everywhere = Client(headers=EN).get("/nearby/").content.decode()
    assert everywhere.count('<li><span class="cat">') == 2


def test_a_point_shows_the_cases_around_it(city: Any) -> None:
    submit(lat=39.1, lng=116.1)
    submit(lat=39.2, lng=116.1)  # 11 km north
    page = Client(headers=EN).get("/nearby/?lat=39.1&lng=116.1").content.decode()
    assert page.count('<li><span class="cat">') == 1
    assert 'data-bounds="[39.092, 116.09, 39.108, 116.11]"' in page


def test_an_unknown_place_says_so(city: Any) -> None:
    response = Client(headers=EN).get("/nearby/?place=Atlantis")
    assert response.status_code == 400
    assert "No street or community with this name." in response.content.decode()
    assert Client(headers=EN).get("/nearby/?lat=91&lng=1").status_code == 400
