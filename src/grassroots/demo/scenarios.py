"""What happens to each demo case, and when: a plan per NYC 311 record (pure, no database).

The newest records (the last RECENT_DAYS after the week shift) are still open, spread over
the open states in the order a case moves through them (the newest still in the dispatch
queue); records of the months before carry the long-running cases (overdue, supervised,
extended); older records are finished: closed with a mix of verdicts, rejected, or
transferred and then closed. A record that repeats an earlier one (same complaint type, same
place, within days) is merged into it. Every moment of a plan lies between the record's
Created Date and the load time.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

import shapely
from shapely.geometry.base import BaseGeometry

from grassroots.cases.enums import CaseStatus, Satisfaction

from .complaints import Route, priority_of
from .records import Record, moment

RECENT_DAYS = 14
LONG_RUNNING_DAYS = 180
DUPLICATE_METRES = 50.0
DUPLICATE_DAYS = 3
METRES_PER_DEGREE = 111_320.0
# Open states for the recent records, newest first: (final state, variant, how many).
OPEN_BLOCKS: tuple[tuple[str, str, int], ...] = (
    (CaseStatus.RECEIVED, "new", 28),
    (CaseStatus.DISPATCHED, "", 24),
    (CaseStatus.RECEIVED, "returned", 10),
    (CaseStatus.ACCEPTED, "", 48),
    (CaseStatus.REPLIED, "", 24),
    (CaseStatus.FOLLOWED_UP, "unresolved", 12),
)
ACCEPTED_VARIANTS = (
    "plain",
    "extension-approved",
    "supervised",
    "summoned",
    "extension-pending",
    "cohandled",
    "transferred",
    "plain",
)
LONG_RUNNING_VARIANTS = ("supervised", "extension-approved", "extension-pending", "plain")
LONG_RUNNING = 12
# Finished records, by position: mostly satisfied, some basic, some not.
FINISHED_VARIANTS = (
    *["satisfied"] * 9,
    *["basic"] * 4,
    "unsatisfied",
    "unsatisfied",
    "no-answer",
    "no-answer",
    "rejected",
    "transferred",
    "satisfied",
)


class Step(StrEnum):
    SUBMIT = "submit"
    DISPATCH = "dispatch"
    RETURN = "return"
    TRANSFER = "transfer"
    ACCEPT = "accept"
    SUPPORT = "support"  # co-handle or summon
    PART_DONE = "part-done"
    EXTEND = "extend"
    DECIDE = "decide"
    SUPERVISE = "supervise"
    REPLY = "reply"
    FOLLOW_UP = "follow-up"
    CLOSE = "close"
    REJECT = "reject"
    MERGE = "merge"


@dataclass(frozen=True)
class Plan:
    """One record's case: its final state, the units it passes, and its timed steps."""

    record: Record
    state: str
    variant: str
    unit: str  # the final lead unit's code ("" while in the dispatch queue)
    first_unit: str  # where it is dispatched first (differs from `unit` when transferred)
    support: str = ""  # a supporting unit's code (co-handle, summon)
    parent: str = ""  # the record key it is merged into
    satisfaction: str = ""
    steps: tuple[tuple[datetime, Step], ...] = field(default=())


@dataclass(frozen=True)
class Routing:
    """Where a record is handled: its street (from its point) and its department."""

    street: str
    department: str
    route: Route

    @property
    def lead(self) -> str:
        return self.street if self.route == Route.STREET else self.department

    @property
    def other(self) -> str:
        return self.department if self.route == Route.STREET else self.street


def _jitter(rng: random.Random, low_minutes: float, high_minutes: float) -> timedelta:
    return timedelta(minutes=rng.uniform(low_minutes, high_minutes))


def _squeeze(moments: list[datetime], latest: datetime) -> list[datetime]:
    """Scale the moments after the first so that the last is at most `latest`."""
    first, last = moments[0], moments[-1]
    if last <= latest:
        return moments
    factor = (latest - first) / (last - first)
    return [first + (m - first) * factor for m in moments]


