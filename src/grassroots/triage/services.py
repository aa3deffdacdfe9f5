"""The only code that changes triage's tables, and the one place triage acts on cases.

Triage acts on cases only through the case services (`dispatch_case`, `merge_case`), with the
triage actor, so every automatic decision is an ordinary timeline event carrying its reasons.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.accounts.services import notify
from grassroots.cases.enums import CaseEventType, CaseStatus, Priority
from grassroots.cases.errors import CaseError
from grassroots.cases.models import Case, Category
from grassroots.cases.services import dispatch_case, merge_case
from grassroots.core import audit, clock
from grassroots.organizations.enums import Role
from grassroots.organizations.models import Membership, Unit

from . import registry
from .classify import propose_category
from .duplicates import case_text, find_duplicates
from .enums import AutoAction, RoutingLevel
from .errors import TriageError, TriageErrorCode
from .models import ClassifierModel, Override, RoutingRule, Suggestion, UrgencyRule
from .routing import propose_unit
from .textmodel import TrainedModel
from .urgency import assess_urgency


@dataclass(frozen=True)
class TriageActor:
    """Triage acting on its own: named in timelines and the audit log as "triage"."""

    username: str = "triage"
    is_authenticated: bool = False


TRIAGE = TriageActor()


# --- classifier models -------------------------------------------------------------------


def _new_version(now: datetime) -> str:
    stamp = now.strftime("%Y%m%d-%H%M%S")
    taken = ClassifierModel.objects.filter(version__startswith=stamp).count()
    return stamp if taken == 0 else f"{stamp}-{taken + 1}"


@transaction.atomic
def register_model(
    model: TrainedModel,
    *,
    source: str,
    actor: Any,
    activate: bool = False,
    path: str | None = None,
) -> ClassifierModel:
    """Save a trained model under TRIAGE_MODEL_DIR (unless `path` names a stored file) and
    register it with its training date, size and cross-validated metrics."""
    now = clock.now()
    version = _new_version(now)
    if path is None:
        path = f"{version}.joblib"
        registry.model_file(path).parent.mkdir(parents=True, exist_ok=True)
        model.save(registry.model_file(path))
    meta = model.metadata
    cv = meta.cv
    row = ClassifierModel.objects.create(
        version=version,
        path=path,
        trained_at=datetime.fromisoformat(meta.trained_at),
        rows=meta.n_rows,
        source=source[:300],
        classes=list(meta.classes),
        metrics={"accuracy": cv.accuracy, "macro_f1": cv.macro_f1, "method": cv.method}
        if cv
        else {},
    )
    audit.record("triage.model.registered", actor=actor, target=row, summary=version)
    if activate:
        activate_model(version, actor=actor)
        row.refresh_from_db()
    return row


@transaction.atomic
def activate_model(version: str, *, actor: Any) -> ClassifierModel:
    """Make one registered model the active one; running processes pick it up on their next
    version check (TRIAGE_MODEL_REFRESH_SECONDS)."""
    row = ClassifierModel.objects.select_for_update().filter(version=version).first()
    if row is None:
        raise TriageError(
            TriageErrorCode.UNKNOWN_MODEL, _("No model with version “%s”.") % version, status=404
        )
    registry.load_model_file(row.path)  # refuse a file this code cannot read
    ClassifierModel.objects.filter(is_active=True).exclude(pk=row.pk).update(is_active=False)
    row.is_active, row.activated_at = True, clock.now()
    row.save(update_fields=["is_active", "activated_at", "updated_at"])
    audit.record("triage.model.activated", actor=actor, target=row, summary=version)
    transaction.on_commit(registry.forget)
    return row


# --- proposals ----------------------------------------------------------------------------


def compute_suggestion(case: Case) -> Suggestion:
    """Triage's proposal for a case, not saved: category, urgency, unit and duplicates."""
    text = case_text(case)
    proposal = propose_category(text)
    category = case.category or (proposal.category if proposal else None)
    urgency = assess_urgency(text, current=case.priority)
    routing = propose_unit(case, category)
    best = routing.best
    return Suggestion(
        case=case,
        model_version=proposal.model_version if proposal else "",
        category_label=proposal.label if proposal else "",
        category=proposal.category if proposal else None,
        category_confidence=proposal.confidence if proposal else 0.0,
        category_top=proposal.top if proposal else [],
        explanation=proposal.explanation if proposal else [],
        category_reason=proposal.reason if proposal else "",
        priority=urgency.priority,
        urgency_reasons=urgency.reasons,
        unit=best.unit if best else None,
        unit_confidence=round(best.confidence, 4) if best else 0.0,
        unit_source=best.source if best else "",
        unit_reason=" ".join([best.reason, *routing.notes] if best else routing.notes),
        alternatives=[
            {
                "unit": o.unit.code,
                "name": o.unit.name,
                "confidence": round(o.confidence, 4),
                "source": o.source,
                "reason": o.reason,
            }
            for o in routing.alternatives
        ],
        duplicates=[d.__dict__ for d in find_duplicates(case)],
        computed_at=clock.now(),
    )


