"""Which deadline policy applies to a case, and the moments it gives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q

from grassroots.core.worktime import get_calendar

from .enums import DeadlineUnit, Priority
from .models import Category, DeadlinePolicy

# Used when the deployment has no policy at all for a priority (common practice in China's
# 12345 centres): emergency 2 h / 24 h around the clock, urgent 3 working days, general 7.
FALLBACK = {
    Priority.EMERGENCY: (2.0, DeadlineUnit.HOURS, 24.0, DeadlineUnit.HOURS),
    Priority.URGENT: (2.0, DeadlineUnit.WORKING_HOURS, 3.0, DeadlineUnit.WORKING_DAYS),
    Priority.NORMAL: (8.0, DeadlineUnit.WORKING_HOURS, 7.0, DeadlineUnit.WORKING_DAYS),
}


@dataclass(frozen=True)
class Deadlines:
    respond_due: datetime
    resolve_due: datetime
    policy: str  # which policy decided, for the timeline


def find_policy(category: Category | None, priority: str) -> DeadlinePolicy | None:
    """The most specific policy: the category, its ancestors, then the default for `priority`."""
    chain: list[Category | None] = []
    node = category
    while node is not None:
        chain.append(node)
        node = node.parent
    chain.append(None)
    # One query for the chain's policies and the default (the table is small).
    found = DeadlinePolicy.objects.filter(priority=priority).filter(
        Q(category__in=[c.pk for c in chain if c is not None]) | Q(category__isnull=True)
    )
    policies = {p.category_id: p for p in found}
    for node in chain:
        key = node.pk if node is not None else None
        if key in policies:
            return policies[key]
    return None


def add_time(start: datetime, amount: float, unit: str) -> datetime:
    """`start` plus an amount of working hours, working days, or wall-clock hours."""
    if unit == DeadlineUnit.HOURS:
        return start + timedelta(hours=amount)
    calendar = get_calendar()
    if unit == DeadlineUnit.WORKING_DAYS:
        return calendar.add_working_days(start, int(amount))
    return calendar.add_working_hours(start, amount)


def compute_deadlines(category: Category | None, priority: str, start: datetime) -> Deadlines:
    """Respond-by and resolve-by moments for a case received (or reopened) at `start`."""
    policy = find_policy(category, priority)
    if policy is not None:
        spec = (
            policy.respond_within,
            policy.respond_unit,
            policy.resolve_within,
            policy.resolve_unit,
        )
        label = str(policy)
    else:
        spec = FALLBACK[Priority(priority)]
        label = f"default/{priority}"
    respond = add_time(start, spec[0], spec[1])
    resolve = add_time(start, spec[2], spec[3])
    return Deadlines(respond_due=respond, resolve_due=max(resolve, respond), policy=label)
