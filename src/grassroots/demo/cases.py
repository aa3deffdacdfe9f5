"""Play the demo cases through the case services, each step at its own moment.

The NYC 311 complaint types become categories (`create_category`); every record becomes a
case (`submit_case` and the handling services), every step inside `clock.at(moment)` so that
timelines carry real-looking times. The steps of all cases run in one time order, so that a
duplicate merges into its parent while the parent is still open. At the end the deadline
sweep runs at the load time, so that reminders and escalations exist.
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from tqdm import tqdm

from grassroots.cases import services
from grassroots.cases.enums import CaseKind, Channel
from grassroots.cases.models import Case, Category
from grassroots.cases.tasks import sweep
from grassroots.core import clock
from grassroots.geo import index as geo_index
from grassroots.organizations.enums import UnitLevel
from grassroots.organizations.models import Unit

from . import catalog, sources
from .complaints import COMPLAINT_TYPES, priority_of
from .records import Record, records, week_shift
from .scenarios import Plan, Planner, Routing, Step, intended_states

CHANNEL_PREFIX = "NYC 311 #"
CHANNELS = {"PHONE": Channel.PHONE, "ONLINE": Channel.WEB, "MOBILE": Channel.MOBILE}
HELP_TYPES = frozenset(
    {
        "Request Large Bulky Item Collection",
        "Electronics Waste Appointment",
        "New Tree Request",
        "Lead",
        "Homeless Person Assistance",
        "Lost Property",
    }
)
FIRST_NAMES = ("Alex", "Jordan", "Sam", "Taylor", "Casey", "Riley", "Morgan", "Jamie")
LAST_NAMES = ("Doe", "Roe", "Example", "Sample", "Placeholder", "Testperson")
AREA_CODES = ("212", "718", "917", "347")


@dataclass
class CaseLoad:
    """What the case load did: cases made, the states intended, the load time used."""

    now: datetime
    created: int = 0
    categories_created: int = 0
    intended: Counter[str] = field(default_factory=Counter)
    variants: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class StaffLabel:
    """A department's staff without a demo login: named on the timeline, no account."""

    username: str
    is_authenticated: bool = False


def demo_cases_exist() -> bool:
    """Whether the demo cases were loaded (they are loaded all at once or not at all)."""
    return Case.objects.filter(channel_detail__startswith=CHANNEL_PREFIX).exists()


def load_cases(units: dict[str, Unit], *, now: datetime, progress: bool = False) -> CaseLoad:
    """Create the demo categories and cases, unless the demo cases exist already."""
    load = CaseLoad(now=now)
    if demo_cases_exist():
        return load
    load.categories_created = ensure_categories()
    geo_index.invalidate()  # the areas were just written in this transaction
    rows = records()
    planner = Planner(rows, _routing(rows), shift=_shift(rows, now), now=now)
    streets = {str(code): geom for code, geom in sources.community_districts().items()}
    plans = planner.plans(streets)
    _Player(units, plans, progress=progress).play()
    with clock.at(now):
        sweep(now)
    load.created = len(plans)
    load.intended = intended_states(plans)
    load.variants = Counter(f"{p.state}/{p.variant}" for p in plans)
    return load


def ensure_categories() -> int:
    """A category per complaint type, under its default parent; returns how many were new."""
    existing = set(Category.objects.filter(code__startswith="nyc.").values_list("code", flat=True))
    parents = {c.code: c for c in Category.objects.filter(parent__isnull=True)} | {
        c.code: c for c in Category.objects.filter(parent__parent__isnull=True)
    }
    created = 0
    for kind in COMPLAINT_TYPES.values():
        if kind.code not in existing:
            services.create_category(
                kind.code,
                name_zh=kind.name_zh,
                name_en=kind.name_en,
                parent=parents[kind.parent],
                keywords=kind.name_en.lower(),
                actor=None,
            )
            created += 1
    return created


def _shift(rows: tuple[Record, ...], now: datetime) -> Any:
    return week_shift(max(r.created for r in rows), now)


def _routing(rows: tuple[Record, ...]) -> dict[str, Routing]:
    """Each record's street (the community district containing its point) and department."""
    routing, index = {}, geo_index.get_index()
    for record in rows:
        located = index.locate(record.lat, record.lng)
        if located is None:
            raise RuntimeError(f"NYC 311 record {record.key} lies outside the demo city")
        street = next(u.code for u in located.path if u.level == UnitLevel.STREET)
        routing[record.key] = Routing(
            street=street,
            department=catalog.department_code(record.agency),
            route=COMPLAINT_TYPES[record.complaint_type].route,
        )
    return routing


