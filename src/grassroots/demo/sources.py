"""Read the open-data subsets shipped in `data/` (see data/README.md for their origin)."""

from __future__ import annotations

import csv
import gzip
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

DATA_DIR = Path(__file__).resolve().parent / "data"
COMMUNITY_DISTRICTS_FILE = DATA_DIR / "nyc_community_districts.geojson.gz"
AGENCIES_FILE = DATA_DIR / "nyc_311_agencies.csv"


@dataclass(frozen=True)
class Agency:
    """One NYC agency that handles 311 service requests."""

    code: str
    name: str


@cache
def community_districts() -> dict[int, BaseGeometry]:
    """BoroCD → boundary (WGS84), in BoroCD order."""
    with gzip.open(COMMUNITY_DISTRICTS_FILE, "rt", encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    geoms = {int(f["properties"]["BoroCD"]): shape(f["geometry"]) for f in features}
    return {code: _valid(geoms[code]) for code in sorted(geoms)}


def boroughs() -> dict[int, BaseGeometry]:
    """BoroCode → the union of its community districts, so that the tree nests exactly."""
    by_borough: dict[int, list[BaseGeometry]] = {}
    for boro_cd, geom in community_districts().items():
        by_borough.setdefault(boro_cd // 100, []).append(geom)
    return {code: _valid(shapely.union_all(parts)) for code, parts in sorted(by_borough.items())}


@cache
def agencies() -> list[Agency]:
    """The 311 agencies of the NYC sample, most requests first."""
    with AGENCIES_FILE.open(encoding="utf-8", newline="") as fh:
        return [Agency(row["Agency"], row["Agency Name"]) for row in csv.DictReader(fh)]


def _valid(geom: BaseGeometry) -> BaseGeometry:
    return geom if geom.is_valid else shapely.make_valid(geom)
