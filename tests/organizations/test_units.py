from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grassroots.core.models import AuditEntry
from grassroots.organizations import services
from grassroots.organizations.enums import UnitLevel
from grassroots.organizations.errors import OrganizationError, OrganizationErrorCode
from grassroots.organizations.models import Unit
from tests.factories.organizations import UnitFactory, make_tree

pytestmark = pytest.mark.django_db


def test_subtree_of_a_district_is_everything_under_it_and_nothing_else() -> None:
    tree = make_tree()

    codes = set(Unit.objects.subtree(tree["d1"]).values_list("code", flat=True))

    assert codes == {"TD1", "TS1", "TC1", "TG1"}


def test_subtree_is_one_query_at_any_depth() -> None:
    tree = make_tree()

    with CaptureQueriesContext(connection) as ctx:
        units = list(Unit.objects.subtree(tree["city"]))

    assert len(ctx.captured_queries) == 1
    assert len(units) == 8


def test_subtree_does_not_leak_into_a_sibling_whose_id_shares_a_prefix() -> None:
    # Unit 1's subtree must not contain unit 10..19: paths are fixed-width, not prefixes of ids.
    city = UnitFactory(code="C", level=UnitLevel.CITY)
    districts = [
        UnitFactory(code=f"D{i}", level=UnitLevel.DISTRICT, parent=city) for i in range(12)
    ]

    first = districts[0]

    assert list(Unit.objects.subtree(first).values_list("code", flat=True)) == ["D0"]


def test_ancestors_run_from_the_root_down() -> None:
    tree = make_tree()

    chain = [u.code for u in Unit.objects.ancestors(tree["g1"], include_self=True)]

    assert chain == ["TCITY", "TD1", "TS1", "TC1", "TG1"]
    assert tree["g1"].depth == 4


def test_unit_name_follows_the_active_language() -> None:
    from django.utils import translation

    unit = UnitFactory(code="N", name_zh="朝阳区", name_en="Chaoyang")

    with translation.override("zh-hans"):
        zh = unit.name
    with translation.override("en"):
        en = unit.name

    assert (zh, en) == ("朝阳区", "Chaoyang")


def test_creating_a_unit_writes_an_audit_entry() -> None:
    unit = UnitFactory(code="AUD", level=UnitLevel.CITY)

    entry = AuditEntry.objects.get(action="organizations.unit.created")

    assert (entry.target_type, entry.target_id, entry.summary) == (
        "organizations.unit",
        str(unit.pk),
        "AUD",
    )


@pytest.mark.parametrize(
    ("level", "parent_key"),
    [
        (UnitLevel.GRID, "s1"),  # a grid must sit under a community
        (UnitLevel.STREET, "city"),  # a street must sit under a district
        (UnitLevel.DEPARTMENT, "g1"),  # departments sit beside the tree at city/district/street
        (UnitLevel.CITY, "city"),  # a city is a root
    ],
)
def test_a_unit_under_the_wrong_level_is_refused_and_nothing_is_written(
    level: str, parent_key: str
) -> None:
    tree = make_tree()
    before = Unit.objects.count()

    with pytest.raises(OrganizationError) as exc:
        services.create_unit("X1", level=level, name_en="X", parent=tree[parent_key], actor=None)

    assert exc.value.code == OrganizationErrorCode.INVALID_PARENT
    assert Unit.objects.count() == before


def test_duplicate_or_malformed_codes_are_refused() -> None:
    UnitFactory(code="DUP", level=UnitLevel.CITY)

    with pytest.raises(OrganizationError) as dup:
        services.create_unit("DUP", level=UnitLevel.CITY, name_en="Again", actor=None)
    with pytest.raises(OrganizationError) as bad:
        services.create_unit("bad code!", level=UnitLevel.CITY, name_en="Bad", actor=None)

    assert (dup.value.code, dup.value.status) == (OrganizationErrorCode.DUPLICATE_CODE, 409)
    assert bad.value.code == OrganizationErrorCode.INVALID_CODE
    assert Unit.objects.count() == 1


def test_moving_a_street_moves_its_whole_subtree() -> None:
    tree = make_tree()

    services.move_unit(tree["s1"], parent=tree["d2"], actor=None)

    assert set(Unit.objects.subtree(tree["d2"]).values_list("code", flat=True)) == {
        "TD2",
        "TS2",
        "TS1",
        "TC1",
        "TG1",
    }
    grid = Unit.objects.get(code="TG1")
    assert [u.code for u in Unit.objects.ancestors(grid)] == ["TCITY", "TD2", "TS1", "TC1"]
    assert Unit.objects.get(code="TS1").parent_id == tree["d2"].pk


def test_a_unit_cannot_move_under_its_own_subtree() -> None:
    tree = make_tree()
    path_before = Unit.objects.get(code="TC1").path

    with pytest.raises(OrganizationError) as exc:
        services.move_unit(tree["d1"], parent=tree["s1"], actor=None)

    assert exc.value.code == OrganizationErrorCode.CYCLE
    assert Unit.objects.get(code="TC1").path == path_before


def test_update_unit_changes_names_and_records_before_and_after() -> None:
    unit = UnitFactory(code="UPD", level=UnitLevel.CITY, name_en="Old")

    services.update_unit(unit, name_en="New", actor=None)

    assert Unit.objects.get(pk=unit.pk).name_en == "New"
    entry = AuditEntry.objects.get(action="organizations.unit.updated")
    assert entry.data == {"before": {"name_en": "Old"}, "after": {"name_en": "New"}}
