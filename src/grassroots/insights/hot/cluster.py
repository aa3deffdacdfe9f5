"""Clusters of reports about the same problem in the same place and time, without Django
(the bench runs it on a raw file).

Two reports are *candidates* when their texts are alike (cosine of TF-IDF vectors of their
words, and for Chinese of their character bigrams), they were received within `window_days` of
each other, and they are in the same place: one's place is the other's or contains it (a report
located only to a district can join a street's issue in that district), or both have points
within `radius_m`.

Bounded cost: reports with the same place, the same vector and the same stretch of
`window_days` are one node (a repetitive source — "Heat/Hot Water" a thousand times in one
community board — costs one row, not a million pairs); candidates come from sparse matrix
products per pair of compatible places, in chunks of at most `PRODUCT_CELLS` cells, filtered
in numpy (no loop over pairs), and each node keeps only its `neighbours` best candidates.

No chaining drift: the connected groups of candidates are only where clusters are looked for.
Inside a group, the cluster is grown around its most central node and holds only the nodes
whose cosine to the cluster's centre (the mean of its vectors) reaches the threshold and that
are in the seed's place and time window; the rest of the group is clustered again the same way.
A chain A–B–C where A and C have nothing in common no longer makes one cluster.
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
from scipy.sparse.csgraph import connected_components
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
    neighbours: int = 30  # candidates kept per node (the most similar): bounds the graph


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


PRODUCT_CELLS = 4_000_000  # the most cells one chunk of a similarity product may produce


@dataclass
class _Nodes:
    """Reports with the same place, vector and time stretch, as one row each."""

    of: np.ndarray  # node of each report
    members: list[list[int]]
    vectors: sparse.csr_matrix  # one row per node (the shared vector)
    weight: np.ndarray  # reports per node
    lo: np.ndarray  # first and last day of the node's reports
    hi: np.ndarray
    place: list[str]
    point: list[tuple[float, float] | None]


def _nodes(reports: Sequence[Report], vectors: sparse.csr_matrix, window: float) -> _Nodes:
    days = np.array([r.at.timestamp() / 86400 for r in reports])
    stretch = np.floor(days / max(window, 1e-9)).astype(np.int64)
    keys: dict[tuple[object, ...], int] = {}
    of = np.empty(len(reports), dtype=np.int64)
    members: list[list[int]] = []
    ptr, idx, data = vectors.indptr, vectors.indices, vectors.data
    for i, report in enumerate(reports):
        # A located report stays on its own (its point matters for the radius test), and so
        # does one with no shared word (it is like nothing, not like every other such one).
        row = slice(ptr[i], ptr[i + 1])
        where: object = i if report.point is not None or ptr[i] == ptr[i + 1] else report.place
        key = (where, int(stretch[i]), idx[row].tobytes(), data[row].tobytes())
        node = keys.setdefault(key, len(members))
        if node == len(members):
            members.append([])
        members[node].append(i)
        of[i] = node
    first = [m[0] for m in members]
    return _Nodes(
        of=of,
        members=members,
        vectors=vectors[first],
        weight=np.array([len(m) for m in members], dtype=np.float64),
        lo=np.array([days[m].min() for m in members]),
        hi=np.array([days[m].max() for m in members]),
        place=[reports[i].place for i in first],
        point=[reports[i].point for i in first],
    )


def _group_pairs(nodes: _Nodes, radius_m: float) -> list[tuple[np.ndarray, np.ndarray, bool]]:
    """Pairs of node groups to compare: places where one contains the other (a group with
    itself included), and located nodes in neighbouring grid cells (checked by distance)."""
    groups: dict[str, list[int]] = defaultdict(list)
    for index, place in enumerate(nodes.place):
        groups[place].append(index)
    pairs = [
        (np.array(left), np.array(right), False)
        for outer, left in groups.items()
        for inner, right in groups.items()
        if _contains(outer, inner)
    ]
    cells: dict[tuple[int, int], list[int]] = defaultdict(list)
    for index, point in enumerate(nodes.point):
        if point is not None:
            cells[_cell(point, radius_m)].append(index)
    for (x, y), left in cells.items():
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                right = cells.get((x + dx, y + dy))
                if right is not None and (dx, dy) >= (0, 0):
                    pairs.append((np.array(left), np.array(right), True))
    return pairs


def _distances_m(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Haversine distances between rows of (lat, lng) arrays, in metres."""
    lat1, lng1, lat2, lng2 = (np.radians(v) for v in (a[:, 0], a[:, 1], b[:, 0], b[:, 1]))
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lng2 - lng1) / 2) ** 2
    )
    return 2 * EARTH_M * np.arcsin(np.minimum(1.0, np.sqrt(h)))


