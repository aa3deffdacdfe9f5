"""Regenerate `data/` from the open-data files in ../shared/data (a maintainer's tool).

Run `python -m grassroots.demo.prepare_data ../shared/data`. It rounds the community-district
coordinates to 6 decimals (about 0.1 m), drops the unused properties and gzips the result; it
counts the NYC 311 agencies of the sample. Nothing else is changed; see `data/README.md`.
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping, shape

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


def main(shared_data: Path) -> None:
    """Write every demo data file from the shared open-data folder."""
    write_community_districts(shared_data / "geo" / "nyc_community_districts.geojson")
    write_agencies(shared_data / "service_requests_311" / "nyc_311_sample_combined.csv")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data"))
