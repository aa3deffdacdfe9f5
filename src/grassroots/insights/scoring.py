"""Rates, fair adjustment toward the city average, quantiles and the composite score."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from . import conf
from .buckets import Bucket

RATE_NAMES = ("response", "resolution", "satisfaction", "on_time")


@dataclass(frozen=True)
class Rate:
    hits: float
    base: int

    @property
    def raw(self) -> float | None:
        return self.hits / self.base if self.base else None

    def adjusted(self, city: float | None, k: float) -> float | None:
        """Pulled toward the city's rate in proportion to how few cases are behind it:
        (hits + k·city) / (base + k). With no city rate, the raw rate."""
        if city is None:
            return self.raw
        return (self.hits + k * city) / (self.base + k)


def rates(bucket: Bucket, now_ts: float, config: conf.Config) -> dict[str, Rate]:
    """The four rates of a bucket; open overdue cases count against on-time closure."""
    c, weights = bucket.counts, config.satisfaction_weights
    satisfaction = sum(
        c[name] * weights.get(name, 0.0) for name in ("satisfied", "basic", "unsatisfied")
    )
    return {
        "response": Rate(c["responded_on_time"], c["response_base"]),
        "resolution": Rate(c["resolved"], c["followed_up"]),
        "satisfaction": Rate(satisfaction, c["rated"]),
        "on_time": Rate(c["closed_on_time"], c["closed"] + bucket.overdue(now_ts)),
    }


def overdue_share(bucket: Bucket, now_ts: float) -> Rate:
    """Open overdue cases among the unit's cases kept in the rates (received − excluded):
    the share that counts against the unit in its score, whatever the weights."""
    kept = bucket.counts["received"] - bucket.counts["excluded"]
    return Rate(bucket.overdue(now_ts), kept)


@dataclass(frozen=True)
class Score:
    """A bucket's rates (raw), their adjusted values, its overdue share (raw and adjusted),
    the weighted composite before the overdue penalty, and the score it is ranked by."""

    rates: dict[str, Rate]
    adjusted: dict[str, float | None]
    overdue: Rate
    overdue_adjusted: float | None
    base: float | None
    value: float | None


def score(
    bucket: Bucket, city: dict[str, float | None], now_ts: float, config: conf.Config
) -> Score:
    """The bucket's rates, their adjusted values and its composite score:
    Σ weight·adjusted rate × (1 − penalty × adjusted overdue share)."""
    found = rates(bucket, now_ts, config)
    k = config.shrink_cases
    adjusted = {name: rate.adjusted(city[name], k) for name, rate in found.items()}
    base = composite(adjusted, config)
    overdue = overdue_share(bucket, now_ts)
    overdue_adjusted = overdue.adjusted(city.get("overdue"), k)
    value = base
    if base is not None and config.overdue_penalty:
        value = base * (1 - config.overdue_penalty * (overdue_adjusted or 0.0))
    return Score(found, adjusted, overdue, overdue_adjusted, base, value)


def quantile(durations: Counter[int], p: float) -> int | None:
    """Nearest-rank quantile: the smallest value with at least ⌈p·n⌉ values at or below it."""
    n = sum(durations.values())
    if n == 0:
        return None
    rank, seen = max(1, math.ceil(p * n)), 0
    for value in sorted(durations):
        seen += durations[value]
        if seen >= rank:
            return value
    return None  # unreachable: seen reaches n


def composite(adjusted: dict[str, float | None], config: conf.Config) -> float | None:
    """Σ weight·adjusted rate over the weighted rates (weights sum to 1); None if one is
    unknown even after adjustment (no case anywhere in the city)."""
    total = 0.0
    for name, weight in config.score_weights.items():
        value = adjusted.get(name)
        if value is None:
            return None
        total += weight * value
    return total
