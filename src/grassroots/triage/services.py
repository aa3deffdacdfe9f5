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
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _

from grassroots.accounts.services import notify
from grassroots.cases.enums import CaseEventType, CaseStatus, Priority
from grassroots.cases.errors import CaseError
from grassroots.cases.models import Case, CaseEvent, Category
from grassroots.cases.services import change_case_priority, dispatch_case, merge_case
from grassroots.core import audit, clock
from grassroots.organizations.duty import on_duty
from grassroots.organizations.enums import Role
from grassroots.organizations.models import Membership, Unit

from . import reasons as r
from . import registry
from .classify import propose_category
from .duplicates import case_text, find_duplicates
from .enums import AutoAction, RoutingLevel
from .errors import TriageError, TriageErrorCode
from .models import ClassifierModel, RoutingRule, Suggestion, TimelineNote, UrgencyRule
from .routing import propose_unit
from .textmodel import TrainedModel
from .urgency import RANK, assess_urgency


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
        category_reasons=proposal.reasons if proposal else [],
        priority=urgency.priority,
        urgency_reasons=urgency.reasons,
        urgency_probability=urgency.probability,
        unit=best.unit if best else None,
        unit_confidence=round(best.confidence, 4) if best else 0.0,
        unit_source=best.source if best else "",
        unit_reasons=[*best.reasons, *routing.notes] if best else routing.notes,
        alternatives=[
            {
                "unit": o.unit.code,
                "name": o.unit.name,
                "confidence": round(o.confidence, 4),
                "source": o.source,
                "reasons": o.reasons,
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


def _dispatched(suggestion: Suggestion, case: Case) -> r.Reason:
    category = suggestion.category
    return r.reason(
        "auto.dispatched",
        label=suggestion.category_label,
        name=r.names(category) if category is not None else None,
        category_p=_category_sure(suggestion, case) * 100,
        unit_p=suggestion.unit_confidence * 100,
        unit_reasons=suggestion.unit_reasons,
    )


def _deployment_words(reason: r.Reason) -> str:
    """A note in the deployment's language (LANGUAGE_CODE), whatever language this process
    runs in: the event's stored note, for readers other than the case page."""
    with translation.override(settings.LANGUAGE_CODE):
        return r.render(reason)


def _noted(case: Case, event_type: str, after: int, reason: r.Reason) -> None:
    """Keep triage's reason for the event the case service just wrote, as data, so that the
    case page can word it in the reader's language (`render_event_notes`)."""
    event = (
        CaseEvent.objects.filter(case=case, type=event_type, pk__gt=after).order_by("-pk").first()
    )
    if event is not None:
        TimelineNote.objects.create(event=event, reason=reason)


def _last_event(case: Case) -> int:
    return CaseEvent.objects.filter(case=case).aggregate(last=Max("id"))["last"] or 0


def _try_merge(case: Case, suggestion: Suggestion) -> bool:
    top = suggestion.duplicates[0] if suggestion.duplicates else None
    if top is None or top["similarity"] < settings.TRIAGE_AUTO_MERGE_SIMILARITY:
        return False
    into = Case.objects.get(pk=top["case_id"])
    reason = r.reason("auto.merged", p=top["similarity"] * 100, code=top["tracking_code"])
    after = _last_event(case)
    try:
        with transaction.atomic():
            merge_case(case, into=into, note=_deployment_words(reason), actor=TRIAGE)
            _noted(case, CaseEventType.MERGED, after, reason)
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
    reason = _dispatched(suggestion, case)
    after = _last_event(case)
    try:
        with transaction.atomic():
            dispatch_case(case, unit=suggestion.unit, actor=TRIAGE, note=_deployment_words(reason))
            _noted(case, CaseEventType.DISPATCHED, after, reason)
    except CaseError:
        return False
    return True


def _dispatchers(case: Case) -> list[Any]:
    """The dispatchers on duty now for the case's place (the duty roster: shifts held for the
    place's unit or an ancestor; any unit when it has no place). When nobody is on duty, every
    active dispatcher whose area holds the place, so that an emergency always reaches someone."""
    rostered = on_duty(case.place_unit, clock.now())
    if rostered:
        return rostered
    members = Membership.objects.filter(role=Role.DISPATCHER).select_related("user")
    if case.place_unit is not None:
        members = members.filter(unit_id__in=[*case.place_unit.ancestor_ids, case.place_unit_id])
    return list({m.user.pk: m.user for m in members if m.user.is_active}.values())


def _alert(case: Case, reasons: list[r.Reason | str]) -> None:
    """Alert `_dispatchers(case)`, each in their own language (their preference, else the
    deployment's): a notification is stored as text, so it is worded per reader here."""
    by_language: dict[str, list[Any]] = {}
    for user in _dispatchers(case):
        language = getattr(user, "language", "") or settings.LANGUAGE_CODE
        by_language.setdefault(language, []).append(user)
    for language, users in by_language.items():
        with translation.override(language):
            notify(
                users,
                kind="triage.emergency",
                title=_("Emergency: %(code)s %(subject)s")
                % {"code": case.tracking_code, "subject": case.subject},
                body="\n".join(r.render_all(reasons)),
                link=f"/cases/{case.pk}/",
                dedupe=f"case:{case.pk}:triage:emergency",
            )


def _raise_priority(case: Case, suggestion: Suggestion) -> bool:
    """Apply a higher priority the rules or the soft view found (never lowers one); an
    emergency then heads the dispatch queue with the emergency deadline."""
    if RANK[Priority(suggestion.priority)] <= RANK[Priority(case.priority)]:
        return False
    reason = r.reason("auto.raised", reasons=suggestion.urgency_reasons)
    after = _last_event(case)
    try:
        with transaction.atomic():
            change_case_priority(
                case, priority=suggestion.priority, actor=TRIAGE, reason=_deployment_words(reason)
            )
            _noted(case, CaseEventType.PRIORITY_CHANGED, after, reason)
    except CaseError:
        return False  # answered or finished meanwhile: nothing to raise
    case.refresh_from_db()
    return True


@transaction.atomic
def triage_case(case: Case, *, act: bool = True) -> Suggestion:
    """Compute and store the proposal for a case; with `act`, raise its priority when the
    urgency rules say so (an emergency alerts the dispatchers on duty, once), then merge a
    near-certain duplicate or dispatch when category and unit confidences pass the
    deployment's thresholds."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("place_unit", "category")
        .get(pk=case.pk)
    )
    suggestion = compute_suggestion(case)
    Suggestion.objects.filter(case=case).delete()
    # Dispatcher decisions are compared from the next timeline event on (see feedback.py).
    suggestion.feedback_upto = case.events.aggregate(last=Max("id"))["last"] or 0
    suggestion.save()
    raised = act and _raise_priority(case, suggestion)
    if act and case.status == CaseStatus.RECEIVED:
        if _try_merge(case, suggestion):
            suggestion.auto_action = AutoAction.MERGED
        elif _try_dispatch(case, suggestion):
            suggestion.auto_action = AutoAction.DISPATCHED
        suggestion.save(update_fields=["auto_action"])
    audit.record(
        "triage.case.triaged",
        actor=TRIAGE,
        target=case,
        summary=case.tracking_code,
        data={
            "unit": suggestion.unit_id,
            "priority": suggestion.priority,
            "raised": raised,
            "auto": suggestion.auto_action,
        },
    )
    if case.priority == Priority.EMERGENCY:  # raised now, or submitted as one: alert once
        reasons = list(suggestion.urgency_reasons)
        transaction.on_commit(lambda: _alert(case, reasons))
    return suggestion


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