def _category_sure(suggestion: Suggestion, case: Case) -> float:
    """The model's confidence in the category routing used (0 when they differ)."""
    if suggestion.category is None:
        return 0.0
    if case.category_id is not None and case.category_id != suggestion.category_id:
        return 0.0
    return suggestion.category_confidence


def _reasons(suggestion: Suggestion, case: Case) -> str:
    lines = []
    if suggestion.category_label:
        lines.append(
            _("Category “%(label)s” at %(p).0f %%.")
            % {"label": suggestion.category_label, "p": _category_sure(suggestion, case) * 100}
        )
    lines.append(
        _("Unit confidence %(p).0f %%: %(reason)s")
        % {"p": suggestion.unit_confidence * 100, "reason": suggestion.unit_reason}
    )
    return "\n".join(lines)


def _try_merge(case: Case, suggestion: Suggestion) -> bool:
    top = suggestion.duplicates[0] if suggestion.duplicates else None
    if top is None or top["similarity"] < settings.TRIAGE_AUTO_MERGE_SIMILARITY:
        return False
    into = Case.objects.get(pk=top["case_id"])
    note = _("Merged automatically: %(p).0f %% similar to %(code)s.") % {
        "p": top["similarity"] * 100,
        "code": top["tracking_code"],
    }
    try:
        with transaction.atomic():
            merge_case(case, into=into, note=note, actor=TRIAGE)
    except CaseError:
        return False  # the earlier case moved on (answered, closed): leave it to a person
    return True


def _try_dispatch(case: Case, suggestion: Suggestion) -> bool:
    if suggestion.unit is None or case.status != CaseStatus.RECEIVED:
        return False
    if _category_sure(suggestion, case) < settings.TRIAGE_AUTO_DISPATCH_CATEGORY:
        return False
    if suggestion.unit_confidence < settings.TRIAGE_AUTO_DISPATCH_UNIT:
        return False
    note = _("Dispatched automatically by triage.") + "\n" + _reasons(suggestion, case)
    try:
        with transaction.atomic():
            dispatch_case(case, unit=suggestion.unit, actor=TRIAGE, note=note)
    except CaseError:
        return False
    return True


def _dispatchers(case: Case) -> list[Any]:
    """Dispatchers whose area holds the case's place (all of them when it has no place)."""
    members = Membership.objects.filter(role=Role.DISPATCHER).select_related("user")
    if case.place_unit is not None:
        members = members.filter(unit_id__in=[*case.place_unit.ancestor_ids, case.place_unit_id])
    return list({m.user.pk: m.user for m in members if m.user.is_active}.values())


def _alert(case: Case) -> None:
    notify(
        _dispatchers(case),
        kind="triage.emergency",
        title=_("Emergency: %(code)s %(subject)s")
        % {"code": case.tracking_code, "subject": case.subject},
        link=f"/cases/{case.pk}/",
        dedupe=f"case:{case.pk}:triage:emergency",
    )


