"""Regenerate `data/` from the open-data files in ../shared/data (a maintainer's tool).

Run `python -m grassroots.demo.prepare_data ../shared/data`. It rounds the community-district
coordinates to 6 decimals (about 0.1 m), drops the unused properties and gzips the result; it
counts the NYC 311 agencies of the sample; it selects the stratified subset of NYC 311
requests the demo cases are made from. Nothing else is changed; see `data/README.md`.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import math
import sys
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping, shape

from .complaints import COMPLAINT_TYPES, Route

DATA_DIR = Path(__file__).resolve().parent / "data"
PRECISION = 6

# The sample names a few agencies only by the office that took the request; the agency's own
# name is used instead (listed in data/README.md).
AGENCY_NAME_FIXES = {
    "DOF": "Department of Finance",
    "HRA": "Human Resources Administration",
    "DOITT": "Department of Information Technology and Telecommunications",
    "DCAS": "Department of Citywide Administrative Services",
}


def _round(coords: Any) -> Any:
    if isinstance(coords[0], float | int):
        return [round(float(c), PRECISION) for c in coords]
    return [_round(c) for c in coords]


def reduce_geometry(geojson: dict[str, Any]) -> dict[str, Any]:
    """Snap a geometry to a 1e-6 degree grid, keep it valid, and round its numbers."""
    geom = shapely.set_precision(shape(geojson), 10**-PRECISION)
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    out = dict(mapping(geom))
    out["coordinates"] = _round(json.loads(json.dumps(out["coordinates"])))
    return out


def write_community_districts(source: Path) -> None:
    """`nyc_community_districts.geojson` → `data/nyc_community_districts.geojson.gz`."""
    collection = json.loads(source.read_text(encoding="utf-8"))
    features = [
        {
            "type": "Feature",
            "properties": {"BoroCD": int(f["properties"]["BoroCD"])},
            "geometry": reduce_geometry(f["geometry"]),
        }
        for f in sorted(collection["features"], key=lambda f: int(f["properties"]["BoroCD"]))
    ]
    text = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
    target = DATA_DIR / "nyc_community_districts.geojson.gz"
    # mtime=0 keeps the file byte-identical from one run to the next.
    with gzip.GzipFile(target, "wb", compresslevel=9, mtime=0) as fh:
        fh.write(text.encode("utf-8"))


def write_agencies(source: Path) -> None:
    """Count the agencies of the NYC 311 sample → `data/nyc_311_agencies.csv`."""
    rows: Counter[str] = Counter()
    names: dict[str, Counter[str]] = defaultdict(Counter)
    with source.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            rows[row["Agency"]] += 1
            names[row["Agency"]][row["Agency Name"]] += 1
    with (DATA_DIR / "nyc_311_agencies.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["Agency", "Agency Name", "sample_rows"])
        for agency, count in rows.most_common():
            name = AGENCY_NAME_FIXES.get(agency) or names[agency].most_common(1)[0][0]
            writer.writerow([agency, name, count])


# The NYC 311 subset: every record of the newest RECENT_DAYS, at most PER_TYPE older records
# of each complaint type, DUPLICATE_PAIRS repeated calls (same type, same place, within days),
# and enough street-level records that each community district has MIN_PER_STREET.
REQUESTS_FILE = "nyc_311_requests.csv.gz"
REQUEST_COLUMNS = (
    "Unique Key",
    "Created Date",
    "Closed Date",
    "Agency",
    "Complaint Type",
    "Descriptor",
    "Location Type",
    "Incident Address",
    "Resolution Description",
    "Open Data Channel Type",
    "Community Board",
    "Latitude",
    "Longitude",
)
PORTAL_TIME = "%m/%d/%Y %I:%M:%S %p"
RECENT_DAYS = 120
PER_TYPE = 10
DUPLICATE_PAIRS = 16
DUPLICATE_METRES = 50.0
DUPLICATE_DAYS = 3
MIN_PER_STREET = 3


def _key_hash(row: dict[str, str]) -> str:
    """A stable pseudo-random order of the records (no dependence on the file's order)."""
    return hashlib.sha256(row["Unique Key"].encode()).hexdigest()


def _iso(value: str) -> str:
    """Portal time (`05/01/2022 12:00:03 AM`, New York local) → `2022-05-01T00:00:03`."""
    return datetime.strptime(value, PORTAL_TIME).isoformat() if value else ""


def _eligible(source: Path) -> list[dict[str, str]]:
    """Records of a known complaint type whose point lies in a community district."""
    from .sources import community_districts

    tree = shapely.STRtree(list(community_districts().values()))
    codes = list(community_districts())
    with source.open(encoding="utf-8", newline="") as fh:
        rows = [
            r
            for r in csv.DictReader(fh)
            if r["Latitude"] and r["Complaint Type"] in COMPLAINT_TYPES
        ]
    points = shapely.points(
        [float(r["Longitude"]) for r in rows], [float(r["Latitude"]) for r in rows]
    )
    found: dict[int, int] = {}
    for point, geom in zip(*tree.query(points, predicate="within"), strict=True):
        found.setdefault(int(point), codes[int(geom)])
    out = []
    for i, row in enumerate(rows):
        if i in found:
            out.append({**row, "_cd": str(found[i]), "_t": _iso(row["Created Date"])})
    return sorted(out, key=_key_hash)


def _metres(a: dict[str, str], b: dict[str, str]) -> float:
    dlat = (float(a["Latitude"]) - float(b["Latitude"])) * 111_320
    dlng = (float(a["Longitude"]) - float(b["Longitude"])) * 111_320 * math.cos(math.radians(40.7))
    return math.hypot(dlat, dlng)


def _duplicate_pairs(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Repeated calls about one problem, one pair per complaint type (animals excepted: their
    points are often a shared centroid, not the same problem)."""
    pairs: list[dict[str, str]] = []
    taken: set[str] = set()
    by_time = sorted(rows, key=lambda r: r["_t"])
    for i, a in enumerate(by_time):
        kind = a["Complaint Type"]
        if kind in taken or "Animal" in kind or len(pairs) >= 2 * DUPLICATE_PAIRS:
            continue
        limit = (datetime.fromisoformat(a["_t"]) + timedelta(days=DUPLICATE_DAYS)).isoformat()
        for b in by_time[i + 1 :]:
            if b["_t"] > limit:
                break
            if b["Complaint Type"] == kind and _metres(a, b) < DUPLICATE_METRES:
                pairs += [a, b]
                taken.add(kind)
                break
    return pairs


def select_requests(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The stratified subset (see the constants above), in no particular order."""
    newest = max(datetime.fromisoformat(r["_t"]) for r in rows)
    recent_from = (newest - timedelta(days=RECENT_DAYS)).isoformat()
    chosen = {r["Unique Key"]: r for r in rows if r["_t"] >= recent_from}
    per_type: Counter[str] = Counter()
    for row in rows:
        if row["Unique Key"] not in chosen and per_type[row["Complaint Type"]] < PER_TYPE:
            per_type[row["Complaint Type"]] += 1
            chosen[row["Unique Key"]] = row
    chosen |= {r["Unique Key"]: r for r in _duplicate_pairs(rows)}
    street = [r for r in rows if COMPLAINT_TYPES[r["Complaint Type"]].route == Route.STREET]
    per_street = Counter(r["_cd"] for r in chosen.values() if r in street)
    for row in street:
        if row["Unique Key"] not in chosen and per_street[row["_cd"]] < MIN_PER_STREET:
            per_street[row["_cd"]] += 1
            chosen[row["Unique Key"]] = row
    return list(chosen.values())


def write_requests(source: Path) -> None:
    """The NYC 311 subset → `data/nyc_311_requests.csv.gz` (times in ISO, oldest first)."""
    rows = sorted(select_requests(_eligible(source)), key=lambda r: (r["_t"], r["Unique Key"]))
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(REQUEST_COLUMNS)
    for row in rows:
        values = {**row, "Created Date": row["_t"], "Closed Date": _iso(row["Closed Date"])}
        writer.writerow([values[c].strip() for c in REQUEST_COLUMNS])
    with gzip.GzipFile(DATA_DIR / REQUESTS_FILE, "wb", compresslevel=9, mtime=0) as fh:
        fh.write(text.getvalue().encode("utf-8"))


def main(shared_data: Path) -> None:
    """Write every demo data file from the shared open-data folder."""
    write_community_districts(shared_data / "geo" / "nyc_community_districts.geojson")
    requests = shared_data / "service_requests_311" / "nyc_311_sample_combined.csv"
    write_agencies(requests)
    write_requests(requests)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data"))
