"""The duty roster: adding and cancelling shifts, its checks, who may change it, and who is on
duty for a place at a moment (ancestors included, across midnight)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from grassroots.core import clock
from grassroots.core.models import AuditEntry
from grassroots.organizations import duty, services
from grassroots.organizations.enums import Role
from grassroots.organizations.errors import OrganizationError
from grassroots.organizations.models import DutyShift
from grassroots.organizations.permissions import may_edit_roster, may_view_roster
from tests.factories.organizations import UserFactory, make_tree

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 21, 30, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with clock.at(NOW):
        yield


@pytest.fixture
def tree() -> dict[str, Any]:
    return make_tree()


def person(name: str, role: str, unit: Any) -> Any:
    user = UserFactory(username=name)
    services.grant_role(user, unit=unit, role=role, actor=None)
    return user


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


def add(user: Any, unit: Any, start: datetime, end: datetime, **kw: Any) -> DutyShift:
    return duty.add_shift(user, unit=unit, starts_at=start, ends_at=end, actor=None, **kw)


def refused(code: str, call: Any, *args: Any, **kwargs: Any) -> OrganizationError:
    with pytest.raises(OrganizationError) as info:
        call(*args, **kwargs)
    assert info.value.code == code, info.value.message
    return info.value


def test_adding_a_shift_stores_it_and_writes_the_audit(tree: dict[str, Any]) -> None:
    boss = person("boss", Role.SUPERVISOR, tree["city"])
    ana = person("ana", Role.DISPATCHER, tree["city"])

    shift = duty.add_shift(
        ana, unit=tree["d1"], starts_at=at(23, 20), ends_at=at(24, 8), note="night", actor=boss
    )

    stored = DutyShift.objects.get()
    assert (stored.user, stored.unit, stored.note, stored.created_by) == (
        ana,
        tree["d1"],
        "night",
        boss,
    )
    assert (stored.starts_at, stored.ends_at, stored.cancelled_at) == (at(23, 20), at(24, 8), None)
    entry = AuditEntry.objects.get(action="organizations.duty_shift.added")
    assert (entry.actor, entry.target_id) == (boss, str(shift.pk))
    assert entry.summary == "ana @ TD1 2026-11-23 20:00 – 2026-11-24 08:00"


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ((23, 22), (23, 22), "A shift must end after it starts."),
        ((23, 23), (23, 22), "A shift must end after it starts."),
        ((23, 22), (24, 22, 1), "A shift lasts at most 24 hours."),
        ((23, 8), (23, 21, 30), "This shift is already over: the roster plans ahead."),
    ],
)
def test_wrong_times_are_refused_and_nothing_is_written(
    tree: dict[str, Any], start: tuple[int, ...], end: tuple[int, ...], message: str
) -> None:
    ana = person("ana", Role.DISPATCHER, tree["city"])

    error = refused("shift_invalid_times", add, ana, tree["city"], at(*start), at(*end))

    assert (error.message, error.status) == (message, 422)
    assert DutyShift.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="organizations.duty_shift").exists()


def test_a_full_day_is_allowed_and_a_naive_time_is_not(tree: dict[str, Any]) -> None:
    ana = person("ana", Role.DISPATCHER, tree["city"])

    add(ana, tree["city"], at(23, 22), at(24, 22))
    naive = datetime(2026, 11, 25, 8, 0)

    refused("shift_invalid_times", add, ana, tree["d1"], naive, naive + timedelta(hours=8))
    assert DutyShift.objects.count() == 1


def test_a_running_shift_can_be_added(tree: dict[str, Any]) -> None:
    ana = person("ana", Role.DISPATCHER, tree["city"])

    add(ana, tree["city"], at(23, 20), at(24, 8))

    assert duty.on_duty(tree["g1"], NOW) == [ana]


def test_only_a_dispatcher_at_the_unit_or_above_can_be_put_on_duty(tree: dict[str, Any]) -> None:
    below = person("below", Role.DISPATCHER, tree["s1"])
    handler = person("handler", Role.HANDLER, tree["city"])
    beside = person("beside", Role.DISPATCHER, tree["d2"])
    gone = person("gone", Role.DISPATCHER, tree["city"])
    gone.is_active = False
    gone.save()

    for user in (below, handler, beside, gone):
        error = refused("shift_not_dispatcher", add, user, tree["d1"], at(24, 8), at(24, 20))
        assert error.message == f"{user.username} holds no dispatcher role at TD1 or above it."
    add(below, tree["g1"], at(24, 8), at(24, 20))  # the grid lies under the street
    assert DutyShift.objects.count() == 1


def test_a_closed_unit_has_no_roster(tree: dict[str, Any]) -> None:
    ana = person("ana", Role.DISPATCHER, tree["city"])
    services.update_unit(tree["d1"], is_active=False, actor=None)

    refused("unit_not_found", add, ana, tree["d1"], at(24, 8), at(24, 20))


def test_an_overlapping_shift_for_the_same_person_and_unit_is_a_conflict(
    tree: dict[str, Any],
) -> None:
    ana = person("ana", Role.DISPATCHER, tree["city"])
    bo = person("bo", Role.DISPATCHER, tree["city"])
    first = add(ana, tree["d1"], at(24, 8), at(24, 20))

    error = refused("shift_overlap", add, ana, tree["d1"], at(24, 19), at(25, 7))

    assert (error.status, error.details) == (409, {"shift": first.pk})
    assert (
        error.message == "ana is already on duty for TD1 from 2026-11-24 08:00 to 2026-11-24 20:00."
    )
    add(ana, tree["d1"], at(24, 20), at(25, 8))  # back to back is fine
    add(ana, tree["d2"], at(24, 8), at(24, 20))  # another unit at the same time is fine
    add(bo, tree["d1"], at(24, 8), at(24, 20))  # two people on duty together is fine
    assert DutyShift.objects.count() == 4


def test_a_cancelled_shift_no_longer_blocks_or_alerts(tree: dict[str, Any]) -> None:
    ana = person("ana", Role.DISPATCHER, tree["city"])
    shift = add(ana, tree["d1"], at(23, 20), at(24, 8))

    duty.cancel_shift(shift, actor=None)

    shift.refresh_from_db()
    assert shift.cancelled_at == NOW
    assert duty.on_duty(tree["d1"], NOW) == []
    assert AuditEntry.objects.filter(
        action="organizations.duty_shift.cancelled", target_id=str(shift.pk)
    ).exists()
    add(ana, tree["d1"], at(23, 22), at(24, 8))


def test_a_cancelled_or_finished_shift_cannot_be_cancelled(tree: dict[str, Any]) -> None:
    ana = person("ana", Role.DISPATCHER, tree["city"])
    shift = add(ana, tree["d1"], at(23, 21), at(23, 22))
    duty.cancel_shift(shift, actor=None)

    refused("shift_cancelled", duty.cancel_shift, shift, actor=None)
    over = add(ana, tree["d2"], at(23, 21), at(23, 22))
    with clock.at(at(23, 22)):
        error = refused("shift_over", duty.cancel_shift, over, actor=None)

    assert error.status == 409
    over.refresh_from_db()
    assert over.cancelled_at is None


def test_on_duty_covers_the_unit_and_its_subtree_from_ancestors(tree: dict[str, Any]) -> None:
    city = person("city", Role.DISPATCHER, tree["city"])
    west = person("west", Role.DISPATCHER, tree["city"])
    east = person("east", Role.DISPATCHER, tree["city"])
    add(city, tree["city"], at(23, 20), at(24, 8))
    add(west, tree["d1"], at(23, 21), at(24, 8))
    add(east, tree["d2"], at(23, 21), at(24, 8))

    assert duty.on_duty(tree["g1"], NOW) == [city, west]
    assert duty.on_duty(tree["s2"], NOW) == [city, east]
    assert duty.on_duty(tree["city"], NOW) == [city]
    assert duty.on_duty(None, NOW) == [city, west, east]


def test_a_shift_across_midnight_covers_both_days(tree: dict[str, Any]) -> None:
    ana = person("ana", Role.DISPATCHER, tree["city"])
    add(ana, tree["d1"], at(23, 22), at(24, 6))

    seen = {
        hour: duty.on_duty(tree["s1"], moment)
        for hour, moment in {
            "21:59": at(23, 21, 59),
            "22:00": at(23, 22),
            "23:59": at(23, 23, 59),
            "00:00": at(24, 0),
            "05:59": at(24, 5, 59),
            "06:00": at(24, 6),
        }.items()
    }

    assert seen == {
        "21:59": [],
        "22:00": [ana],
        "23:59": [ana],
        "00:00": [ana],
        "05:59": [ana],
        "06:00": [],
    }


def test_a_revoked_or_deactivated_dispatcher_is_off_duty(tree: dict[str, Any]) -> None:
    ana = person("ana", Role.DISPATCHER, tree["city"])
    bo = person("bo", Role.DISPATCHER, tree["city"])
    add(ana, tree["d1"], at(23, 20), at(24, 8))
    add(bo, tree["d1"], at(23, 20), at(24, 8))

    services.revoke_role(ana, unit=tree["city"], role=Role.DISPATCHER, actor=None)
    bo.is_active = False
    bo.save()

    assert duty.on_duty(tree["d1"], NOW) == []


def test_someone_on_duty_twice_is_listed_once(tree: dict[str, Any]) -> None:
    ana = person("ana", Role.DISPATCHER, tree["city"])
    add(ana, tree["city"], at(23, 20), at(24, 8))
    add(ana, tree["d1"], at(23, 21), at(24, 8))

    assert duty.on_duty(tree["g1"], NOW) == [ana]
    assert len(list(duty.on_duty_shifts(tree["g1"], NOW))) == 2


def test_shifts_between_lists_the_shifts_covering_a_place_in_a_window(
    tree: dict[str, Any],
) -> None:
    ana = person("ana", Role.DISPATCHER, tree["city"])
    a = add(ana, tree["city"], at(24, 8), at(24, 20))
    b = add(ana, tree["s1"], at(25, 8), at(25, 20))
    add(ana, tree["d2"], at(24, 8), at(24, 20))
    c = add(ana, tree["d1"], at(27, 8), at(27, 20))
    duty.cancel_shift(c, actor=None)

    listed = duty.shifts_between(tree["g1"], at(24, 0), at(26, 0))
    with_cancelled = duty.shifts_between(tree["d1"], at(24, 0), at(28, 0), cancelled=True)

    assert list(listed) == [a, b]
    assert list(with_cancelled) == [a, c]


def test_supervisors_and_admins_edit_the_roster_dispatchers_only_read_it(
    tree: dict[str, Any],
) -> None:
    boss = person("boss", Role.SUPERVISOR, tree["d1"])
    admin = person("admin", Role.ADMIN, tree["city"])
    ana = person("ana", Role.DISPATCHER, tree["d1"])
    handler = person("handler", Role.HANDLER, tree["d1"])

    assert [may_edit_roster(u, tree["s1"]) for u in (boss, admin, ana, handler)] == [
        True,
        True,
        False,
        False,
    ]
    assert [may_view_roster(u, tree["s1"]) for u in (boss, admin, ana, handler)] == [
        True,
        True,
        True,
        False,
    ]
    assert may_edit_roster(boss, tree["city"]) is False  # a district supervisor, not above it


def test_roster_unit_and_access_shift_answer_404_then_403(tree: dict[str, Any]) -> None:
    boss = person("boss", Role.SUPERVISOR, tree["d1"])
    ana = person("ana", Role.DISPATCHER, tree["d1"])
    handler = person("handler", Role.HANDLER, tree["d1"])
    shift = add(ana, tree["s1"], at(24, 8), at(24, 20))

    assert duty.roster_unit(boss, "TS1", edit=True) == tree["s1"]
    assert duty.roster_unit(ana, "TS1") == tree["s1"]
    assert refused("roster_forbidden", duty.roster_unit, ana, "TS1", edit=True).status == 403
    assert refused("unit_not_found", duty.roster_unit, handler, "TS1").status == 404
    assert refused("unit_not_found", duty.roster_unit, boss, "TD2").status == 404
    assert refused("unit_not_found", duty.roster_unit, boss, "NOPE").status == 404
    assert duty.access_shift(boss, shift.pk, edit=True) == shift
    assert refused("roster_forbidden", duty.access_shift, ana, shift.pk, edit=True).status == 403
    assert refused("shift_not_found", duty.access_shift, handler, shift.pk).status == 404
    assert refused("shift_not_found", duty.access_shift, boss, shift.pk + 99).status == 404


def test_the_people_who_can_be_rostered_for_a_unit(tree: dict[str, Any]) -> None:
    city = person("city", Role.DISPATCHER, tree["city"])
    west = person("west", Role.DISPATCHER, tree["d1"])
    person("east", Role.DISPATCHER, tree["d2"])
    person("grid", Role.DISPATCHER, tree["g1"])
    person("boss", Role.SUPERVISOR, tree["city"])

    assert list(duty.rosterable(tree["s1"])) == [city, west]
