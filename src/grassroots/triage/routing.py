"""Which unit should act: the responsibility matrix, and what history says.

The matrix maps a category (or its nearest ancestor with a rule) to a level or a named
department; for a level, the case's place picks the unit of that level containing it. History
counts which unit closed cases of the same category in the same street with a satisfied
resident. Both are reported; when they disagree the matrix keeps the lead but loses
confidence, so the case waits for a dispatcher instead of being sent automatically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Count

from grassroots.cases.enums import CaseStatus, Satisfaction
from grassroots.cases.models import Case, Category
from grassroots.core import clock
from grassroots.organizations.enums import UnitLevel
from grassroots.organizations.models import Unit
from grassroots.organizations.querysets import subtree_q

from . import reasons as r
from .enums import RoutingLevel, RoutingSource
from .models import RoutingRule

# How sure a matrix answer alone is: a deployment's rule, but the place may be imprecise.
MATRIX_CONFIDENCE = 0.8
SATISFIED = (Satisfaction.SATISFIED, Satisfaction.BASIC)


@dataclass(frozen=True)
class UnitOption:
    """One candidate unit with its confidence, source and reasons (data; see reasons.py)."""

    unit: Unit
    confidence: float
    source: str
    reasons: list[r.Reason]


@dataclass(frozen=True)
class RoutingProposal:
    """The proposed unit (None when neither the matrix nor history knows) and the others."""

    best: UnitOption | None
    alternatives: list[UnitOption] = field(default_factory=list)
    notes: list[r.Reason] = field(default_factory=list)


def place_chain(place: Unit | None) -> list[Unit]:
    """The place and its ancestors, deepest first."""
    if place is None:
        return []
    ancestors = list(Unit.objects.filter(pk__in=place.ancestor_ids))
    return [place, *sorted(ancestors, key=lambda u: -u.depth)]


def rule_for(category: Category | None) -> RoutingRule | None:
    """The rule of the category or of its nearest ancestor that has one."""
    seen: set[int] = set()
    while category is not None and category.pk not in seen:
        seen.add(category.pk)
        rule = RoutingRule.objects.select_related("unit").filter(category=category).first()
        if rule is not None:
            return rule
        category = category.parent
    return None


def _matrix(
    category: Category | None, chain: list[Unit]
) -> tuple[UnitOption | None, r.Reason | None]:
    """The matrix's unit, or None and a note saying why it is silent."""
    rule = rule_for(category)
    if rule is None:
        return None, r.reason("routing.no_rule")
    if rule.level == RoutingLevel.DEPARTMENT and rule.unit is not None:
        reason = r.reason(
            "routing.department", category=r.names(rule.category), unit=r.names(rule.unit)
        )
        return UnitOption(rule.unit, MATRIX_CONFIDENCE, RoutingSource.MATRIX, [reason]), None
    unit = next((u for u in chain if u.level == rule.level and u.is_active), None)
    if unit is None:
        return None, r.reason("routing.place_unknown", level=rule.level)
    reason = r.reason(
        "routing.level", level=rule.level, category=r.names(rule.category), unit=r.names(unit)
    )
    return UnitOption(unit, MATRIX_CONFIDENCE, RoutingSource.MATRIX, [reason]), None


def _street(chain: list[Unit]) -> Unit | None:
    return next((u for u in chain if u.level == UnitLevel.STREET), None)


def learned_counts(category: Category, street: Unit) -> list[tuple[int, int]]:
    """(unit id, cases) that closed this category in this street with a satisfied resident."""
    since = clock.now() - timedelta(days=settings.TRIAGE_LEARNED_DAYS)
    rows = (
        Case.objects.filter(subtree_q(street.path, "place_unit__path"))
        .filter(
            status=CaseStatus.CLOSED,
            category=category,
            satisfaction__in=SATISFIED,
            closed_at__gte=since,
            unit__isnull=False,
        )
        .values("unit")
        .annotate(n=Count("pk"))
        .order_by("-n", "unit")
    )
    return [(row["unit"], row["n"]) for row in rows]


def _learned(category: Category | None, chain: list[Unit]) -> UnitOption | None:
    street = _street(chain)
    if category is None or street is None:
        return None
    counts = learned_counts(category, street)
    if not counts:
        return None
    unit_id, n = counts[0]
    total = sum(c for _u, c in counts)
    # One more in the denominator: a single past case is not certainty.
    confidence = n / (total + 1)
    unit = Unit.objects.get(pk=unit_id)
    reason = r.reason(
        "routing.history", unit=r.names(unit), n=n, total=total, street=r.names(street)
    )
    return UnitOption(unit, confidence, RoutingSource.LEARNED, [reason])


def propose_unit(case: Case, category: Category | None) -> RoutingProposal:
    """Matrix and history for the case's place and category, combined with reasons."""
    chain = place_chain(case.place_unit)
    matrix, silent = _matrix(category, chain)
    learned = _learned(category, chain)
    notes = [silent] if silent else []
    if matrix is None:
        if learned is not None:
            notes.append(r.reason("routing.from_history"))
        return RoutingProposal(learned, [], notes)
    if learned is None:
        return RoutingProposal(matrix, [], notes)
    if learned.unit.pk == matrix.unit.pk:
        # Two independent sources agree: the chance both are wrong is the product.
        both = 1 - (1 - matrix.confidence) * (1 - learned.confidence)
        reasons = [*matrix.reasons, *learned.reasons]
        return RoutingProposal(UnitOption(matrix.unit, both, RoutingSource.MATRIX, reasons))
    lowered = UnitOption(
        matrix.unit, matrix.confidence * (1 - learned.confidence), matrix.source, matrix.reasons
    )
    notes.append(r.reason("routing.disagree"))
    return RoutingProposal(lowered, [learned], notes)
