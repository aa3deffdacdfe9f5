"""`grassroots import-areas`: import, re-import, clear errors that write nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from grassroots.core.models import AuditEntry
from grassroots.geo.index import locate
from grassroots.geo.models import Area
from grassroots.organizations.models import Unit
from tests.factories.geo import box, unit_with_area

pytestmark = pytest.mark.django_db


def feature(geometry: dict[str, Any] | None, **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def write(tmp_path: Path, *features: dict[str, Any], name: str = "areas.geojson") -> str:
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": list(features)}))
    return str(path)


def run(path: str, *args: str) -> None:
    call_command("import_areas", path, *args, verbosity=0)


@pytest.fixture
def city(db: None) -> Unit:
    return unit_with_area("NYC", "city", box(0, 0, 10, 10))


@pytest.fixture
def two_districts(tmp_path: Path) -> str:
    return write(
        tmp_path,
        feature(box(0, 0, 5, 10), id=1, name="West"),
        feature(box(5, 0, 10, 10), id=2, name="东区"),
    )


DISTRICT_ARGS = ("--level", "district", "--code-field", "id", "--name-field", "name")


def snapshot() -> tuple[int, int, int]:
    return Unit.objects.count(), Area.objects.count(), AuditEntry.objects.count()


def test_import_creates_units_with_areas_under_the_parent(city: Unit, two_districts: str) -> None:
    run(two_districts, *DISTRICT_ARGS, "--parent-code", "NYC", "--code-prefix", "NYC-D")
    west, east = Unit.objects.get(code="NYC-D1"), Unit.objects.get(code="NYC-D2")
    assert (west.parent, west.level, west.name_en, west.name_zh) == (city, "district", "West", "")
    assert (east.name_zh, east.name_en) == ("东区", "")
    assert locate(5.0, 7.0).code == "NYC-D2"  # type: ignore[union-attr]
    assert west.area.source == "areas.geojson"


def test_reimport_updates_instead_of_duplicating(
    city: Unit, two_districts: str, tmp_path: Path
) -> None:
    run(two_districts, *DISTRICT_ARGS, "--parent-code", "NYC")
    units, areas = Unit.objects.count(), Area.objects.count()
    renamed = write(
        tmp_path,
        feature(box(0, 0, 6, 10), id=1, name="West Side"),
        feature(box(6, 0, 10, 10), id=2, name="东区"),
        name="v2.geojson",
    )
    run(renamed, *DISTRICT_ARGS, "--parent-code", "NYC")
    assert (Unit.objects.count(), Area.objects.count()) == (units, areas)
    assert Unit.objects.get(code="1").name_en == "West Side"
    assert Area.objects.get(unit__code="1").max_lng == 6.0


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        (
            feature({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, id=7, name="x"),
            "feature 1 (code 7)",
        ),
        (
            feature({"type": "Polygon", "coordinates": [[[0, 0], [1]]]}, id=7, name="x"),
            "feature 1 (code 7)",
        ),
        (feature(None, id=7, name="x"), "feature 1 (code 7)"),
        (feature(box(0, 0, 1, 1), name="no code"), "feature 1 (code ?)"),
        (feature(box(0, 0, 1, 1), id=7), "feature 1 (code 7)"),
        (feature(box(0, 0, 1, 1), id="bad code!", name="x"), "feature 1 (code ?)"),
        (feature(box(0, 0, 1, 1), id=1, name="dup"), "feature 1 (code 1)"),
    ],
)
def test_a_bad_feature_is_named_and_nothing_is_written(
    city: Unit, tmp_path: Path, bad: dict[str, Any], expected: str
) -> None:
    path = write(tmp_path, feature(box(0, 0, 5, 10), id=1, name="West"), bad)
    before = snapshot()
    with pytest.raises(CommandError, match=re.escape(expected)):
        run(path, *DISTRICT_ARGS, "--parent-code", "NYC")
    assert snapshot() == before


def test_an_unknown_parent_code_is_refused(city: Unit, two_districts: str) -> None:
    before = snapshot()
    with pytest.raises(CommandError, match="NOPE"):
        run(two_districts, *DISTRICT_ARGS, "--parent-code", "NOPE")
    assert snapshot() == before


def test_a_parent_of_the_wrong_level_is_refused_and_rolled_back(
    city: Unit, two_districts: str
) -> None:
    run(two_districts, *DISTRICT_ARGS, "--parent-code", "NYC", "--code-prefix", "D")
    before = snapshot()
    with pytest.raises(CommandError):  # a district cannot sit under a district
        run(two_districts, *DISTRICT_ARGS, "--parent-code", "D1", "--code-prefix", "X")
    assert snapshot() == before


def test_parent_by_containment_picks_the_covering_unit(
    city: Unit, two_districts: str, tmp_path: Path
) -> None:
    run(two_districts, *DISTRICT_ARGS, "--parent-code", "NYC", "--code-prefix", "D")
    streets = write(
        tmp_path,
        feature(box(1, 1, 2, 2), code="S-W", name="In the west"),
        feature(box(4, 1, 9, 2), code="S-E", name="Mostly east"),  # overlaps both, more east
        name="streets.geojson",
    )
    run(
        streets,
        "--level",
        "street",
        "--code-field",
        "code",
        "--name-field",
        "name",
        "--parent-by-containment",
    )
    assert Unit.objects.get(code="S-W").parent.code == "D1"  # type: ignore[union-attr]
    assert Unit.objects.get(code="S-E").parent.code == "D2"  # type: ignore[union-attr]


def test_parent_by_containment_refuses_a_feature_outside_every_parent(
    city: Unit, two_districts: str, tmp_path: Path
) -> None:
    run(two_districts, *DISTRICT_ARGS, "--parent-code", "NYC", "--code-prefix", "D")
    path = write(tmp_path, feature(box(20, 20, 21, 21), code="FAR", name="Far"), name="s.json")
    before = snapshot()
    with pytest.raises(CommandError, match=r"feature 0 \(code FAR\)"):
        run(path, "--level", "street", "--code-field", "code", "--parent-by-containment")
    assert snapshot() == before


def test_code_template_and_separate_name_fields(city: Unit, tmp_path: Path) -> None:
    path = write(tmp_path, feature(box(0, 0, 5, 5), boro=3, en="Brooklyn", zh="布鲁克林区"))
    run(
        path,
        "--level",
        "district",
        "--code-template",
        "B{boro:02d}",
        "--code-prefix",
        "NYC-",
        "--name-en-field",
        "en",
        "--name-zh-field",
        "zh",
        "--parent-code",
        "NYC",
    )
    unit = Unit.objects.get(code="NYC-B03")
    assert (unit.name_en, unit.name_zh) == ("Brooklyn", "布鲁克林区")


def test_datum_gcj02_converts_to_wgs84(city: Unit, tmp_path: Path) -> None:
    from grassroots.geo.datum import wgs84_to_gcj02

    corners = [
        wgs84_to_gcj02(lat, lng)
        for lat, lng in [(39.9, 116.4), (39.9, 116.5), (40.0, 116.5), (40.0, 116.4)]
    ]
    ring = [[lng, lat] for lat, lng in [*corners, corners[0]]]
    path = write(tmp_path, feature({"type": "Polygon", "coordinates": [ring]}, id="BJ1", n="x"))
    run(
        path,
        "--level",
        "district",
        "--code-field",
        "id",
        "--datum",
        "gcj02",
        "--parent-code",
        "NYC",
    )
    area = Area.objects.get(unit__code="BJ1")
    assert (area.min_lat, area.min_lng) == (pytest.approx(39.9), pytest.approx(116.4))
    assert (area.max_lat, area.max_lng) == (pytest.approx(40.0), pytest.approx(116.5))


@pytest.mark.shared_data
def test_beijing_gcj02_districts_put_tiananmen_in_dongcheng(db: None, shared_data: Path) -> None:
    unit_with_area("BJ", "city", box(115.4, 39.4, 117.6, 41.1))
    run(
        str(shared_data / "geo" / "beijing_districts_datav.geojson"),
        "--level",
        "district",
        "--code-field",
        "adcode",
        "--name-field",
        "name",
        "--datum",
        "gcj02",
        "--parent-code",
        "BJ",
    )
    assert Unit.objects.filter(level="district").count() == 16
    found = locate(39.9087, 116.3975)  # WGS84
    assert found is not None
    assert (found.code, found.name_zh) == ("110101", "东城区")
