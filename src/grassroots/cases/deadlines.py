"""Which deadline policy applies to a case, and the moments it gives.

The category tree and the deadline policies are small and read on every submission, so each
process keeps them in memory (`catalog()`): one tiny query per call reads the version token
that triggers on both tables renew on every change (migration 0006), and the tables are read
again only when it moved. An edit in the admin, by a service, through `QuerySet.update` or in
another process is therefore seen by the next submission.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.utils.translation import get_language

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

Spec = tuple[float, str, float, str]  # respond within, its unit, resolve within, its unit


@dataclass(frozen=True)
class Deadlines:
    respond_due: datetime
    resolve_due: datetime
    policy: str  # which policy decided, for the timeline


@dataclass(frozen=True, slots=True)
class CategoryNode:
    """A category as the catalog holds it (no model instance shared between threads)."""

    id: int
    code: str
    parent_id: int | None
    is_active: bool
    name_zh: str
    name_en: str

    @property
    def name(self) -> str:
        """As `Category.name`: Chinese under a Chinese language, else English."""
        return self.name_zh if (get_language() or "").startswith("zh") else self.name_en

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"  # as `Category.__str__`


@dataclass(frozen=True, slots=True)
class PolicyNode:
    """A deadline policy as the catalog holds it."""

    category_id: int | None
    priority: str
    spec: Spec


class Catalog:
    """Categories by code and id, policies by (category id, priority): one snapshot."""

    def __init__(self, token: object, categories: list[CategoryNode], policies: list[PolicyNode]):
        self.token = token
        self.by_code = {c.code: c for c in categories}
        self.by_id = {c.id: c for c in categories}
        self.policies = {(p.category_id, p.priority): p for p in policies}

    def chain(self, category_id: int | None) -> list[int | None]:
        """The category, its ancestors, then None (the default); a cycle stops the walk."""
        chain: list[int | None] = []
        node = self.by_id.get(category_id) if category_id is not None else None
        while node is not None and node.id not in chain:
            chain.append(node.id)
            node = self.by_id.get(node.parent_id) if node.parent_id is not None else None
        chain.append(None)
        return chain

    def policy(self, category_id: int | None, priority: str) -> PolicyNode | None:
        """The most specific policy: the category, its ancestors, then the default."""
        for key in self.chain(category_id):
            found = self.policies.get((key, priority))
            if found is not None:
                return found
        return None

    def spec(self, category_id: int | None, priority: str) -> tuple[Spec, str]:
        """The deadline spec for a category and priority, and the label of its policy."""
        policy = self.policy(category_id, priority)
        if policy is None:
            return FALLBACK[Priority(priority)], f"default/{priority}"
        return policy.spec, self.label(policy)

    def label(self, policy: PolicyNode) -> str:
        """As `str(DeadlinePolicy)`: `Name (code) / priority`, or `* / priority`."""
        node = self.by_id.get(policy.category_id) if policy.category_id is not None else None
        return f"{node if node is not None else '*'} / {policy.priority}"


_lock = threading.Lock()
_cached: Catalog | None = None


def _token() -> object:
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM cases_catalog_version WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


def _load(token: object) -> Catalog:
    categories = [
        CategoryNode(*row)
        for row in Category.objects.values_list(
            "id", "code", "parent_id", "is_active", "name_zh", "name_en"
        )
    ]
    policies = [
        PolicyNode(cat, priority, (rw, ru, sw, su))
        for cat, priority, rw, ru, sw, su in DeadlinePolicy.objects.values_list(
            "category_id",
            "priority",
            "respond_within",
            "respond_unit",
            "resolve_within",
            "resolve_unit",
        )
    ]
    return Catalog(token, categories, policies)


def catalog() -> Catalog:
    """The categories and policies as the database holds them now (cached per process)."""
    global _cached
    token = _token()
    current = _cached
    if current is not None and token is not None and current.token == token:
        return current
    loaded = _load(token)
    with _lock:
        _cached = loaded
    return loaded


def policy_spec(category_id: int | None, priority: str) -> tuple[Spec, str]:
    """The deadline spec for a category and priority, and the label of the policy behind it."""
    return catalog().spec(category_id, priority)


def add_time(start: datetime, amount: float, unit: str) -> datetime:
    """`start` plus an amount of working hours, working days, or wall-clock hours."""
    if unit == DeadlineUnit.HOURS:
        return start + timedelta(hours=amount)
    calendar = get_calendar()
    if unit == DeadlineUnit.WORKING_DAYS:
        return calendar.add_working_days(start, int(amount))
    return calendar.add_working_hours(start, amount)


def deadlines_for(spec: Spec, label: str, start: datetime) -> Deadlines:
    """Respond-by and resolve-by moments of `spec` for a case received at `start`."""
    respond = add_time(start, spec[0], spec[1])
    resolve = add_time(start, spec[2], spec[3])
    return Deadlines(respond_due=respond, resolve_due=max(resolve, respond), policy=label)


def compute_deadlines(
    category: Category | CategoryNode | None, priority: str, start: datetime
) -> Deadlines:
    """Respond-by and resolve-by moments for a case received (or reopened) at `start`."""
    spec, label = policy_spec(category.id if category is not None else None, priority)
    return deadlines_for(spec, label, start)
