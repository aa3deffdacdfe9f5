"""Turning proposals into the API's plain dictionaries."""

from __future__ import annotations

from typing import Any

from .classify import CategoryProposal
from .models import Suggestion


def category_out(proposal: CategoryProposal) -> dict[str, Any]:
    """The category part of a proposal."""
    return {
        "model_version": proposal.model_version,
        "label": proposal.label,
        "category": proposal.category.code if proposal.category else None,
        "confidence": round(proposal.confidence, 4),
        "top": proposal.top,
        "explanation": proposal.explanation,
        "reason": proposal.reason,
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
        "reason": suggestion.category_reason,
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
        "reason": suggestion.unit_reason,
    }


def suggestion_out(suggestion: Suggestion, *, stored: bool) -> dict[str, Any]:
    """A stored or freshly computed suggestion, as `SuggestionOut`."""
    return {
        "case": suggestion.case.tracking_code,
        "category": _category(suggestion),
        "urgency": {
            "priority": suggestion.priority,
            "reasons": suggestion.urgency_reasons,
            "probability": suggestion.urgency_probability,
        },
        "unit": _unit(suggestion),
        "routing_note": "" if suggestion.unit is not None else suggestion.unit_reason,
        "other_units": suggestion.alternatives,
        "duplicates": suggestion.duplicates,
        "auto_action": suggestion.auto_action,
        "computed_at": suggestion.computed_at,
        "stored": stored,
    }
