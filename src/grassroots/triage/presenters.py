"""Turning proposals into the API's plain dictionaries, worded in the reader's language.

Reasons are stored as data (reasons.py); everything here renders them with the language
active for the request, so the same stored proposal reads in Chinese or English.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from grassroots.cases.models import CaseEvent

from . import reasons as r
from .classify import CategoryProposal
from .models import Suggestion, TimelineNote
from .urgency import Urgency

TRIAGE_ACTOR = "triage"  # the actor label of the events triage writes (services.TRIAGE)


def category_out(proposal: CategoryProposal) -> dict[str, Any]:
    """The category part of a proposal."""
    return {
        "model_version": proposal.model_version,
        "label": proposal.label,
        "category": proposal.category.code if proposal.category else None,
        "confidence": round(proposal.confidence, 4),
        "top": proposal.top,
        "explanation": proposal.explanation,
        "reason": r.join(proposal.reasons),
    }


def urgency_out(urgency: Urgency) -> dict[str, Any]:
    """The urgency part of a proposal made now."""
    return {
        "priority": urgency.priority,
        "reasons": r.render_all(urgency.reasons),
        "probability": urgency.probability,
    }


def _category(suggestion: Suggestion) -> dict[str, Any] | None:
    if not suggestion.model_version:
        return None
    return {
        "model_version": suggestion.model_version,
        "label": suggestion.category_label,
        "category": suggestion.category.code if suggestion.category else None,
        "confidence": round(suggestion.category_confidence, 4),
        "top": suggestion.category_top,
        "explanation": suggestion.explanation,
        "reason": r.join(suggestion.category_reasons),
    }


def _unit(suggestion: Suggestion) -> dict[str, Any] | None:
    unit = suggestion.unit
    if unit is None:
        return None
    return {
        "unit": unit.code,
        "name": unit.name,
        "confidence": suggestion.unit_confidence,
        "source": suggestion.unit_source,
        "reason": r.join(suggestion.unit_reasons),
    }


def option_reason(option: dict[str, Any]) -> str:
    """Another unit's reasons (data), or the text stored before reasons were data."""
    return r.join(option.get("reasons") or r.legacy(option.get("reason", "")))


def alternatives_out(suggestion: Suggestion) -> list[dict[str, Any]]:
    """The other units, each with its reason in the active language."""
    return [
        {
            "unit": o["unit"],
            "name": o["name"],
            "confidence": o["confidence"],
            "source": o["source"],
            "reason": option_reason(o),
        }
        for o in suggestion.alternatives
    ]


def duplicates_out(duplicates: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stored duplicates, each with its reason in the active language."""
    return [{**d, "reason": r.render(d.get("reason") or "")} for d in duplicates]


def suggestion_out(suggestion: Suggestion, *, stored: bool) -> dict[str, Any]:
    """A stored or freshly computed suggestion, as `SuggestionOut`."""
    return {
        "case": suggestion.case.tracking_code,
        "category": _category(suggestion),
        "urgency": {
            "priority": suggestion.priority,
            "reasons": r.render_all(suggestion.urgency_reasons),
            "probability": suggestion.urgency_probability,
        },
        "unit": _unit(suggestion),
        "routing_note": "" if suggestion.unit is not None else r.join(suggestion.unit_reasons),
        "other_units": alternatives_out(suggestion),
        "duplicates": duplicates_out(suggestion.duplicates),
        "auto_action": suggestion.auto_action,
        "computed_at": suggestion.computed_at,
        "stored": stored,
    }


def render_event_notes(events: Sequence[CaseEvent]) -> dict[int, str]:
    """The notes triage wrote on these timeline events, in the active language (the hook
    `cases.presenters.NOTE_HOOKS` calls; one query, and none when triage wrote nothing)."""
    ids = [e.pk for e in events if e.actor_label == TRIAGE_ACTOR]
    if not ids:
        return {}
    notes = TimelineNote.objects.filter(event_id__in=ids)
    return {n.event_id: text for n in notes if (text := r.render(n.reason))}