def _draft(record: Record) -> services.CaseDraft:
    rng = random.Random(f"resident-{record.key}")
    anonymous = rng.random() < 0.1
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    phone = f"{rng.choice(AREA_CODES)}-555-01{rng.randrange(100):02d}"  # fictional numbers
    detail = f" — {record.descriptor}" if record.descriptor else ""
    return services.CaseDraft(
        kind=CaseKind.HELP if record.complaint_type in HELP_TYPES else CaseKind.COMPLAINT,
        subject=f"{record.complaint_type}{detail}"[:200],
        description=_description(record),
        category=COMPLAINT_TYPES[record.complaint_type].code,
        priority=priority_of(record.complaint_type, record.descriptor),
        channel=CHANNELS.get(record.channel, Channel.PHONE),
        channel_detail=f"{CHANNEL_PREFIX}{record.key}",
        lat=record.lat,
        lng=record.lng,
        address=record.address,
        resident_name="" if anonymous else name,
        resident_phone="" if anonymous else phone,
        anonymous=anonymous,
        confidential=not anonymous and rng.random() < 0.1,
    )


def _description(record: Record) -> str:
    where = f" ({record.location_type})" if record.location_type else ""
    what = record.descriptor or record.complaint_type
    return f"{what}{where}. From NYC 311 service request {record.key} ({record.agency})."