class Planner:
    """Builds every plan from the records, their routing and the load time."""

    def __init__(
        self,
        records: Iterable[Record],
        routing: dict[str, Routing],
        *,
        shift: timedelta,
        now: datetime,
    ) -> None:
        self.records = sorted(records, key=lambda r: (r.created, r.key), reverse=True)
        self.routing = routing
        self.shift, self.now = shift, now
        self.latest = now - timedelta(minutes=5)

    def received(self, record: Record) -> datetime:
        return moment(record.created, self.shift)

    def plans(self, streets: dict[str, BaseGeometry]) -> list[Plan]:
        """Every record's plan, oldest first; every street code in `streets` leads some."""
        duplicates = self._duplicates()
        states = self._states(duplicates)
        states = self._cover(states, streets, set(duplicates.values()))
        plans = [self._plan(r, *states[r.key], duplicates.get(r.key, "")) for r in self.records]
        by_key = {p.record.key: p for p in plans}
        plans = [self._after_merges(p, by_key) for p in plans]
        return sorted(plans, key=lambda p: (p.record.created, p.record.key))

    # -- which state and variant -----------------------------------------------------------

    def _age(self, record: Record) -> timedelta:
        return self.now - self.received(record)

    def _duplicates(self) -> dict[str, str]:
        """Later record key → the earliest record of its group (same type, place, days)."""
        ordered = sorted(self.records, key=lambda r: (r.created, r.key))
        parents: dict[str, str] = {}
        for i, a in enumerate(ordered):
            if a.key in parents:
                continue
            for b in ordered[i + 1 :]:
                if b.created - a.created > timedelta(days=DUPLICATE_DAYS):
                    break
                if b.key not in parents and _same_problem(a, b):
                    parents[b.key] = a.key
        return parents

    def _states(self, duplicates: dict[str, str]) -> dict[str, tuple[str, str, str]]:
        """Record key → (state, variant, routing choice) before coverage."""
        states: dict[str, tuple[str, str, str]] = {}
        recent = [r for r in self.records if self._age(r) <= timedelta(days=RECENT_DAYS)]
        blocks = [(s, v) for s, v, n in OPEN_BLOCKS for _i in range(n)]
        accepted = 0
        for record, (state, variant) in zip(recent, blocks, strict=False):
            if state == CaseStatus.ACCEPTED:
                variant = ACCEPTED_VARIANTS[accepted % len(ACCEPTED_VARIANTS)]
                accepted += 1
            states[record.key] = (state, variant, "")
        long_running = [
            r
            for r in self.records
            if timedelta(days=RECENT_DAYS) < self._age(r) <= timedelta(days=LONG_RUNNING_DAYS)
        ][:LONG_RUNNING]
        for i, record in enumerate(long_running):
            variant = LONG_RUNNING_VARIANTS[i % len(LONG_RUNNING_VARIANTS)]
            states[record.key] = (CaseStatus.ACCEPTED, variant, "")
        finished = sorted((r for r in self.records if r.key not in states), key=lambda r: r.key)
        for i, record in enumerate(finished):
            variant = FINISHED_VARIANTS[i % len(FINISHED_VARIANTS)]
            states[record.key] = (_finished_state(variant), variant, "")
        for child, parent in duplicates.items():
            states[child] = (CaseStatus.MERGED, "duplicate", "")
            if states[parent][0] == CaseStatus.REJECTED:
                states[parent] = (CaseStatus.CLOSED, "satisfied", "")
        return states

    def _cover(
        self,
        states: dict[str, tuple[str, str, str]],
        streets: dict[str, BaseGeometry],
        parents: set[str],
    ) -> dict[str, tuple[str, str, str]]:
        """A street that would lead no case gets the nearest street-level case, transferred
        to it from the street where the record lies (the joint interest areas: parks and
        airports, where few 311 calls are placed)."""
        led = {self._lead(r, states[r.key]) for r in self.records if states[r.key][0] in _HANDLED}
        candidates = [
            r
            for r in self.records
            if self.routing[r.key].route == Route.STREET
            and r.key not in parents
            and states[r.key][0] in _HANDLED
            and states[r.key][1] != "transferred"
        ]
        for code in sorted(set(streets) - led):
            points = shapely.points([r.lng for r in candidates], [r.lat for r in candidates])
            nearest = int(shapely.distance(points, streets[code]).argmin())
            record = candidates.pop(nearest)
            state, variant, _choice = states[record.key]
            states[record.key] = (state, variant, code)
        return states

    def _lead(self, record: Record, state: tuple[str, str, str]) -> str:
        return state[2] or self.routing[record.key].lead

    # -- when ------------------------------------------------------------------------------

    def _plan(self, record: Record, state: str, variant: str, cover: str, parent: str) -> Plan:
        routing = self.routing[record.key]
        rng = random.Random(int(record.key))
        unit = cover or routing.lead
        first = routing.street if cover else (routing.other if variant == "transferred" else unit)
        plan = Plan(record, state, variant, unit, first, parent=parent)
        if state == CaseStatus.MERGED:
            return replace(plan, unit="", first_unit="", steps=self._merged(record, rng))
        if variant in ("summoned", "cohandled"):
            plan = replace(plan, support=routing.other)
        if state in (CaseStatus.CLOSED, CaseStatus.FOLLOWED_UP) and variant != "no-answer":
            plan = replace(plan, satisfaction=_SATISFACTION.get(variant, Satisfaction.SATISFIED))
        if state in (CaseStatus.RECEIVED, CaseStatus.REJECTED) and variant != "returned":
            plan = replace(plan, unit="", first_unit="")
        if variant == "returned":
            plan = replace(plan, unit="")
        return replace(plan, steps=self._steps(plan, rng))

    def _merged(self, record: Record, rng: random.Random) -> tuple[tuple[datetime, Step], ...]:
        start = self.received(record)
        return _timed([start, start + _jitter(rng, 20, 90)], [Step.SUBMIT, Step.MERGE], self)

    def _steps(self, plan: Plan, rng: random.Random) -> tuple[tuple[datetime, Step], ...]:
        record, state, variant = plan.record, plan.state, plan.variant
        start = self.received(record)
        fast = _priority(record) == "emergency"
        dispatch = start + (_jitter(rng, 2, 20) if fast else _jitter(rng, 5, 180))
        if state == CaseStatus.REJECTED:
            return _timed([start, dispatch], [Step.SUBMIT, Step.REJECT], self)
        kinds = [Step.SUBMIT]
        moments = [start]
        if state == CaseStatus.RECEIVED and variant != "returned":
            return _timed(moments, kinds, self)
        kinds.append(Step.DISPATCH)
        moments.append(dispatch)
        if plan.first_unit != plan.unit and plan.unit:
            kinds.append(Step.TRANSFER)
            moments.append(dispatch + _jitter(rng, 30, 300))
        if variant == "returned":
            return _timed(
                [*moments, moments[-1] + _jitter(rng, 30, 240)], [*kinds, Step.RETURN], self
            )
        if state == CaseStatus.DISPATCHED:
            return _timed(moments, kinds, self)
        kinds.append(Step.ACCEPT)
        moments.append(moments[-1] + _jitter(rng, 10, 360))
        if state == CaseStatus.ACCEPTED:
            return self._handling(moments, kinds, variant)
        return self._answer(plan, moments, kinds, rng)

    def _handling(
        self, moments: list[datetime], kinds: list[Step], variant: str
    ) -> tuple[tuple[datetime, Step], ...]:
        """Accepted cases: what happened since, spread between acceptance and the load."""
        extra = _HANDLING_STEPS.get(variant, ())
        accepted = _squeeze(moments, self.latest - timedelta(minutes=10))[-1]
        span = self.latest - accepted
        later = [accepted + span * share for share, _kind in extra]
        return _timed([*moments, *later], [*kinds, *(k for _s, k in extra)], self)

    def _answer(
        self, plan: Plan, moments: list[datetime], kinds: list[Step], rng: random.Random
    ) -> tuple[tuple[datetime, Step], ...]:
        accepted, record = moments[-1], plan.record
        closed = moment(record.closed, self.shift) if record.closed else None
        reply = closed if closed and closed > accepted else accepted + _jitter(rng, 120, 5760)
        if plan.state == CaseStatus.REPLIED:
            reply = max(reply, self.now - _jitter(rng, 120, 2880))
            return _timed([*moments, reply], [*kinds, Step.REPLY], self)
        moments, kinds = [*moments, reply], [*kinds, Step.REPLY]
        moments.append(reply + _jitter(rng, 180, 2880))
        kinds.append(Step.CLOSE if plan.variant == "no-answer" else Step.FOLLOW_UP)
        if plan.variant == "unsatisfied":
            moments.append(moments[-1] + _jitter(rng, 600, 4320))
            kinds.append(Step.CLOSE)
        return _timed(moments, kinds, self)

    def _after_merges(self, plan: Plan, plans: dict[str, Plan]) -> Plan:
        """A case that duplicates merge into answers only after the last of them merged."""
        merges = [p.steps[-1][0] for p in plans.values() if p.parent == plan.record.key and p.steps]
        if not merges:
            return plan
        floor = max(merges) + timedelta(minutes=30)
        steps, pushed = [], floor
        for at, kind in plan.steps:
            if kind in _ANSWERING and at <= pushed:
                at = pushed = pushed + timedelta(minutes=45)
            steps.append((at, kind))
        if steps[-1][0] > self.latest:  # the answer would come after the load: not yet answered
            return _unanswered(plan, steps, self.latest)
        return replace(plan, steps=tuple(steps))


