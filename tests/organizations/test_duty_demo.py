"""The demo dispatchers get a week of day shifts (and the running night shift at night),
once: a second load adds none while they have a shift still to come."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from grassroots.core import clock
from grassroots.demo.users import DemoLogin, ensure_demo_shifts, ensure_demo_users
from grassroots.organizations.enums import Role
from grassroots.organizations.models import DutyShift
from tests.factories.organizations import make_tree

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(shift: DutyShift) -> tuple[str, str]:
    return (
        shift.starts_at.astimezone(SHANGHAI).strftime("%d %H:%M"),
        shift.ends_at.astimezone(SHANGHAI).strftime("%d %H:%M"),
    )


@pytest.mark.parametrize(
    ("hour", "first"),
    [(3, ("22 20:00", "23 08:00")), (10, ("23 08:00", "23 20:00")), (22, ("23 20:00", "24 08:00"))],
)
def test_demo_dispatchers_are_on_duty_around_the_load(hour: int, first: tuple[str, str]) -> None:
    tree = make_tree()
    units = {u.code: u for u in tree.values()}
    logins = [
        DemoLogin("demo-d", "d", Role.DISPATCHER, "TCITY"),
        DemoLogin("demo-s", "s", Role.SUPERVISOR, "TCITY"),
    ]
    ensure_demo_users(logins, units)
    now = datetime(2026, 11, 23, hour, 0, tzinfo=SHANGHAI)

    with clock.at(now):
        added = ensure_demo_shifts(logins, units, now=now)
        again = ensure_demo_shifts(logins, units, now=now)

    shifts = list(DutyShift.objects.order_by("starts_at"))
    assert (added, again) == (len(shifts), 0)
    assert {s.user.username for s in shifts} == {"demo-d"}
    assert local(shifts[0]) == first
    assert local(shifts[-1]) == ("29 08:00", "29 20:00")
