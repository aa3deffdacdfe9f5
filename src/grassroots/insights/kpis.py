"""The KPI table: one row per unit of a level, its subtree's figures, fair rank and change."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from grassroots.organizations.models import Unit
from grassroots.organizations.querysets import PATH_STEP, subtree_q

from . import conf
from .buckets import Bucket, read_buckets
from .conf import Config
from .errors import InsightsError, InsightsErrorCode
from .models import COUNTERS
from .periods import Period
from .scoring import RATE_NAMES, overdue_share, quantile, rates, score

City = dict[str, float | None]


@dataclass(frozen=True)
class Scope:
    """The unit paths a viewer may see figures for (None: everything)."""

    paths: tuple[str, ...] | None

    def covers(self, path: str) -> bool:
        return self.paths is None or any(path.startswith(p) for p in self.paths)


@dataclass(frozen=True)
class Target:
    """A unit a row is about (read as plain values: a table has one per unit)."""

    code: str
    name: str
    level: str


def _targets(level: str, unit: Unit | None, scope: Scope) -> dict[str, Target]:
    qs = Unit.objects.filter(level=level)
    if unit is not None:
        qs = qs.filter(subtree_q(unit.path))
    zh = (get_language() or "").startswith("zh")
    return {
        path: Target(code, (name_zh or name_en) if zh else (name_en or name_zh), unit_level)
        for path, code, name_zh, name_en, unit_level in qs.values_list(
            "path", "code", "name_zh", "name_en", "level"
        )
        if scope.covers(path)
    }


def _by_target(buckets: dict[str, Bucket], targets: dict[str, Target]) -> dict[str, Bucket]:
    """Each handling unit's bucket added to the target unit whose subtree holds it."""
    grouped: dict[str, list[Bucket]] = {}
    for path, bucket in buckets.items():
        for end in range(PATH_STEP, len(path) + 1, PATH_STEP):
            if path[:end] in targets:
                grouped.setdefault(path[:end], []).append(bucket)
                break
    return {path: _merged(parts) for path, parts in grouped.items()}


def _merged(parts: list[Bucket]) -> Bucket:
    if len(parts) == 1:
        return parts[0]  # a leaf unit: read as it is, never changed
    total = Bucket()
    for part in parts:
        total.merge(part)
    return total


def _city(buckets: dict[str, Bucket], now_ts: float, config: Config) -> City:
    """The city's raw rates (no handling times needed, so none are merged)."""
    total = Bucket()
    for bucket in buckets.values():
        total.counts.update(bucket.counts)
    total.set_overdue(now_ts, sum(b.overdue(now_ts) for b in buckets.values()))
    city = {name: rate.raw for name, rate in rates(total, now_ts, config).items()}
    city["overdue"] = overdue_share(total, now_ts).raw
    return city


def _row(unit: Target, bucket: Bucket, city: City, now_ts: float, config: Config) -> dict[str, Any]:
    row: dict[str, Any] = {"unit": unit.code, "name": unit.name, "level": unit.level}
    row.update({c: bucket.counts[c] for c in COUNTERS})
    row["overdue_open"] = bucket.overdue(now_ts)
    scored = score(bucket, city, now_ts, config)
    for name, rate in scored.rates.items():
        row[f"{name}_rate"], row[f"{name}_adjusted"] = rate.raw, scored.adjusted[name]
    row["overdue_rate"], row["overdue_adjusted"] = scored.overdue.raw, scored.overdue_adjusted
    row["score_before_overdue"], row["score"] = scored.base, scored.value
    row["handling_median_seconds"] = quantile(bucket.durations, 0.5)
    row["handling_p90_seconds"] = quantile(bucket.durations, 0.9)
    kept = bucket.counts["received"] - bucket.counts["excluded"]
    row["ranked"] = kept >= config.rank_min_cases
    return row


Reader = Callable[[Period, bool], dict[str, Bucket]]


def _scores(
    period: Period,
    targets: dict[str, Target],
    now_ts: float,
    reader: Reader,
    config: Config,
    durations: bool,
) -> tuple[dict[str, Bucket], City]:
    buckets = reader(period, durations)
    return _by_target(buckets, targets), _city(buckets, now_ts, config)


def kpi_table(
    level: str,
    period: Period,
    *,
    unit: Unit | None,
    scope: Scope,
    now: datetime,
    reader: Reader = read_buckets,
) -> list[dict[str, Any]]:
    """Rows for every unit of `level` (under `unit`, within `scope`) for `period`, ranked.

    Units below the minimum number of cases are listed without a rank. The change is the
    score's difference from the period before (None where either is unknown). `reader`
    gives the per-unit buckets: the roll-ups, or the naive GROUP BY when comparing.
    """
    if unit is not None and not scope.covers(unit.path):
        raise InsightsError(InsightsErrorCode.NOT_FOUND, _("No such unit."), status=404)
    now_ts, config = now.timestamp(), conf.load()
    targets = _targets(level, unit, scope)
    current, city = _scores(period, targets, now_ts, reader, config, True)
    before, city_before = _scores(period.previous(), targets, now_ts, reader, config, False)
    rows = []
    for path, target in targets.items():
        row = _row(target, current.get(path, Bucket()), city, now_ts, config)
        previous = score(before.get(path, Bucket()), city_before, now_ts, config).value
        row["previous_score"] = previous
        row["score_change"] = (
            None if row["score"] is None or previous is None else row["score"] - previous
        )
        rows.append(row)
    return _rank(rows)


def _rank(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ranked = sorted(
        (r for r in rows if r["ranked"] and r["score"] is not None),
        key=lambda r: (-r["score"], r["unit"]),
    )
    for position, row in enumerate(ranked, start=1):
        row["rank"] = position
    others = sorted((r for r in rows if "rank" not in r), key=lambda r: r["unit"])
    for row in others:
        row["rank"] = None
    return [*ranked, *others]


__all__ = ["RATE_NAMES", "Scope", "kpi_table"]
