"""Shapes of the triage endpoints."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema


class ClassifyIn(Schema):
    text: str = Field(min_length=1, max_length=10000)


class LabelOut(Schema):
    label: str
    probability: float
    category: str | None


class WordOut(Schema):
    word: str
    weight: float


class CategoryOut(Schema):
    model_version: str
    label: str
    category: str | None
    confidence: float
    top: list[LabelOut]
    explanation: list[WordOut]
    reason: str


class UrgencyOut(Schema):
    priority: str
    reasons: list[str]
    # The soft view's emergency score: how closely the text resembles an emergency phrase.
    probability: float = 0.0


class ClassifyOut(Schema):
    category: CategoryOut
    urgency: UrgencyOut


class UnitOptionOut(Schema):
    unit: str
    name: str
    confidence: float
    source: str
    reason: str


class DuplicateOut(Schema):
    case_id: int
    tracking_code: str
    subject: str
    status: str
    similarity: float
    reason: str = ""


class SuggestionOut(Schema):
    case: str
    category: CategoryOut | None
    urgency: UrgencyOut
    unit: UnitOptionOut | None
    routing_note: str
    other_units: list[UnitOptionOut]
    duplicates: list[DuplicateOut]
    auto_action: str
    computed_at: datetime
    stored: bool
