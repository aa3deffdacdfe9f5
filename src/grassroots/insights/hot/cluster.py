"""Clusters of reports about the same problem in the same place and time, without Django
(the bench runs it on a raw file).

Two reports are linked when their texts are alike (cosine of TF-IDF vectors of their words, and
for Chinese of their character bigrams), they were received within
`window_days` of each other, and they are in the same place: one's place is the other's or
contains it (a report located only to a district can join a street's issue in that district),
or both have points within `radius_m`. The linked components are the clusters.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

Progress = Callable[[int, int], None]  # (blocks done, blocks in all)

EARTH_M = 6_371_000.0
DEGREE_M = math.pi * EARTH_M / 180


@dataclass(frozen=True)
class Report:
    """One report as the clustering sees it. `place` is a path: a place is in another when
    the other's path is a prefix of it ("" is the whole city)."""

    key: int
    text: str
    place: str
    at: datetime
    point: tuple[float, float] | None = None  # (lat, lng)
    resident: str = ""  # who reported (counted once per issue); "" when unknown
    support: int = 0  # residents who backed it (votes, merged duplicates)
    open_days: float | None = None  # days unresolved so far; None when resolved or unknown


@dataclass(frozen=True)
class Settings:
    threshold: float = 0.28  # cosine at or above which two texts are about the same problem
    window_days: float = 30.0  # two linked reports are at most this far apart in time
    radius_m: float = 500.0  # points this close are in the same place across places
    min_reports: int = 3  # a cluster needs this many reports to be a hot issue
    recent_days: float = 7.0  # the growth compares this last stretch with the whole period


@dataclass
class Cluster:
    """Indexes into the reports, the most central first."""

    members: list[int]
    centrality: list[float] = field(default_factory=list)


_CJK = re.compile(r"[\u4e00-\u9fff]+")
_WORD = re.compile(r"[^\W_]{2,}")
STOP = frozenset(ENGLISH_STOP_WORDS)


def tokens(text: str) -> list[str]:
    """Latin words (stop words out) and, for Chinese, character bigrams: they need no word
    segmentation, so two ways of cutting the same phrase still share their tokens."""
    text = text.lower()
    found = [w for w in _WORD.findall(_CJK.sub(" ", text)) if w not in STOP]
    for run in _CJK.findall(text):
        found.extend(run[i : i + 2] for i in range(max(1, len(run) - 1)))
    return found


def _vectors(texts: Sequence[str]) -> sparse.csr_matrix:
    # Tokens in more than a fifth of the texts say nothing about the problem ("A市", "请问"),
    # but in a small sample a shared word is common by nature: keep everything under 250 texts.
    common = max(int(0.2 * len(texts)), 50)
    vectoriser = TfidfVectorizer(
        analyzer=tokens, sublinear_tf=True, max_df=common, min_df=2, dtype=np.float32
    )
    try:
        return vectoriser.fit_transform(texts).tocsr()
    except ValueError:  # too few reports or no token shared by two: nothing is alike
        return sparse.csr_matrix((len(texts), 1))


class _Links:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, a: int) -> int:
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def join(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def _contains(outer: str, inner: str) -> bool:
    return inner == outer or outer == "" or inner.startswith(outer)


def _place_pairs(reports: Sequence[Report]) -> Iterable[tuple[list[int], list[int]]]:
    """Pairs of report groups that are in the same place (a group with itself included)."""
    groups: dict[str, list[int]] = defaultdict(list)
    for index, report in enumerate(reports):
        groups[report.place].append(index)
    for outer, left in groups.items():
        for inner, right in groups.items():
            if _contains(outer, inner):
                yield left, right


def _cell(point: tuple[float, float], radius_m: float) -> tuple[int, int]:
    lat, lng = point
    return (
        math.floor(lat * DEGREE_M / radius_m),
        math.floor(lng * DEGREE_M * math.cos(math.radians(lat)) / radius_m),
    )


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres (haversine)."""
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2
    h += math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * EARTH_M * math.asin(min(1.0, math.sqrt(h)))


def _near_pairs(
    reports: Sequence[Report], radius_m: float
) -> Iterable[tuple[list[int], list[int]]]:
    """Groups of located reports in neighbouring grid cells (checked by distance later)."""
    cells: dict[tuple[int, int], list[int]] = defaultdict(list)
    for index, report in enumerate(reports):
        if report.point is not None:
            cells[_cell(report.point, radius_m)].append(index)
    for (x, y), left in cells.items():
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                right = cells.get((x + dx, y + dy))
                if right is not None and (dx, dy) >= (0, 0):
                    yield left, right


def link(
    reports: Sequence[Report], settings: Settings, progress: Progress | None = None
) -> tuple[list[Cluster], sparse.csr_matrix]:
    """The clusters of at least `min_reports` reports, largest first, and the text vectors."""
    vectors = _vectors([r.text for r in reports])
    days = np.array([r.at.timestamp() / 86400 for r in reports])
    links = _Links(len(reports))
    blocks = [(a, b, False) for a, b in _place_pairs(reports)]
    blocks += [(a, b, True) for a, b in _near_pairs(reports, settings.radius_m)]
    for done, (left, right, by_distance) in enumerate(blocks, start=1):
        _link_block(reports, vectors, days, left, right, by_distance, settings, links)
        if progress is not None:
            progress(done, len(blocks))
    return _clusters(links, vectors, len(reports), settings.min_reports), vectors


def _link_block(
    reports: Sequence[Report],
    vectors: sparse.csr_matrix,
    days: np.ndarray,
    left: list[int],
    right: list[int],
    by_distance: bool,
    settings: Settings,
    links: _Links,
) -> None:
    similar = (vectors[left] @ vectors[right].T).tocoo()
    for i, j, value in zip(similar.row, similar.col, similar.data, strict=True):
        a, b = left[i], right[j]
        if (left is right and a >= b) or a == b or value < settings.threshold:
            continue
        if abs(days[a] - days[b]) > settings.window_days:
            continue
        if by_distance:
            pa, pb = reports[a].point, reports[b].point
            if pa is None or pb is None or distance_m(pa, pb) > settings.radius_m:
                continue
        links.join(a, b)


def _clusters(
    links: _Links, vectors: sparse.csr_matrix, size: int, min_reports: int
) -> list[Cluster]:
    groups: dict[int, list[int]] = defaultdict(list)
    for index in range(size):
        groups[links.find(index)].append(index)
    found = []
    for members in groups.values():
        if len(members) < min_reports:
            continue
        block = vectors[members]
        centre = np.asarray(block.mean(axis=0)).ravel()
        closeness = np.asarray(block @ centre).ravel()
        order = sorted(range(len(members)), key=lambda k: (-closeness[k], members[k]))
        found.append(Cluster([members[k] for k in order], [float(closeness[k]) for k in order]))
    found.sort(key=lambda c: (-len(c.members), c.members[0]))
    return found
