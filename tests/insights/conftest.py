"""A small month of cases over the test tree, built through the case services."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from grassroots.cases import services
from grassroots.cases.models import Case
from grassroots.core import clock
from grassroots.organizations.models import Unit
from tests.cases.conftest import Api
from tests.factories.cases import staff, submit
from tests.factories.organizations import make_tree

LOCAL = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    """A local moment, `2025-03-03 10:00`."""
    return datetime.fromisoformat(text).replace(tzinfo=LOCAL)


class Flow:
    """Steps of one case, each at a given moment."""

    def __init__(self, people: dict[str, Any]) -> None:
        self.people = people

    def received(self, moment: str, **fields: Any) -> Case:
        with clock.at(at(moment)):
            return submit(**fields)

    def dispatched(self, case: Case, unit: Unit, moment: str) -> Case:
        with clock.at(at(moment)):
            return services.dispatch_case(case, unit=unit, actor=self.people["dispatcher"])

    def accepted(self, case: Case, moment: str, who: str) -> Case:
        with clock.at(at(moment)):
            return services.accept_case(case, actor=self.people[who])

    def replied(self, case: Case, moment: str, who: str) -> Case:
        with clock.at(at(moment)):
            return services.reply_case(case, reply="Fixed the lamp.", actor=self.people[who])

    def followed_up(self, case: Case, moment: str, resolved: bool, satisfaction: str) -> Case:
        with clock.at(at(moment)):
            return services.follow_up_case(
                case, resolved=resolved, satisfaction=satisfaction, actor=services.RESIDENT
            )

    def handled(
        self, unit: Unit, day: str, who: str, *, resolved: bool = True, sat: str = "satisfied"
    ) -> Case:
        """Received at 10:00, accepted at 10:30, replied the next day, followed up."""
        case = self.received(f"{day} 10:00")
        self.dispatched(case, unit, f"{day} 10:05")
        self.accepted(case, f"{day} 10:30", who)
        next_day = (at(f"{day} 10:00") + timedelta(days=1)).strftime("%Y-%m-%d")
        self.replied(case, f"{next_day} 11:00", who)
        return self.followed_up(case, f"{next_day} 15:00", resolved, sat)


@pytest.fixture
def tree() -> dict[str, Unit]:
    return make_tree("K")


@pytest.fixture
def people(tree: dict[str, Unit]) -> dict[str, Any]:
    return staff(tree)


@pytest.fixture
def month(tree: dict[str, Unit], people: dict[str, Any]) -> dict[str, Case]:
    """March 2025 (and one February case) across two streets, a grid and a department."""
    flow = Flow(people)
    cases: dict[str, Case] = {}
    cases["good"] = flow.handled(tree["s1"], "2025-03-03", "handler1")
    cases["grid"] = flow.handled(tree["g1"], "2025-03-10", "grid", sat="basic")
    late = flow.received("2025-03-05 10:00")
    flow.dispatched(late, tree["s1"], "2025-03-05 10:05")
    flow.accepted(late, "2025-03-10 10:00", "handler1")  # well past 8 working hours
    flow.replied(late, "2025-03-11 10:00", "handler1")
    flow.followed_up(late, "2025-03-11 12:00", False, "unsatisfied")
    with clock.at(at("2025-03-11 13:00")):
        services.reopen_case(late, reason="Still dark", actor=services.RESIDENT)
    cases["late"] = late
    stuck = flow.received("2025-03-12 09:00")
    cases["stuck"] = flow.dispatched(stuck, tree["s2"], "2025-03-12 09:05")  # never accepted
    moved = flow.received("2025-03-12 11:00")
    flow.dispatched(moved, tree["s2"], "2025-03-12 11:05")
    with clock.at(at("2025-03-12 14:00")):
        services.return_case(moved, reason="Not ours", actor=people["handler2"])
    flow.dispatched(moved, tree["dept"], "2025-03-12 15:00")
    flow.accepted(moved, "2025-03-12 16:00", "dept")
    flow.replied(moved, "2025-03-13 10:00", "dept")
    with clock.at(at("2025-03-20 10:00")):
        cases["moved"] = services.close_case(moved, note="No answer", actor=people["dispatcher"])
    cases["spam"] = flow.handled(
        tree["s1"], "2025-03-25", "handler1", resolved=False, sat="unsatisfied"
    )
    cases["february"] = flow.handled(tree["s1"], "2025-02-20", "handler1")
    cases["queued"] = flow.received("2025-03-26 10:00")  # no unit: in no unit's figures
    return {k: Case.objects.get(pk=v.pk) for k, v in cases.items()}


@pytest.fixture
def api_as(people: dict[str, Any]) -> Any:
    return lambda name: Api(people[name]) if name != "anonymous" else Api()