@transaction.atomic
def triage_case(case: Case, *, act: bool = True) -> Suggestion:
    """Compute and store the proposal for a case; with `act`, merge a near-certain duplicate
    or dispatch when category and unit confidences pass the deployment's thresholds, and
    alert the dispatchers of an emergency."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("place_unit", "category")
        .get(pk=case.pk)
    )
    suggestion = compute_suggestion(case)
    Suggestion.objects.filter(case=case).delete()
    suggestion.save()
    if act and case.status == CaseStatus.RECEIVED:
        if _try_merge(case, suggestion):
            suggestion.auto_action = AutoAction.MERGED
        elif _try_dispatch(case, suggestion):
            suggestion.auto_action = AutoAction.DISPATCHED
        suggestion.feedback_checked = bool(suggestion.auto_action)
        suggestion.save(update_fields=["auto_action", "feedback_checked"])
    audit.record(
        "triage.case.triaged",
        actor=TRIAGE,
        target=case,
        summary=case.tracking_code,
        data={
            "unit": suggestion.unit_id,
            "priority": suggestion.priority,
            "auto": suggestion.auto_action,
        },
    )
    if suggestion.priority == Priority.EMERGENCY and case.priority != Priority.EMERGENCY:
        transaction.on_commit(lambda: _alert(case))
    return suggestion


# --- dispatcher feedback ------------------------------------------------------------------


def _record_override(suggestion: Suggestion, unit: Unit, by: Any) -> Override | None:
    if suggestion.unit_id is None or suggestion.unit_id == unit.pk:
        return None
    user = by if getattr(by, "is_authenticated", False) else None
    override = Override.objects.create(
        case=suggestion.case,
        suggested_unit=suggestion.unit,
        chosen_unit=unit,
        suggested_category=suggestion.category_label,
        category=suggestion.case.category,
        by=user,
        at=clock.now(),
    )
    audit.record(
        "triage.override.recorded",
        actor=by,
        target=suggestion.case,
        summary=suggestion.case.tracking_code,
        data={"suggested": suggestion.unit_id, "chosen": unit.pk},
    )
    return override


@transaction.atomic
def dispatch_with_feedback(case: Case, *, unit: Unit, actor: Any, note: str = "") -> Case:
    """Dispatch as `dispatch_case` does, and record an override when the dispatcher chose
    another unit than triage proposed. The web and API layers call this instead."""
    case = dispatch_case(case, unit=unit, actor=actor, note=note)
    suggestion = Suggestion.objects.select_related("case").filter(case=case).first()
    if suggestion is not None and not suggestion.feedback_checked:
        _record_override(suggestion, unit, actor)
        suggestion.feedback_checked = True
        suggestion.save(update_fields=["feedback_checked"])
    return case


@transaction.atomic
def collect_feedback(limit: int = 500) -> int:
    """Compare proposals with the dispatches made elsewhere (plain `dispatch_case`) and record
    the overrides; returns how many were recorded. Run by the sweep."""
    pending = (
        Suggestion.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("case", "case__unit")
        .filter(feedback_checked=False)
        .exclude(case__status=CaseStatus.RECEIVED)[:limit]
    )
    recorded = 0
    for suggestion in pending:
        event = (
            suggestion.case.events.filter(type=CaseEventType.DISPATCHED)
            .order_by("at", "id")
            .select_related("actor")
            .first()
        )
        chosen = event.unit if event is not None else None
        if chosen is not None and _record_override(
            suggestion, chosen, event.actor if event else None
        ):
            recorded += 1
        suggestion.feedback_checked = True
        suggestion.save(update_fields=["feedback_checked"])
    return recorded


# --- rules the deployment edits -----------------------------------------------------------


@transaction.atomic
def set_urgency_rule(
    phrase: str, *, priority: str, language: str = "", active: bool = True, actor: Any
) -> UrgencyRule:
    """Add or change the rule for a phrase (in one language, or any)."""
    phrase = phrase.strip()
    if not phrase or priority not in Priority.values:
        raise TriageError(
            TriageErrorCode.INVALID, _("An urgency rule needs a phrase and a priority.")
        )
    rule, _created = UrgencyRule.objects.update_or_create(
        phrase=phrase, language=language, defaults={"priority": priority, "is_active": active}
    )
    audit.record("triage.urgency_rule.saved", actor=actor, target=rule, summary=phrase)
    return rule


@transaction.atomic
def set_routing_rule(
    category: Category, *, level: str, unit: Unit | None = None, actor: Any
) -> RoutingRule:
    """Say which level (or which department, with `unit`) acts on a category."""
    if level not in RoutingLevel.values or (level == RoutingLevel.DEPARTMENT) != (unit is not None):
        raise TriageError(
            TriageErrorCode.INVALID, _("A routing rule needs a level, or a department unit.")
        )
    rule, _created = RoutingRule.objects.update_or_create(
        category=category, defaults={"level": level, "unit": unit}
    )
    audit.record("triage.routing_rule.saved", actor=actor, target=rule, summary=category.code)
    return rule


DEFAULTS = Path(__file__).resolve().parent / "defaults" / "rules.json"


@transaction.atomic
def load_default_rules(*, actor: Any) -> tuple[int, int]:
    """Add the default urgency phrases and routing matrix where the deployment has none;
    returns (urgency rules, routing rules) added. Existing rules are left as edited."""
    data = json.loads(DEFAULTS.read_text(encoding="utf-8"))
    urgency = 0
    for phrase, language, priority in data["urgency"]:
        if not UrgencyRule.objects.filter(phrase=phrase, language=language).exists():
            set_urgency_rule(phrase, priority=priority, language=language, actor=actor)
            urgency += 1
    routing = 0
    for code, level in data["routing"].items():
        category = Category.objects.filter(code=code).first()
        if category is not None and not RoutingRule.objects.filter(category=category).exists():
            set_routing_rule(category, level=level, actor=actor)
            routing += 1
    return urgency, routing
