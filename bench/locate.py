"""Benchmark of `geo.index`: point → unit lookups on the NYC demo tree.

Run from the checkout:  .venv/bin/python bench/locate.py [--points 100000] [--brute 500]

Builds (once, then reuses) a SQLite database under var/bench/ holding the NYC demo city
(5 boroughs, 71 community districts, a lattice of communities and grids), then prints lookups
per second for single points and for a batch, each next to a brute-force scan of every area
(shapely `contains` on each polygon in Python) measured in the same run, as ratios.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
os.environ.pop("DATABASE_URL", None)
os.environ["DJANGO_SETTINGS_MODULE"] = "grassroots.settings.test"
os.environ["GRASSROOTS_VAR_DIR"] = str(REPO / "var" / "bench")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
import shapely  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from shapely.geometry import shape  # noqa: E402

from grassroots.geo import index  # noqa: E402
from grassroots.geo.models import Area  # noqa: E402

SHARED = REPO.parent / "shared" / "data"


def build_database() -> None:
    """Migrate, then load the demo city (or, without the demo app, boroughs and districts)."""
    call_command("migrate", verbosity=0)
    if Area.objects.exists():
        return
    try:
        from grassroots.demo.builder import load_demo
    except ImportError:
        load_demo = None
    if load_demo is not None:
        load_demo(progress=True)
        return
    from grassroots.organizations.services import create_unit

    create_unit("NYC", level="city", name_en="New York City", actor=None)
    geo = SHARED / "geo"
    call_command(
        "import_areas",
        str(geo / "nyc_boroughs.geojson"),
        "--level",
        "district",
        "--code-field",
        "BoroCode",
        "--code-prefix",
        "B",
        "--parent-code",
        "NYC",
    )
    call_command(
        "import_areas",
        str(geo / "nyc_community_districts.geojson"),
        "--level",
        "street",
        "--code-field",
        "BoroCD",
        "--code-prefix",
        "CD",
        "--parent-by-containment",
    )


def nyc_311_points() -> tuple[np.ndarray, np.ndarray]:
    path = SHARED / "service_requests_311" / "nyc_311_sample_combined.csv"
    lats, lngs = [], []
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["Latitude"] and row["Longitude"]:
                lats.append(float(row["Latitude"]))
                lngs.append(float(row["Longitude"]))
    return np.array(lats), np.array(lngs)


def brute_force(areas: list[tuple[int, int, str, shapely.Geometry]], lat: float, lng: float) -> int:
    """The baseline: test every area's polygon in Python, keep the deepest (lowest code)."""
    point = shapely.Point(lng, lat)
    best: tuple[int, str] | None = None
    found = -1
    for unit_id, depth, code, geom in areas:
        if geom.covers(point) and (best is None or (-depth, code) < best):
            best, found = (-depth, code), unit_id
    return found


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def measure(name: str, lats: np.ndarray, lngs: np.ndarray, brute_n: int, areas: list) -> None:
    lat_list, lng_list = lats.tolist(), lngs.tolist()
    n_single = min(len(lat_list), 100_000)
    started = time.perf_counter()
    for i in range(n_single):
        index.locate(lat_list[i], lng_list[i])
    single = rate(n_single, time.perf_counter() - started)
    started = time.perf_counter()
    ids = index.locate_many(lats, lngs)
    batch = rate(len(lats), time.perf_counter() - started)
    sample = np.linspace(0, len(lats) - 1, brute_n).astype(int)
    started = time.perf_counter()
    brute_ids = [brute_force(areas, lat_list[i], lng_list[i]) for i in sample]
    brute = rate(len(sample), time.perf_counter() - started)
    agree = int(np.sum(ids[sample] == np.array(brute_ids)))
    print(f"\n{name}: {len(lats):,} points, {np.mean(ids >= 0):.1%} inside an area")
    print(f"  brute force (Python scan) {brute:>12,.0f} lookups/s   (sample of {len(sample)})")
    print(
        f"  index, single locate()    {single:>12,.0f} lookups/s   "
        f"{1e6 / single:6.2f} µs each   ×{single / brute:,.0f} brute force"
    )
    print(
        f"  index, locate_many()      {batch:>12,.0f} points/s     "
        f"{'':17}×{batch / brute:,.0f} brute force"
    )
    print(f"  agreement with brute force on the sample: {agree} / {len(sample)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--brute", type=int, default=500, help="brute-force sample size")
    args = parser.parse_args()
    settings.GEO_INDEX_REFRESH_SECONDS = 5.0  # production default: a check every 5 s
    build_database()
    rows = Area.objects.select_related("unit").order_by("unit__code")
    areas = [(a.unit_id, a.unit.depth, a.unit.code, shape(a.geometry)) for a in rows]
    levels: dict[str, int] = {}
    for a in rows:
        levels[a.unit.level] = levels.get(a.unit.level, 0) + 1
    print(
        f"areas: {len(areas):,} {levels}, vertices: "
        f"{sum(shapely.get_num_coordinates(g) for *_, g in areas):,}"
    )
    started = time.perf_counter()
    built = index.get_index()
    engine = built.engine
    print(
        f"index build: {time.perf_counter() - started:.2f} s, {len(engine.pieces):,} pieces, "
        f"raster {engine.grid.nx}×{engine.grid.ny}, "
        f"{np.mean(engine.cells == -2):.1%} of cells need the exact test"
    )
    minx, miny, maxx, maxy = shapely.total_bounds([g for *_, g in areas])
    rng = np.random.default_rng(311)
    measure(
        "random points in the city's bounding box",
        rng.uniform(miny, maxy, args.points),
        rng.uniform(minx, maxx, args.points),
        args.brute,
        areas,
    )
    lats, lngs = nyc_311_points()
    reps = -(-args.points // len(lats))
    measure(
        f"NYC 311 coordinates ({len(lats):,} distinct, repeated)",
        np.tile(lats, reps)[: args.points],
        np.tile(lngs, reps)[: args.points],
        args.brute,
        areas,
    )


if __name__ == "__main__":
    main()