def _unanswered(plan: Plan, steps: list[tuple[datetime, Step]], latest: datetime) -> Plan:
    kept = tuple((at, kind) for at, kind in steps if kind not in _ANSWERING and at <= latest)
    state = CaseStatus.ACCEPTED if any(k == Step.ACCEPT for _a, k in kept) else plan.state
    return replace(plan, state=state, variant="plain", satisfaction="", steps=kept)


def _timed(
    moments: list[datetime], kinds: list[Step], planner: Planner
) -> tuple[tuple[datetime, Step], ...]:
    moments = _squeeze(moments, planner.latest)
    return tuple(zip(moments, kinds, strict=True))


def _same_problem(a: Record, b: Record) -> bool:
    if a.complaint_type != b.complaint_type or "Animal" in a.complaint_type:
        return False
    dlat = (a.lat - b.lat) * METRES_PER_DEGREE
    dlng = (a.lng - b.lng) * METRES_PER_DEGREE * 0.7575  # cos(40.7°)
    return (dlat * dlat + dlng * dlng) ** 0.5 < DUPLICATE_METRES


def _finished_state(variant: str) -> str:
    return CaseStatus.REJECTED if variant == "rejected" else CaseStatus.CLOSED


def _priority(record: Record) -> str:
    return priority_of(record.complaint_type, record.descriptor)