def _block_edges(
    nodes: _Nodes, left: np.ndarray, right: np.ndarray, by_distance: bool, settings: Settings
) -> Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Candidate edges (i, j, cosine) between two groups, a chunk of `left` at a time."""
    columns = nodes.vectors[right].T.tocsc()
    step = max(1, PRODUCT_CELLS // max(1, len(right)))
    for start in range(0, len(left), step):
        rows = left[start : start + step]
        product = (nodes.vectors[rows] @ columns).tocoo()
        keep = product.data >= settings.threshold
        i, j, value = rows[product.row[keep]], right[product.col[keep]], product.data[keep]
        gap = np.maximum(nodes.lo[j] - nodes.hi[i], nodes.lo[i] - nodes.hi[j])
        keep = (i != j) & (gap <= settings.window_days)
        i, j, value = i[keep], j[keep], value[keep]
        if by_distance and len(i):
            points = np.array([p if p is not None else (np.nan, np.nan) for p in nodes.point])
            keep = _distances_m(points[i], points[j]) <= settings.radius_m
            i, j, value = i[keep], j[keep], value[keep]
        yield i, j, value


def _best(i: np.ndarray, j: np.ndarray, value: np.ndarray, k: int) -> np.ndarray:
    """Positions of each node's `k` most similar candidates (ties: the lower node first)."""
    order = np.lexsort((j, -value, i))
    ranks = np.arange(len(order)) - np.searchsorted(i[order], i[order], side="left")
    return order[ranks < k]


def _candidates(nodes: _Nodes, settings: Settings, progress: Progress | None) -> sparse.csr_matrix:
    """The candidate graph over nodes: each node's best `neighbours` candidates, both ways."""
    pairs = _group_pairs(nodes, settings.radius_m)
    found_i, found_j, found_v = [], [], []
    for done, (left, right, by_distance) in enumerate(pairs, start=1):
        for i, j, value in _block_edges(nodes, left, right, by_distance, settings):
            # both directions: a node compared only as a column still gets its candidates
            i, j, value = (
                np.concatenate([i, j]),
                np.concatenate([j, i]),
                np.concatenate([value, value]),
            )
            keep = _best(i, j, value, settings.neighbours)
            found_i.append(i[keep])
            found_j.append(j[keep])
            found_v.append(value[keep])
        if progress is not None:
            progress(done, len(pairs))
    size = len(nodes.members)
    if not found_i:
        return sparse.csr_matrix((size, size))
    i, j, value = np.concatenate(found_i), np.concatenate(found_j), np.concatenate(found_v)
    keep = _best(i, j, value, settings.neighbours)
    graph = sparse.csr_matrix((np.ones(len(keep)), (i[keep], j[keep])), shape=(size, size))
    return graph.maximum(graph.T).tocsr()


