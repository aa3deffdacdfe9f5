"""An emergency alerts the dispatchers on duty for its place (the duty roster), and every
dispatcher of the area when nobody is on duty there, so that it always reaches someone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from grassroots.accounts.models import Notification
from grassroots.core import clock
from grassroots.organizations import duty
from grassroots.organizations.enums import Role
from grassroots.triage import services
from tests.factories.cases import person, staff
from tests.triage.test_triage_app import in_place, tree  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _rules() -> None:
    services.load_default_rules(actor=None)


@pytest.fixture
def cast(tree: Any) -> dict[str, Any]:  # noqa: F811
    return {
        **staff(tree),
        "west": person("west", Role.DISPATCHER, tree["d1"]),
        "east": person("east", Role.DISPATCHER, tree["d2"]),
    }


def on_duty(user: Any, unit: Any, *, from_hours: float = -2, to_hours: float = 6) -> None:
    now = clock.now()
    duty.add_shift(
        user,
        unit=unit,
        starts_at=now + timedelta(hours=from_hours),
        ends_at=now + timedelta(hours=to_hours),
        actor=None,
    )


def alerted(case: Any, capture: Any) -> list[str]:
    with capture(execute=True):
        services.triage_case(case)
    rows = Notification.objects.filter(kind="triage.emergency").order_by("user__username")
    return [n.user.username for n in rows]


def test_an_emergency_alerts_only_the_dispatcher_on_duty_for_its_place(
    tree: Any,  # noqa: F811
    cast: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    on_duty(cast["west"], tree["d1"])
    on_duty(cast["east"], tree["d2"])
    on_duty(cast["dispatcher"], tree["city"], from_hours=1)  # not yet
    case = in_place(tree["g1"], subject="Gas leak", description="Strong gas leak in the hall")

    assert alerted(case, django_capture_on_commit_callbacks) == ["west"]


def test_a_shift_for_the_city_covers_every_place(
    tree: Any,  # noqa: F811
    cast: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    on_duty(cast["dispatcher"], tree["city"])
    case = in_place(tree["s2"], subject="火灾", description="楼下着火了，请马上处理")

    assert alerted(case, django_capture_on_commit_callbacks) == ["dispatcher"]


def test_with_nobody_on_duty_every_dispatcher_of_the_area_is_alerted(
    tree: Any,  # noqa: F811
    cast: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    on_duty(cast["east"], tree["d2"])  # on duty elsewhere only
    case = in_place(tree["g1"], subject="Gas leak", description="Strong gas leak in the hall")

    assert alerted(case, django_capture_on_commit_callbacks) == ["dispatcher", "west"]


def test_a_cancelled_shift_falls_back_to_the_area(
    tree: Any,  # noqa: F811
    cast: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    on_duty(cast["west"], tree["d1"])
    duty.cancel_shift(cast["west"].duty_shifts.get(), actor=None)
    case = in_place(tree["g1"], subject="Gas leak", description="Strong gas leak in the hall")

    assert alerted(case, django_capture_on_commit_callbacks) == ["dispatcher", "west"]