class _Player:
    """Runs the steps of every plan in one time order, through the services."""

    def __init__(self, units: dict[str, Unit], plans: list[Plan], *, progress: bool) -> None:
        self.units = units
        self.plans = {p.record.key: p for p in plans}
        self.cases: dict[str, Case] = {}
        user_model: Any = get_user_model()
        self.users = {
            u.username: u for u in user_model.objects.filter(username__startswith="demo-")
        }
        self.progress = progress
        self.actions: dict[Step, Callable[[Plan, Case], Any]] = {
            Step.DISPATCH: self._dispatch,
            Step.TRANSFER: self._transfer,
            Step.RETURN: self._return,
            Step.ACCEPT: self._accept,
            Step.SUPPORT: self._support,
            Step.PART_DONE: self._part_done,
            Step.EXTEND: self._extend,
            Step.DECIDE: self._decide,
            Step.SUPERVISE: self._supervise,
            Step.REPLY: self._reply,
            Step.FOLLOW_UP: self._follow_up,
            Step.CLOSE: self._close,
            Step.REJECT: self._reject,
            Step.MERGE: self._merge,
        }

    def play(self) -> None:
        """Every step of every plan, in time order, each at its moment."""
        steps = sorted(
            (at, n, i, plan.record.key, kind)
            for n, plan in enumerate(self.plans.values())
            for i, (at, kind) in enumerate(plan.steps)
        )
        bar = tqdm(
            steps, desc="demo cases", unit="step", file=sys.stderr, disable=not self.progress
        )
        for at, _n, _i, key, kind in bar:
            with clock.at(at):
                self._step(self.plans[key], kind, at)

    def _step(self, plan: Plan, kind: Step, at: datetime) -> None:
        key = plan.record.key
        if kind == Step.SUBMIT:
            result = services.submit_case(
                _draft(plan.record),
                actor=self._submitter(plan.record),
                idempotency_key=f"nyc311-{key}",
                now=at,
            )
            self.cases[key] = result.case
            return
        outcome = self.actions[kind](plan, self.cases[key])
        if isinstance(outcome, Case):
            self.cases[key] = outcome

    # -- who -------------------------------------------------------------------------------

    @property
    def dispatcher(self) -> Any:
        return self.users["demo-dispatcher"]

    @property
    def supervisor(self) -> Any:
        return self.users["demo-supervisor"]

    def handler(self, code: str) -> Any:
        """The demo handler of a unit, or its staff by name where it has no demo login."""
        agency = code.removeprefix(f"{catalog.CITY_CODE}-").lower()
        user = self.users.get(f"demo-handler-{code}") or self.users.get(f"demo-handler-{agency}")
        return user or StaffLabel(f"{code} staff")

    def _submitter(self, record: Record) -> Any:
        phone = CHANNELS.get(record.channel, Channel.PHONE) == Channel.PHONE
        return self.dispatcher if phone else services.RESIDENT

    # -- the steps -------------------------------------------------------------------------

    def _dispatch(self, plan: Plan, case: Case) -> Case:
        return services.dispatch_case(case, unit=self.units[plan.first_unit], actor=self.dispatcher)

    def _transfer(self, plan: Plan, case: Case) -> Case:
        name = self.units[plan.unit].name_en
        reason = f"Not ours to handle: the place or the problem belongs to {name}."
        return services.transfer_case(
            case,
            unit=self.units[plan.unit],
            reason=reason,
            actor=self.handler(plan.first_unit),
        )

    def _return(self, plan: Plan, case: Case) -> Case:
        return services.return_case(
            case,
            reason=_RETURN_REASONS[int(plan.record.key) % len(_RETURN_REASONS)],
            actor=self.handler(plan.first_unit),
        )

    def _accept(self, plan: Plan, case: Case) -> Case:
        return services.accept_case(
            case, actor=self.handler(plan.unit), note="Called the resident; inspection planned."
        )

    def _support(self, plan: Plan, case: Case) -> None:
        summon = plan.variant == "summoned"
        part = "Inspect and enforce on site." if summon else "Check the part on your side."
        services.add_supporting_units(
            case,
            parts=[(self.units[plan.support], part)],
            summon=summon,
            actor=self.handler(plan.unit) if summon else self.dispatcher,
        )

    def _part_done(self, plan: Plan, case: Case) -> None:
        assignment = case.assignments.get(unit=self.units[plan.support])
        services.complete_part(
            assignment,
            result="Inspected on site; a warning was issued.",
            actor=self.handler(plan.support),
        )

    def _extend(self, plan: Plan, case: Case) -> None:
        services.request_extension(
            case,
            working_days=5,
            reason="Needs a second inspection and a contractor's quote.",
            actor=self.handler(plan.unit),
        )

    def _decide(self, plan: Plan, case: Case) -> None:
        extension = case.extensions.get(status="pending")
        services.decide_extension(
            extension, approve=True, note="Approved once.", actor=self.supervisor
        )

    def _supervise(self, plan: Plan, case: Case) -> Case:
        return services.supervise_case(
            case, note="Please report progress today.", actor=self.supervisor
        )

    def _reply(self, plan: Plan, case: Case) -> Case:
        reply = plan.record.resolution or "We inspected the location and fixed the condition."
        return services.reply_case(case, reply=reply, actor=self.handler(plan.unit))

    def _follow_up(self, plan: Plan, case: Case) -> Case:
        resolved = plan.variant != "unresolved" and plan.variant != "unsatisfied"
        return services.follow_up_case(
            case,
            resolved=resolved,
            satisfaction=plan.satisfaction,
            comment=_COMMENTS[plan.satisfaction],
            actor=self.dispatcher,
        )

    def _close(self, plan: Plan, case: Case) -> Case:
        note = (
            "The resident could not be reached for the follow-up."
            if plan.variant == "no-answer"
            else "Reviewed: the agency's answer stands."
        )
        return services.close_case(case, note=note, actor=self.supervisor)

    def _reject(self, plan: Plan, case: Case) -> Case:
        reason = _REJECT_REASONS[int(plan.record.key) % len(_REJECT_REASONS)]
        return services.reject_case(case, reason=reason, actor=self.dispatcher)

    def _merge(self, plan: Plan, case: Case) -> Case:
        return services.merge_case(
            case,
            into=self.cases[plan.parent],
            note="Same problem at the same place.",
            actor=self.dispatcher,
        )


_RETURN_REASONS = (
    "Not within our area: the address is across the district line.",
    "Not our responsibility: this is a private property matter.",
    "The location is unclear; please confirm the address with the resident.",
)
_REJECT_REASONS = (
    "Already reported to 911: an emergency matter, not a hotline case.",
    "Outside the city's responsibility: a matter between tenant and landlord's insurer.",
    "No location and no details could be obtained from the caller.",
)
_COMMENTS = {
    "satisfied": "Thank you, it has been fixed.",
    "basic": "Better, but it took long.",
    "unsatisfied": "Nobody came; the problem continues.",
    "": "",
}
