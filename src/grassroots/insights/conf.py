"""Insights' settings, read from the environment (documented in `.env.example`) unless the
settings module sets them (tests use `override_settings`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import environ
from django.conf import settings

_env = environ.Env()

DEFAULTS: dict[str, str] = {
    # Weights of the composite score, normalised to sum 1 (rates without weight are shown).
    "INSIGHTS_SCORE_WEIGHTS": "response=10,resolution=45,satisfaction=45",
    # What each satisfaction answer is worth in the satisfaction rate.
    "INSIGHTS_SATISFACTION_WEIGHTS": "satisfied=1,basic=0.8,unsatisfied=0",
    # A unit needs this many cases (excluded ones not counted) in the period to be ranked.
    "INSIGHTS_RANK_MIN_CASES": "10",
    # Shrinkage strength: a unit with n cases in a rate's base gets n/(n+k) of its own rate
    # and k/(n+k) of the city's.
    "INSIGHTS_SHRINK_CASES": "20",
    # Events below the watermark re-read by each fold (late commits on PostgreSQL).
    "INSIGHTS_FOLD_OVERLAP": "1000",
}


def _raw(name: str) -> Any:
    return getattr(settings, name, None) or _env.str(name, default=DEFAULTS[name])


def _pairs(text: Any) -> dict[str, float]:
    if isinstance(text, dict):
        return {str(k): float(v) for k, v in text.items()}
    pairs = (item.split("=", 1) for item in str(text).split(",") if item.strip())
    return {k.strip(): float(v) for k, v in pairs}


def score_weights() -> dict[str, float]:
    """{rate: weight} normalised to sum 1; keys among response, resolution, satisfaction,
    on_time."""
    weights = {k: v for k, v in _pairs(_raw("INSIGHTS_SCORE_WEIGHTS")).items() if v > 0}
    total = sum(weights.values()) or 1.0
    return {k: v / total for k, v in weights.items()}


def satisfaction_weights() -> dict[str, float]:
    return {
        "satisfied": 1.0,
        "basic": 0.8,
        "unsatisfied": 0.0,
        **_pairs(_raw("INSIGHTS_SATISFACTION_WEIGHTS")),
    }


def rank_min_cases() -> int:
    return int(_raw("INSIGHTS_RANK_MIN_CASES"))


def shrink_cases() -> float:
    return float(_raw("INSIGHTS_SHRINK_CASES"))


def fold_overlap() -> int:
    return int(_raw("INSIGHTS_FOLD_OVERLAP"))


@dataclass(frozen=True)
class Config:
    """The scoring settings, read once per table."""

    score_weights: dict[str, float]
    satisfaction_weights: dict[str, float]
    rank_min_cases: int
    shrink_cases: float


def load() -> Config:
    return Config(score_weights(), satisfaction_weights(), rank_min_cases(), shrink_cases())
