"""The only code that writes insights' tables: the fold, the rebuild, and the marks.

Insights reads the domain tables and never writes them; its own tables are a projection of
the cases (rebuildable at any time) plus the supervisors' unreasonable-demand marks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.cases.enums import CaseEventType
from grassroots.cases.models import Case, CaseEvent
from grassroots.cases.permissions import SUPERVISING_ROLES, Scope
from grassroots.cases.services import record_event
from grassroots.core import audit, clock

from .conf import fold_overlap
from .errors import InsightsError, InsightsErrorCode
from .models import CaseFact, DemandMark, FoldState, UnitDay, UnitMonth
from .projection import (
    build_all_facts,
    refresh_days,
    refresh_facts,
    refresh_months,
    refresh_rollups,
)


@dataclass(frozen=True)
class FoldReport:
    events: int
    cases: int
    last_event_id: int


def _state() -> FoldState:
    state = FoldState.objects.select_for_update().filter(pk=1).first()
    return state or FoldState.objects.create(pk=1)


@transaction.atomic
def fold_changes(*, limit: int = 50_000) -> FoldReport:
    """Fold the cases whose timeline moved since the watermark into facts and roll-ups.

    Event ids grow monotonically, but on PostgreSQL a transaction can commit after one with a
    higher id: each fold re-reads the last `INSIGHTS_FOLD_OVERLAP` events below the mark.
    Re-folding a case is harmless (its facts are recomputed from its current state).
    """
    state = _state()
    start = max(0, state.last_event_id - fold_overlap())
    rows = list(
        CaseEvent.objects.filter(id__gt=start).order_by("id").values_list("id", "case_id")[:limit]
    )
    if not rows:
        return FoldReport(events=0, cases=0, last_event_id=state.last_event_id)
    case_ids = sorted({case_id for _id, case_id in rows})
    refresh_rollups(refresh_facts(case_ids))
    state.last_event_id = max(state.last_event_id, rows[-1][0])
    state.folded_at = clock.now()
    state.save()
    return FoldReport(events=len(rows), cases=len(case_ids), last_event_id=state.last_event_id)


@transaction.atomic
def rebuild_rollups() -> FoldReport:
    """Drop and recompute every fact and roll-up from the cases; the same numbers as the fold."""
    state = _state()
    last = CaseEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    build_all_facts()
    refresh_days(None, None)
    refresh_months(None, None)
    state.last_event_id, state.folded_at = last, clock.now()
    state.save()
    return FoldReport(events=0, cases=CaseFact.objects.count(), last_event_id=last)


def may_mark(case: Case, actor: Any) -> bool:
    """A supervisor (or admin) over the case's handling unit, or at the root, may mark it."""
    if not getattr(actor, "is_authenticated", False):
        return False
    scope = Scope.of(actor)
    return scope.covers(case.unit, SUPERVISING_ROLES) or scope.at_root(SUPERVISING_ROLES)


def _check_supervisor(case: Case, actor: Any) -> None:
    if not may_mark(case, actor):
        raise InsightsError(
            InsightsErrorCode.FORBIDDEN,
            _("Only a supervisor over the handling unit may mark or unmark a case."),
            status=403,
        )


def _text(value: str, field: str) -> str:
    text = (value or "").replace("\x00", "").strip()  # PostgreSQL refuses NUL in text
    if not text:
        raise InsightsError(InsightsErrorCode.INVALID, _("%s: give a reason.") % field, status=422)
    return text[:2000]


@transaction.atomic
def mark_unreasonable(case: Case, *, reason: str, actor: Any) -> DemandMark:
    """A supervisor marks a case as an unreasonable demand: it leaves the unit's rates at
    once, stays in every count and list with the mark shown, and the mark is audited."""
    _check_supervisor(case, actor)
    reason = _text(reason, "reason")
    mark = DemandMark.objects.select_for_update().filter(case=case).first()
    if mark is not None and mark.active:
        raise InsightsError(
            InsightsErrorCode.ALREADY_MARKED, _("The case is marked already."), status=409
        )
    mark = mark or DemandMark(case=case)
    mark.reason, mark.marked_by, mark.marked_at = reason, actor, clock.now()
    mark.withdrawn_at, mark.withdrawn_by, mark.withdrawal_reason = None, None, ""
    mark.save()
    audit.record(
        "insights.demand.marked",
        actor=actor,
        target=case,
        summary=case.tracking_code,
        data={"reason": reason},
    )
    # staff-only on the timeline, so the mark is seen wherever the case is (cases' own audit
    # entry `cases.case.demand_marked` comes with the event)
    record_event(
        case,
        CaseEventType.DEMAND_MARKED,
        actor=actor,
        unit=case.unit,
        note=reason,
        public=False,
        data={"reason": reason},
    )
    refresh_rollups(refresh_facts([case.pk]))
    return mark


@transaction.atomic
def withdraw_mark(case: Case, *, reason: str, actor: Any) -> DemandMark:
    """A supervisor withdraws the mark: the case counts in the rates again; audited."""
    _check_supervisor(case, actor)
    reason = _text(reason, "reason")
    mark = DemandMark.objects.select_for_update().filter(case=case).first()
    if mark is None or not mark.active:
        raise InsightsError(InsightsErrorCode.NOT_MARKED, _("The case is not marked."), status=409)
    mark.withdrawn_at, mark.withdrawn_by, mark.withdrawal_reason = clock.now(), actor, reason
    mark.save()
    audit.record(
        "insights.demand.withdrawn",
        actor=actor,
        target=case,
        summary=case.tracking_code,
        data={"reason": reason},
    )
    record_event(
        case,
        CaseEventType.DEMAND_UNMARKED,
        actor=actor,
        unit=case.unit,
        note=reason,
        public=False,
        data={"reason": reason},
    )
    refresh_rollups(refresh_facts([case.pk]))
    return mark


__all__ = [
    "FoldReport",
    "UnitDay",
    "UnitMonth",
    "fold_changes",
    "mark_unreasonable",
    "may_mark",
    "rebuild_rollups",
    "withdraw_mark",
]
