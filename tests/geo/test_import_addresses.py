"""`grassroots import-addresses`: rows with a usable point go in, the others are summed up."""

from __future__ import annotations

import gzip
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from grassroots.core.models import AuditEntry
from grassroots.geo.models import AddressPoint

pytestmark = pytest.mark.django_db

ARGS = (
    "--address-field",
    "Incident Address",
    "--lat-field",
    "Latitude",
    "--lng-field",
    "Longitude",
)
CSV = """Unique Key,Incident Address,Latitude,Longitude
1,1416 NEW YORK AVENUE,40.64,-73.94
2,330 WEST   95 STREET,40.79,-73.97
3,377 13 STREET,,
4,,40.66,-73.98
5,20 MAIN STREET,north,-73.9
6,1416 New York Ave.,40.65,-73.95
7,1 NOWHERE PLACE,95,-73.9
"""


def run(path: Path, *args: str) -> str:
    out = StringIO()
    with translation.override("en"):  # the summary is translated; these tests read English
        call_command("import_addresses", str(path), *ARGS, *args, stdout=out, verbosity=0)
    return out.getvalue()


def test_usable_rows_are_imported_and_bad_rows_summed_up(tmp_path: Path) -> None:
    path = tmp_path / "addresses.csv"
    path.write_text(CSV)

    out = run(path, "--source", "NYC 311")

    assert out.splitlines()[-1] == "imported=2 rejected=4"
    assert "rejected 3: no usable point" in out and "(lines 4, 6, 8)" in out
    assert "rejected 1: no address (lines 5)" in out
    points = {p.key: (p.address, p.lat, p.lng, p.source) for p in AddressPoint.objects.all()}
    assert points == {
        # the later row of the same address wins
        "1416 new york avenue": ("1416 New York Ave.", 40.65, -73.95, "NYC 311"),
        "330 west 95 street": ("330 WEST 95 STREET", 40.79, -73.97, "NYC 311"),
    }
    assert AuditEntry.objects.filter(action="geo.addresses.imported").count() == 1


def test_a_reimport_updates_and_reads_gzip(tmp_path: Path) -> None:
    plain, packed = tmp_path / "a.csv", tmp_path / "b.csv.gz"
    plain.write_text(CSV)
    with gzip.open(packed, "wt") as fh:
        fh.write("Incident Address,Latitude,Longitude\n330 W 95th St,40.8,-73.9\n")

    run(plain)
    out = run(packed)

    assert out.splitlines()[-1] == "imported=1 rejected=0"
    assert AddressPoint.objects.count() == 2
    moved = AddressPoint.objects.get(key="330 west 95 street")
    assert (moved.lat, moved.lng, moved.source) == (40.8, -73.9, "b.csv.gz")


def test_a_missing_column_stops_before_anything_is_written(tmp_path: Path) -> None:
    path = tmp_path / "addresses.csv"
    path.write_text("Address,Lat,Lng\n1 MAIN STREET,1,1\n")

    with pytest.raises(CommandError, match="no column “Incident Address”, “Latitude”"):
        run(path)

    assert AddressPoint.objects.count() == 0


def test_a_gcj02_file_is_stored_in_wgs84(tmp_path: Path) -> None:
    path = tmp_path / "beijing.csv"
    path.write_text(
        "地址,lat,lng\n北京市东城区天安门广场1号,39.91010,116.40374\n", encoding="utf-8"
    )

    call_command(
        "import_addresses",
        str(path),
        "--address-field",
        "地址",
        "--lat-field",
        "lat",
        "--lng-field",
        "lng",
        "--datum",
        "gcj02",
        stdout=StringIO(),
        verbosity=0,
    )

    point = AddressPoint.objects.get()
    assert point.key == "天安门广场1号"
    assert (round(point.lat, 4), round(point.lng, 4)) == (39.9087, 116.3975)
