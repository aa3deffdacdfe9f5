"""Category proposals from the active classifier, mapped onto the deployment's categories."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from grassroots.cases.models import Category

from . import reasons as r
from .registry import active_model


@dataclass(frozen=True)
class CategoryProposal:
    """The model's top labels (best first) and the words that weighed most for the first."""

    model_version: str
    label: str
    confidence: float
    category: Category | None
    top: list[dict[str, object]] = field(default_factory=list)
    explanation: list[dict[str, object]] = field(default_factory=list)
    reasons: list[r.Reason] = field(default_factory=list)

    @property
    def reason(self) -> str:
        """The reasons in the active language."""
        return r.join(self.reasons)


def categories_for(labels: list[str]) -> dict[str, Category]:
    """The active category each model label names: by code, else English or Chinese name."""
    found = Category.objects.filter(is_active=True).filter(
        Q(code__in=labels) | Q(name_en__in=labels) | Q(name_zh__in=labels)
    )
    by_label: dict[str, Category] = {}
    for category in found:
        for key in (category.name_zh, category.name_en, category.code):  # code wins
            if key in labels:
                by_label[key] = category
    return by_label


def _reason(label: str, confidence: float, words: list[str], category: Category | None) -> r.Reason:
    name = r.names(category) if category is not None else None
    return r.reason("category.model", label=label, name=name, p=confidence * 100, words=words)


def propose_category(text: str) -> CategoryProposal | None:
    """Top-3 categories for a text, or None when no model is active."""
    loaded = active_model()
    if loaded is None:
        return None
    version, model = loaded
    prediction = model.predict([text], top_k=3, explain=5)[0]
    mapped = categories_for([label for label, _p in prediction.top])
    top: list[dict[str, object]] = [
        {
            "label": label,
            "probability": round(p, 4),
            "category": mapped[label].code if label in mapped else None,
        }
        for label, p in prediction.top
    ]
    words = [w for w, _weight in prediction.explanation]
    return CategoryProposal(
        model_version=version,
        label=prediction.label,
        confidence=prediction.probability,
        category=mapped.get(prediction.label),
        top=top,
        explanation=[{"word": w, "weight": round(x, 4)} for w, x in prediction.explanation],
        reasons=[
            _reason(prediction.label, prediction.probability, words, mapped.get(prediction.label))
        ],
    )
