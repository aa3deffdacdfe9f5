"""The New York City demo, loaded once for this module (about 15 s on SQLite)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import shapely
from django.contrib.auth import authenticate, get_user_model
from django.db import transaction
from shapely.geometry import shape

from grassroots.core.models import AuditEntry
from grassroots.demo import sources
from grassroots.demo.builder import DemoSummary, load_demo
from grassroots.demo.users import DEMO_PASSWORD
from grassroots.geo.models import Area
from grassroots.organizations.enums import Role, UnitLevel
from grassroots.organizations.models import Membership, Unit

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# Intersections computed in floating point may stick out of their parent by rounding noise.
TOLERANCE_DEG2 = 1e-12


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoSummary]:
    """Load the demo once; every test runs in a savepoint inside this rolled-back block."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo()
        transaction.set_rollback(True)


def _count(level: str) -> int:
    return Unit.objects.filter(level=level).count()


def _geometries(level: str) -> dict[str, Any]:
    areas = Area.objects.filter(unit__level=level).select_related("unit")
    return {a.unit.code: shape(a.geometry) for a in areas}


def _parent_codes(level: str) -> dict[str, str]:
    return dict(Unit.objects.filter(level=level).values_list("code", "parent__code"))


def _snapshot() -> dict[str, int]:
    return {
        "units": Unit.objects.count(),
        "areas": Area.objects.count(),
        "users": get_user_model().objects.count(),
        "memberships": Membership.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def test_the_tree_has_one_city_five_districts_and_71_streets(demo: DemoSummary) -> None:
    assert _count(UnitLevel.CITY) == 1
    assert _count(UnitLevel.DISTRICT) == 5
    assert _count(UnitLevel.STREET) == 71
    assert _count(UnitLevel.COMMUNITY) == demo.created[UnitLevel.COMMUNITY] > 0
    assert _count(UnitLevel.GRID) == demo.created[UnitLevel.GRID] > 0
    assert not demo.already_loaded


def test_each_street_is_a_community_district_under_its_borough(demo: DemoSummary) -> None:
    street = Unit.objects.get(code="101")
    assert (street.level, street.parent.code) == (UnitLevel.STREET, "NYC-1")
    assert (street.name_zh, street.name_en) == (
        "曼哈顿第1社区委员会区",
        "Manhattan Community District 1",
    )
    park = Unit.objects.get(code="164")
    assert (park.name_zh, park.name_en) == ("联合权益区164", "Joint Interest Area 164")
    assert Unit.objects.get(code="NYC-4").name_en == "Queens"
    assert Unit.objects.get(code="NYC").name_zh == "纽约市"


def test_departments_are_the_311_agencies_under_the_city(demo: DemoSummary) -> None:
    departments = Unit.objects.filter(level=UnitLevel.DEPARTMENT)
    assert departments.count() == len(sources.agencies())
    assert set(departments.values_list("parent__code", flat=True)) == {"NYC"}
    dep = Unit.objects.get(code="NYC-DEP")
    assert (dep.name_zh, dep.name_en) == ("环境保护局", "Department of Environmental Protection")


def test_every_territorial_unit_below_the_city_has_an_area(demo: DemoSummary) -> None:
    for level in (UnitLevel.DISTRICT, UnitLevel.STREET, UnitLevel.COMMUNITY, UnitLevel.GRID):
        assert Area.objects.filter(unit__level=level).count() == _count(level)


def test_every_community_lies_within_its_street(demo: DemoSummary) -> None:
    streets = _geometries(UnitLevel.STREET)
    parents = _parent_codes(UnitLevel.COMMUNITY)
    for code, geom in _geometries(UnitLevel.COMMUNITY).items():
        assert geom.difference(streets[parents[code]]).area < TOLERANCE_DEG2, code


def test_every_grid_lies_within_its_community(demo: DemoSummary) -> None:
    communities = _geometries(UnitLevel.COMMUNITY)
    parents = _parent_codes(UnitLevel.GRID)
    grids = _geometries(UnitLevel.GRID)
    for code, geom in grids.items():
        assert geom.difference(communities[parents[code]]).area < TOLERANCE_DEG2, code


def test_the_communities_of_a_street_cover_it(demo: DemoSummary) -> None:
    street = _geometries(UnitLevel.STREET)["101"]
    parts = [g for c, g in _geometries(UnitLevel.COMMUNITY).items() if c.startswith("101-")]
    assert shapely.union_all(parts).symmetric_difference(street).area < TOLERANCE_DEG2


def test_the_lattice_units_are_coded_under_their_street(demo: DemoSummary) -> None:
    community = Unit.objects.get(code="101-C01")
    assert (community.parent.code, community.name_en, community.name_zh) == (
        "101",
        "Community 101-01",
        "101-01社区",
    )
    grid = Unit.objects.get(code="101-C01-G1")
    assert (grid.parent.code, grid.name_en, grid.name_zh) == (
        "101-C01",
        "Grid 101-01-1",
        "101-01-1网格",
    )


def test_every_demo_login_holds_its_role_at_its_unit(demo: DemoSummary) -> None:
    held = set(
        Membership.objects.filter(user__username__startswith="demo-").values_list(
            "user__username", "role", "unit__code"
        )
    )
    assert held == {(x.username, x.role, x.unit_code) for x in demo.logins}
    assert {x.role for x in demo.logins} == set(Role.values)
    assert {x.username for x in demo.logins} >= {
        "demo-admin",
        "demo-dispatcher",
        "demo-supervisor",
        *(f"demo-handler-{code}" for code in sources.community_districts()),
    }


def test_demo_admin_is_a_superuser_and_the_others_are_not_staff(demo: DemoSummary) -> None:
    users = get_user_model().objects.filter(username__startswith="demo-")
    assert list(users.filter(is_staff=True).values_list("username", flat=True)) == ["demo-admin"]
    assert list(users.filter(is_superuser=True).values_list("username", flat=True)) == [
        "demo-admin"
    ]


def test_the_demo_password_works(demo: DemoSummary) -> None:
    assert authenticate(username="demo-dispatcher", password=DEMO_PASSWORD) is not None
    assert authenticate(username="demo-handler-503", password=DEMO_PASSWORD) is not None
    assert authenticate(username="demo-admin", password="wrong") is None


def test_handler_101_holds_handler_at_street_101_only(demo: DemoSummary) -> None:
    memberships = Membership.objects.filter(user__username="demo-handler-101")
    assert list(memberships.values_list("role", "unit__code")) == [(Role.HANDLER, "101")]


def test_a_second_load_changes_nothing(demo: DemoSummary) -> None:
    before = _snapshot()

    again = load_demo()

    assert again.already_loaded
    assert _snapshot() == before


def test_a_forced_load_of_a_complete_demo_changes_nothing(demo: DemoSummary) -> None:
    before = _snapshot()

    again = load_demo(force=True)

    assert (again.already_loaded, again.changed) == (False, False)
    assert _snapshot() == before


def test_a_forced_load_recreates_only_what_is_missing(demo: DemoSummary) -> None:
    get_user_model().objects.filter(username="demo-handler-205").delete()
    before = _snapshot()

    again = load_demo(force=True)

    assert (again.users_created, sum(again.created.values())) == (1, 0)
    after = _snapshot()
    assert (after["users"], after["memberships"]) == (
        before["users"] + 1,
        before["memberships"] + 1,
    )
    assert after["units"] == before["units"]