def _in_place(nodes: _Nodes, seed: int, others: np.ndarray, radius_m: float) -> np.ndarray:
    """Which of `others` are in the seed's place: either place contains the other, or both
    points are within the radius (decided once per distinct place, points in numpy)."""
    place, point = nodes.place[seed], nodes.point[seed]
    verdict: dict[str, bool] = {}
    out = np.empty(len(others), dtype=bool)
    for k, other in enumerate(others.tolist()):
        there = nodes.place[other]
        if there not in verdict:
            verdict[there] = _contains(place, there) or _contains(there, place)
        out[k] = verdict[there]
    if point is not None:
        located = np.array([nodes.point[o] is not None for o in others.tolist()], dtype=bool)
        if located.any():
            at = np.array([nodes.point[o] for o in others[located].tolist()], dtype=float)
            near = _distances_m(np.repeat([point], len(at), axis=0), at) <= radius_m
            out[np.flatnonzero(located)[near]] = True
    return out


def _time_run(nodes: _Nodes, seed: int, members: np.ndarray, window: float) -> np.ndarray:
    """The members in the seed's run of time: no gap longer than the window on the way to the
    seed (a problem reported week after week stays one issue; one a year later does not)."""
    order = members[np.argsort(nodes.lo[members], kind="stable")]
    reach = np.maximum.accumulate(nodes.hi[order])
    breaks = np.flatnonzero(nodes.lo[order][1:] - reach[:-1] > window) + 1
    runs = np.split(order, breaks)
    return next(run for run in runs if seed in run)


def _centre(nodes: _Nodes, members: np.ndarray) -> np.ndarray:
    mean = np.asarray(nodes.weight[members] @ nodes.vectors[members]).ravel()
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm else mean


def _split(
    nodes: _Nodes, graph: sparse.csr_matrix, group: np.ndarray, settings: Settings
) -> list[np.ndarray]:
    """Clusters inside one connected group of candidates, grown around central seeds: a
    cluster holds the nodes in the seed's place and time run whose cosine to the cluster's
    centre reaches the threshold (the centre starts as the seed with its candidates)."""
    found, left = [], group
    while len(left):
        block = nodes.vectors[left]
        closeness = np.asarray(block @ _centre(nodes, left)).ravel() * nodes.weight[left]
        seed = int(left[int(np.argmax(closeness))])
        fits = _in_place(nodes, seed, left, settings.radius_m)
        around = np.isin(left, graph.indices[graph.indptr[seed] : graph.indptr[seed + 1]])
        members = left[(fits & around) | (left == seed)]
        for _ in range(3):  # settle: centre → members → centre
            cosine = np.asarray(block @ _centre(nodes, members)).ravel()
            chosen = left[(fits & (cosine >= settings.threshold)) | (left == seed)]
            chosen = _time_run(nodes, seed, chosen, settings.window_days)
            if np.array_equal(np.sort(chosen), np.sort(members)):
                break
            members = chosen
        found.append(members)
        left = left[~np.isin(left, members)]
    return found


def link(
    reports: Sequence[Report], settings: Settings, progress: Progress | None = None
) -> tuple[list[Cluster], sparse.csr_matrix]:
    """The clusters of at least `min_reports` reports, largest first, and the text vectors."""
    vectors = _vectors([r.text for r in reports])
    nodes = _nodes(reports, vectors, settings.window_days)
    graph = _candidates(nodes, settings, progress)
    _count, labels = connected_components(graph, directed=False)
    groups: dict[int, list[int]] = defaultdict(list)
    for node, label in enumerate(labels.tolist()):
        groups[label].append(node)
    found = []
    for group in groups.values():
        if nodes.weight[group].sum() < settings.min_reports:
            continue
        for part in _split(nodes, graph, np.array(group), settings):
            members = sorted(i for node in part.tolist() for i in nodes.members[node])
            if len(members) >= settings.min_reports:
                found.append(_cluster(members, vectors))
    found.sort(key=lambda c: (-len(c.members), c.members[0]))
    return found, vectors


def _cluster(members: list[int], vectors: sparse.csr_matrix) -> Cluster:
    block = vectors[members]
    centre = np.asarray(block.mean(axis=0)).ravel()
    closeness = np.asarray(block @ centre).ravel()
    order = sorted(range(len(members)), key=lambda k: (-closeness[k], members[k]))
    return Cluster([members[k] for k in order], [float(closeness[k]) for k in order])
