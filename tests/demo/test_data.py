"""The open-data subsets shipped with the demo (no ../shared/data needed, except where marked)."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import numpy as np
import pytest
import shapely

import grassroots
from grassroots.demo import catalog, sources

BOROUGH_DIGIT = {"MANHATTAN": 1, "BRONX": 2, "BROOKLYN": 3, "QUEENS": 4, "STATEN ISLAND": 5}


def test_the_data_files_live_in_the_package() -> None:
    package = Path(grassroots.__file__).resolve().parent
    for path in (sources.COMMUNITY_DISTRICTS_FILE, sources.AGENCIES_FILE):
        assert path.is_file()
        assert path.is_relative_to(package)


def test_there_are_71_valid_community_districts_in_five_boroughs() -> None:
    districts = sources.community_districts()

    assert len(districts) == 71
    assert all(g.is_valid and not g.is_empty for g in districts.values())
    assert sorted(sources.boroughs()) == [1, 2, 3, 4, 5]


def test_coordinates_are_rounded_to_six_decimals() -> None:
    with gzip.open(sources.COMMUNITY_DISTRICTS_FILE, "rt", encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    coords = np.concatenate(
        [shapely.get_coordinates(shapely.from_geojson(json.dumps(f["geometry"]))) for f in features]
    )
    assert np.abs(coords - np.round(coords, 6)).max() < 1e-9


def test_every_agency_has_a_code_a_name_and_a_chinese_name() -> None:
    agencies = sources.agencies()

    assert len(agencies) == len({a.code for a in agencies}) == 19
    assert all(a.name for a in agencies)
    assert {a.code for a in agencies} <= set(catalog.AGENCY_NAMES_ZH)


def test_joint_interest_areas_are_named_as_such() -> None:
    assert catalog.street_names(226) == ("联合权益区226", "Joint Interest Area 226")
    assert catalog.street_names(318) == (
        "布鲁克林第18社区委员会区",
        "Brooklyn Community District 18",
    )
    assert catalog.street_names(414) == ("皇后区第14社区委员会区", "Queens Community District 14")


@pytest.mark.shared_data
def test_311_points_still_fall_in_their_community_board(shared_data: Path) -> None:
    codes, geoms = zip(*sources.community_districts().items(), strict=True)
    points, truth = _311_points(shared_data)
    tree = shapely.STRtree(list(geoms))

    point_idx, geom_idx = tree.query(shapely.points(points), predicate="within")

    found = dict(zip(point_idx.tolist(), geom_idx.tolist(), strict=True))
    agree = sum(1 for i, code in enumerate(truth) if i in found and codes[found[i]] == code)
    assert agree / len(truth) >= 0.99


def _311_points(shared_data: Path) -> tuple[np.ndarray, list[int]]:
    """Coordinates and BoroCD ("12 MANHATTAN" → 112) of the 311 sample rows that have both."""
    points, truth = [], []
    path = shared_data / "service_requests_311" / "nyc_311_sample_combined.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            number, _, borough = row["Community Board"].partition(" ")
            if row["Latitude"] and number.isdigit() and borough in BOROUGH_DIGIT:
                points.append((float(row["Longitude"]), float(row["Latitude"])))
                truth.append(BOROUGH_DIGIT[borough] * 100 + int(number))
    return np.array(points), truth
