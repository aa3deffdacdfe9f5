"""Insights' settings, read from the environment (documented in `.env.example`) unless the
settings module sets them (tests use `override_settings`)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import environ
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

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
    # How much the share of open overdue cases (past their resolve deadline, adjusted toward the
    # city like the rates) takes off the composite score: score × (1 − penalty × share).
    # Between 0 (overdue cases do not affect the ranking) and 1.
    "INSIGHTS_OVERDUE_PENALTY": "1",
    # Events below the watermark re-read by each fold (late commits on PostgreSQL).
    "INSIGHTS_FOLD_OVERLAP": "1000",
}


def _raw(name: str) -> Any:
    return getattr(settings, name, None) or _env.str(name, default=DEFAULTS[name])


def _pairs(name: str, text: Any) -> dict[str, float]:
    if isinstance(text, dict):
        items = [(str(k), v) for k, v in text.items()]
    else:
        items = []
        for item in str(text).split(","):
            if not item.strip():
                continue
            if "=" not in item:
                raise ImproperlyConfigured(f"{name}: “{item.strip()}” is not key=number.")
            key, value = item.split("=", 1)
            items.append((key.strip(), value))
    pairs: dict[str, float] = {}
    for key, value in items:
        try:
            pairs[key] = float(value)
        except (TypeError, ValueError):
            raise ImproperlyConfigured(f"{name}: {key}={value!r} is not a number.") from None
    return pairs


SCORE_KEYS = ("response", "resolution", "satisfaction", "on_time")
SATISFACTION_KEYS = ("satisfied", "basic", "unsatisfied")


def _checked(name: str, pairs: dict[str, float], allowed: tuple[str, ...]) -> dict[str, float]:
    """`pairs` if every key is allowed and every weight a finite number ≥ 0, else a clear
    ImproperlyConfigured naming the bad key and the allowed ones."""
    for key, value in pairs.items():
        if key not in allowed:
            raise ImproperlyConfigured(
                f"{name}: unknown key “{key}”; allowed keys: {', '.join(allowed)}."
            )
        if not math.isfinite(value) or value < 0:
            raise ImproperlyConfigured(
                f"{name}: weight of “{key}” is {value:g}; weights must be 0 or more."
            )
    return pairs


def score_weights() -> dict[str, float]:
    """{rate: weight} normalised to sum 1; keys among response, resolution, satisfaction,
    on_time. A misspelt key, a negative weight or all weights zero is refused (a score that
    silently came out empty would leave every unit unranked)."""
    name = "INSIGHTS_SCORE_WEIGHTS"
    weights = {
        k: v for k, v in _checked(name, _pairs(name, _raw(name)), SCORE_KEYS).items() if v > 0
    }
    if not weights:
        raise ImproperlyConfigured(
            f"{name}: every weight is zero; give at least one of {', '.join(SCORE_KEYS)} "
            "a weight above 0."
        )
    total = sum(weights.values())
    return {k: v / total for k, v in weights.items()}


def satisfaction_weights() -> dict[str, float]:
    name = "INSIGHTS_SATISFACTION_WEIGHTS"
    return {
        "satisfied": 1.0,
        "basic": 0.8,
        "unsatisfied": 0.0,
        **_checked(name, _pairs(name, _raw(name)), SATISFACTION_KEYS),
    }


def overdue_penalty() -> float:
    name = "INSIGHTS_OVERDUE_PENALTY"
    raw = getattr(settings, name, None)
    text = _env.str(name, default=DEFAULTS[name]) if raw is None else raw
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise ImproperlyConfigured(f"{name}: {text!r} is not a number.") from None
    if not 0 <= value <= 1:
        raise ImproperlyConfigured(f"{name}: {value:g} is outside 0..1.")
    return value


def check_settings() -> list[str]:
    """Every problem with the scoring settings, as messages (for the system check)."""
    problems = []
    for read in (
        score_weights,
        satisfaction_weights,
        overdue_penalty,
        rank_min_cases,
        shrink_cases,
    ):
        try:
            read()
        except ImproperlyConfigured as exc:
            problems.append(str(exc))
        except (TypeError, ValueError) as exc:
            problems.append(f"{read.__name__}: {exc}")
    return problems


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
    overdue_penalty: float = 1.0


def load() -> Config:
    return Config(
        score_weights(), satisfaction_weights(), rank_min_cases(), shrink_cases(), overdue_penalty()
    )
