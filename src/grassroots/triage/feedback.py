"""What dispatchers decided against triage's proposals, read back from the case timelines.

Cases never call triage (ADR 0006), so triage pulls: every dispatch and every category change
is a timeline event whoever made it (API, web, or anything else going through the case
services; the admin shows cases read-only). The sweep reads, for each stored proposal, the
events after the last one it compared (`Suggestion.feedback_upto`) and records an `Override`
when a person chose another unit or category than proposed. One override per event at most,
so running the sweep twice, or concurrently, records nothing twice.

Retraining reads them back: `training_rows` gives the classifier the closed cases and, in
addition, every case whose category a person corrected, with the corrected category.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q

from grassroots.cases.enums import CaseEventType, CaseStatus
from grassroots.cases.models import Case, CaseEvent, Category
from grassroots.cases.services import dispatch_case
from grassroots.core import audit
from grassroots.organizations.models import Unit

from .enums import OverrideKind
from .models import Override, Suggestion
from .textmodel import LabelledRows

DECISIONS = (CaseEventType.DISPATCHED, CaseEventType.CATEGORY_CHANGED)
TRIAGE_LABEL = "triage"  # the actor label of triage's own events (services.TRIAGE)


def _by_triage(event: CaseEvent) -> bool:
    return event.actor_id is None and event.actor_label == TRIAGE_LABEL


def _override(suggestion: Suggestion, event: CaseEvent) -> Override | None:
    """The override this event makes of the proposal, unsaved; None when it agrees."""
    case = suggestion.case
    common: dict[str, Any] = {
        "case": case,
        "event": event,
        "suggested_unit": suggestion.unit,
        "suggested_category": suggestion.category_label,
        "by": event.actor,
        "at": event.at,
    }
    if event.type == CaseEventType.DISPATCHED:
        if suggestion.unit_id is None or event.unit_id in (None, suggestion.unit_id):
            return None
        return Override(
            kind=OverrideKind.UNIT, chosen_unit_id=event.unit_id, category=case.category, **common
        )
    chosen = Category.objects.filter(code=(event.data or {}).get("new")).first()
    if not suggestion.category_label or chosen is None or chosen.pk == suggestion.category_id:
        return None
    return Override(kind=OverrideKind.CATEGORY, category=chosen, **common)


def _save(override: Override) -> bool:
    try:
        with transaction.atomic():
            override.save()
    except IntegrityError:
        return False  # this event was already recorded by another worker
    audit.record(
        "triage.override.recorded",
        actor=override.by,
        target=override.case,
        summary=override.case.tracking_code,
        data={
            "kind": override.kind,
            "suggested_unit": override.suggested_unit_id,
            "chosen_unit": override.chosen_unit_id,
            "suggested_category": override.suggested_category,
            "category": override.category_id,
        },
    )
    return True


def _compare(suggestion: Suggestion) -> int:
    """Record the overrides in the case's decisions since the last comparison."""
    events = list(
        CaseEvent.objects.filter(
            case_id=suggestion.case_id, type__in=DECISIONS, id__gt=suggestion.feedback_upto
        )
        .select_related("actor")
        .order_by("id")
    )
    recorded = 0
    for event in events:
        override = None if _by_triage(event) else _override(suggestion, event)
        if override is not None and _save(override):
            recorded += 1
    if events:
        suggestion.feedback_upto = events[-1].pk
        suggestion.save(update_fields=["feedback_upto"])
    return recorded


@transaction.atomic
def collect_feedback(limit: int = 500) -> int:
    """Read the dispatches and category changes made since the last sweep, by any path, and
    record the overrides of triage's proposals; returns how many were recorded."""
    pending = (
        Suggestion.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("case", "case__category", "unit", "category")
        .filter(
            Exists(
                CaseEvent.objects.filter(
                    case_id=OuterRef("case_id"),
                    type__in=DECISIONS,
                    id__gt=OuterRef("feedback_upto"),
                )
            )
        )
        .order_by("pk")[:limit]
    )
    return sum(_compare(s) for s in pending)


@transaction.atomic
def dispatch_with_feedback(case: Case, *, unit: Unit, actor: Any, note: str = "") -> Case:
    """Dispatch as `dispatch_case` does, and compare with the proposal at once instead of at
    the next sweep. Optional: the sweep finds plain `dispatch_case` calls as well."""
    case = dispatch_case(case, unit=unit, actor=actor, note=note)
    suggestion = (
        Suggestion.objects.select_for_update(of=("self",))
        .select_related("case", "case__category", "unit", "category")
        .filter(case=case)
        .first()
    )
    if suggestion is not None:
        _compare(suggestion)
    return case


def training_rows() -> LabelledRows:
    """Rows for `grassroots triage train --from-cases`: closed cases with a category, plus the
    cases (still open ones too) whose category a person corrected against the model, labelled
    with that correction. Text = subject + description, label = category code."""
    corrected = Override.objects.filter(kind=OverrideKind.CATEGORY).values("case_id")
    qs = Case.objects.filter(
        Q(status=CaseStatus.CLOSED) | Q(pk__in=corrected), category__isnull=False
    ).exclude(status=CaseStatus.REJECTED)
    texts, labels = [], []
    for subject, description, code in qs.order_by("pk").values_list(
        "subject", "description", "category__code"
    ):
        texts.append(f"{subject}\n{description}".strip())
        labels.append(code)
    return LabelledRows(texts, labels)
