"""From clusters to ranked hot issues: heat score, place, time span, title and keywords.

heat = 10·log2(1 + residents) + 3·log2(1 + support) + 5·log2(1 + growth)
       + 2·log2(1 + mean days unresolved)·(share of reports still open)

- residents: distinct reporters (a report without a known reporter counts as one);
- support: residents who backed it without a report of their own (votes, merged duplicates);
- growth: reports in the last `recent_days` of the period over the number expected there if
  the issue's reports were spread evenly over the period (1 = steady, 3 = three times faster);
- unresolved: how long the open reports have waited, weighted by how many are still open.
Logarithms keep one huge figure from drowning the others; every part is stored beside the heat.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .cluster import Cluster, Progress, Report, Settings, link

_jieba_lock = threading.Lock()


@dataclass(frozen=True)
class Issue:
    """A ranked hot issue; `keys` are the reports' keys, the most central first."""

    keys: list[int]
    closeness: list[float]
    place: str
    point: tuple[float, float] | None
    first_at: datetime
    last_at: datetime
    residents: int
    support: int
    growth: float
    open_reports: int
    open_days: float
    heat: float
    keywords: list[str]


def heat_of(residents: int, support: int, growth: float, open_share: float, days: float) -> float:
    """The heat score (see the module's docstring)."""
    value = 10 * math.log2(1 + residents) + 3 * math.log2(1 + support)
    value += 5 * math.log2(1 + growth) + 2 * math.log2(1 + days) * open_share
    return round(value, 2)


def _place(reports: Sequence[Report]) -> str:
    """The place most of the reports that name one name (the widest place only if none does)."""
    counts = Counter(r.place for r in reports)
    return max(counts, key=lambda p: (p != "", counts[p], len(p), p))


def _point(reports: Sequence[Report]) -> tuple[float, float] | None:
    points = [r.point for r in reports if r.point is not None]
    if not points:
        return None
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def _residents(reports: Sequence[Report]) -> int:
    named = {r.resident for r in reports if r.resident}
    return len(named) + sum(1 for r in reports if not r.resident)


def _jieba() -> Any:
    with _jieba_lock:
        import jieba
        import jieba.analyse

        jieba.setLogLevel(logging.WARNING)
        logging.getLogger("jieba").setLevel(logging.WARNING)
        return jieba.analyse


_NOISE = re.compile(r"^[\d\W_]+$|^[a-z]\d*$", re.IGNORECASE)


def keywords(texts: Sequence[str], *, limit: int = 6) -> list[str]:
    """The words that best tell the cluster's texts apart (jieba's TF-IDF), most telling first."""
    words = _jieba().extract_tags(" ".join(texts)[:20_000].lower(), topK=limit * 3)
    return [w for w in words if not _NOISE.match(w)][:limit]


def _growth(reports: Sequence[Report], start: datetime, end: datetime, recent: float) -> float:
    span = max((end - start).total_seconds() / 86400, recent)
    since = end - timedelta(days=recent)
    latest = sum(1 for r in reports if r.at >= since)
    expected = len(reports) * recent / span
    return round(latest / expected, 2) if expected else 0.0


def describe(
    cluster: Cluster,
    reports: Sequence[Report],
    start: datetime,
    end: datetime,
    settings: Settings,
    *,
    with_keywords: bool = True,
) -> Issue:
    """The issue a cluster makes over the period [start, end)."""
    members = [reports[i] for i in cluster.members]
    open_days = [r.open_days for r in members if r.open_days is not None]
    mean_open = sum(open_days) / len(open_days) if open_days else 0.0
    residents, support = _residents(members), sum(r.support for r in members)
    growth = _growth(members, start, end, settings.recent_days)
    share = len(open_days) / len(members)
    return Issue(
        keys=[r.key for r in members],
        closeness=[round(c, 4) for c in cluster.centrality],
        place=_place(members),
        point=_point(members),
        first_at=min(r.at for r in members),
        last_at=max(r.at for r in members),
        residents=residents,
        support=support,
        growth=growth,
        open_reports=len(open_days),
        open_days=round(mean_open, 1),
        heat=heat_of(residents, support, growth, share, mean_open),
        keywords=keywords([r.text for r in members]) if with_keywords else [],
    )


def hot_issues(
    reports: Sequence[Report],
    *,
    start: datetime,
    end: datetime,
    settings: Settings | None = None,
    progress: Progress | None = None,
    limit: int = 50,
) -> list[Issue]:
    """The `limit` hottest issues among `reports` received in [start, end), hottest first."""
    settings = settings or Settings()
    if len(reports) < max(2, settings.min_reports):
        return []
    clusters, _vectors = link(reports, settings, progress)
    issues = [describe(c, reports, start, end, settings, with_keywords=False) for c in clusters]
    order = sorted(
        range(len(issues)), key=lambda k: (-issues[k].heat, -len(issues[k].keys), issues[k].keys[0])
    )
    # keywords (jieba over the cluster's texts) only for the issues kept
    return [describe(clusters[k], reports, start, end, settings) for k in order[:limit]]