def intended_states(plans: Iterable[Plan]) -> Counter[str]:
    """How many cases each state should hold once the plans are played."""
    return Counter(p.state for p in plans)


_HANDLED = (
    CaseStatus.DISPATCHED,
    CaseStatus.ACCEPTED,
    CaseStatus.REPLIED,
    CaseStatus.FOLLOWED_UP,
    CaseStatus.CLOSED,
)
_ANSWERING = (Step.REPLY, Step.FOLLOW_UP, Step.CLOSE)
_SATISFACTION = {
    "satisfied": Satisfaction.SATISFIED,
    "basic": Satisfaction.BASIC,
    "unsatisfied": Satisfaction.UNSATISFIED,
    "unresolved": Satisfaction.UNSATISFIED,
}
# Accepted variants: the steps after acceptance, each at a share of the time until the load.
_HANDLING_STEPS: dict[str, tuple[tuple[float, Step], ...]] = {
    "extension-approved": ((0.3, Step.EXTEND), (0.5, Step.DECIDE)),
    "extension-pending": ((0.6, Step.EXTEND),),
    "supervised": ((0.7, Step.SUPERVISE),),
    "summoned": ((0.2, Step.SUPPORT), (0.5, Step.PART_DONE)),
    "cohandled": ((0.3, Step.SUPPORT),),
}
