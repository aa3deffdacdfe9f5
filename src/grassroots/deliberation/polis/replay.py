"""Polis's base clusters, replayed update by update over the vote history.

Polis's math worker never clusters participants from scratch once a conversation is running:
every update (about once a second while votes arrive) starts its 100 "base clusters" from the
previous ones, which it persists (``restructure-json-conv`` in ``conv_man.clj`` keeps
``:base-clusters`` and ``:in-conv``; it does not keep ``:group-clusterings``). How it does
that is ``kmeans`` → ``clean-start-clusters`` in ``math/src/polismath/math/clusters.clj``:

1. recentre each previous cluster on its members' current positions (``safe-recenter-clusters``);
2. merge clusters whose centres became identical, keeping the id of the larger
   (``uniqify-clusters`` / ``merge-clusters``; on a tie the later one's id);
3. while there are fewer clusters than ``min(k, distinct points)``, move the point farthest
   from every centre into a new cluster with id ``max id + 1`` (``most-distal``);
4. Lloyd steps (``cluster-step``) until no centre moves 0.01 (``same-clustering?``), at most
   ``:base-iters`` = 100 more (``conversation.clj`` passes it as ``:max-iters``).

The very first clustering takes the first k distinct points in row order (``init-clusters``),
rows being participants in the order they first voted (``named_matrix.clj`` appends rows as
votes arrive and ``rowname-subset`` keeps that order). Which participants are clustered
follows ``:in-conv`` in ``conversation.clj`` (see ``history.join_order``).

Base-cluster ids therefore carry the conversation's history: merged ids vanish and split-off
points get new ones. They matter because a worker that restarts keeps the base clusters but
not the group clusterings, and then starts the groups from the first k distinct base-cluster
centres in id order. ``base_cluster_order`` replays that history from the votes' timestamps
and returns the participants in the order of their base cluster's id, which is the order
``compute_math`` needs (``join_order``) to start its groups where Polis does.

When to use it (``polis_order``): only while every distinct clustered point is its own base
cluster (at most 100 distinct points). Then the base clusters' members do not depend on the
history, only their ids do, and the replay recovers those exactly whatever the update
boundaries (1.000 on the three such red-dwarf fixtures, with pauses of 0.3-2 s taken as update
boundaries). With more distinct points the members themselves depend on where Polis's updates
fell, which the votes do not record (above-100-ptpts: 8,007 math ticks for 5,216 votes), and the
replay drifts from Polis (base-cluster ARI 0.74 and 0.90 on the two larger fixtures, group ARI
0.46 and 0.88), so there the first-distinct start in join order is kept (0.895 and 0.928).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from grassroots.deliberation.polis.history import GREEDY_N, MIN_VOTES, join_order
from grassroots.deliberation.polis.kmeans import MOVE_TOLERANCE
from grassroots.deliberation.polis.matrix import Id, VoteMatrix
from grassroots.deliberation.polis.pca import fit_project
from grassroots.deliberation.polis.polis_export import PolisExport

BASE_K = 100
BASE_ITERS = 100  # conversation.clj: :base-iters, passed to kmeans as :max-iters
TICK_MS = 1000.0  # a new update once votes pause for longer than this (Polis polls ~1/s)

IntArray = NDArray[np.intp]
Float64Array = NDArray[np.float64]


@dataclass
class _Clusters:
    """Base clusters: Polis ids and members (matrix rows), in the order Polis keeps them."""

    ids: list[int]
    members: list[IntArray]


def _centres(points: Float64Array, position: IntArray, members: list[IntArray]) -> Float64Array:
    return np.array([points[position[m]].mean(axis=0) for m in members]).reshape(-1, 2)


def _init(points: Float64Array, k: int) -> tuple[list[int], Float64Array]:
    """``init-clusters``: the first k distinct points in row order, ids 0..k-1."""
    _, first = np.unique(points, axis=0, return_index=True)
    chosen = np.sort(first)[:k]
    return list(range(chosen.size)), points[chosen]


def _clean_start(
    points: Float64Array, rows: IntArray, previous: _Clusters, k: int
) -> tuple[list[int], Float64Array]:
    """``clean-start-clusters``: recentre, merge identical centres, split off distal points;
    returns the ids and centres to start Lloyd from."""
    position = np.full(int(max(rows.max(), *(m.max() for m in previous.members))) + 1, -1)
    position[rows] = np.arange(rows.size)
    ids: list[int] = []
    members: list[IntArray] = []
    centres: list[Float64Array] = []
    index: dict[tuple[float, float], int] = {}
    for cid, mem in zip(previous.ids, previous.members, strict=True):
        present = mem[position[mem] >= 0]
        if present.size == 0:
            continue
        centre = points[position[present]].mean(axis=0)
        key = (float(centre[0]), float(centre[1]))
        same = index.get(key)
        if same is None:
            index[key] = len(ids)
            ids.append(cid)
            members.append(present)
            centres.append(centre)
            continue
        # merge-clusters: the id of the cluster with more members (the later one on a tie)
        if members[same].size <= present.size:
            ids[same] = cid
        members[same] = np.concatenate([members[same], present])
    possible = min(k, np.unique(points, axis=0).shape[0])
    centre_array = np.array(centres).reshape(-1, 2)
    while len(ids) < possible:
        dist = np.linalg.norm(points[:, None, :] - centre_array[None, :, :], axis=2).min(axis=1)
        far = dist.size - 1 - int(np.argmax(dist[::-1]))  # max-key: the last of equal maxima
        if dist[far] <= 0:
            break
        row = rows[far]
        members = [m[m != row] for m in members]
        keep = [i for i, m in enumerate(members) if m.size]
        ids = [ids[i] for i in keep] + [max(ids) + 1]
        members = [members[i] for i in keep] + [np.array([row], dtype=np.intp)]
        centre_array = _centres(points, position, members)
    return ids, centre_array


def _lloyd(
    points: Float64Array, rows: IntArray, ids: list[int], centres: Float64Array, max_iter: int
) -> _Clusters:
    """``cluster-step`` until ``same-clustering?`` (centres, sorted, move < 0.01)."""
    for step in range(max_iter + 1):
        labels = np.argmin(np.linalg.norm(points[:, None, :] - centres[None, :, :], axis=2), axis=1)
        used = np.flatnonzero(np.bincount(labels, minlength=len(ids)) > 0)
        new = np.array([points[labels == j].mean(axis=0) for j in used]).reshape(-1, 2)
        ids = [ids[j] for j in used]
        members = [rows[labels == j] for j in used]
        old = centres
        centres = new
        if step == max_iter or _same(old, new):
            break
    order = np.argsort(ids, kind="stable")
    return _Clusters([ids[i] for i in order], [members[i] for i in order])


def _same(a: Float64Array, b: Float64Array) -> bool:
    sa = a[np.lexsort((a[:, 1], a[:, 0]))]
    sb = b[np.lexsort((b[:, 1], b[:, 0]))]
    n = min(len(sa), len(sb))  # Clojure's zip stops at the shorter
    return bool(np.all(np.linalg.norm(sa[:n] - sb[:n], axis=1) < MOVE_TOLERANCE))


def polis_kmeans(
    points: Float64Array, rows: IntArray, previous: _Clusters | None, k: int = BASE_K
) -> _Clusters:
    """Polis's ``kmeans`` on ``points`` (rows = their matrix rows, in row order)."""
    if previous is None or not previous.members:
        ids, centres = _init(points, k)
    else:
        ids, centres = _clean_start(points, rows, previous, k)
    return _lloyd(points, rows, ids, centres, BASE_ITERS)


def ticks(times: Sequence[float], gap_ms: float = TICK_MS) -> list[int]:
    """End index of each update: votes are batched until they pause for more than gap_ms."""
    ends = [i for i in range(1, len(times)) if times[i] - times[i - 1] > gap_ms]
    return [*ends, len(times)]


def base_cluster_order(
    votes: Sequence[tuple[Id, Id, float]],
    times: Sequence[float],
    mod_out: Iterable[Id] = (),
    gap_ms: float = TICK_MS,
    min_votes: int = MIN_VOTES,
    greedy_n: int = GREEDY_N,
) -> list[Id]:
    """Participants in the order of the Polis base cluster they end in (ids ascending; members
    in row order), replaying Polis's updates over votes given in time order with their times
    (ms). ``mod_out`` (moderated-out and meta statements) is applied throughout."""
    matrix = VoteMatrix()
    excluded = set(mod_out)
    joined: set[Id] = set()
    clusters: _Clusters | None = None
    start = 0
    for end in ticks(times, gap_ms):
        for participant, statement, vote in votes[start:end]:
            matrix.set_vote(participant, statement, vote)
        start = end
        raw = matrix.values
        rating = _rating(matrix, excluded)
        _pca, projections = fit_project(rating)
        rows = _in_conv_rows(raw, matrix.participant_ids, joined, min_votes, greedy_n)
        if rows.size:
            clusters = polis_kmeans(projections[rows], rows, clusters)
    if clusters is None:
        return []
    pids = matrix.participant_ids
    return [pids[r] for mem in clusters.members for r in np.sort(mem).tolist()]


def _rating(matrix: VoteMatrix, excluded: set[Id]) -> NDArray[np.float32]:
    """The vote matrix with moderated-out columns zeroed (``zero-out-columns``)."""
    rating = matrix.values.copy()
    cols = [c for c in (matrix.col_of(s) for s in excluded) if c is not None]
    rating[:, cols] = 0.0
    return rating


def _in_conv_rows(
    raw: NDArray[np.float32], pids: list[Id], joined: set[Id], min_votes: int, greedy_n: int
) -> IntArray:
    """``:in-conv`` in conversation.clj: once in, always in; min(7, columns) votes; top
    voters while fewer than 15 are in. Updates ``joined``; returns the rows, in row order."""
    counts = (~np.isnan(raw)).sum(axis=1)
    needed = min(min_votes, raw.shape[1])
    joined.update(pids[i] for i in np.flatnonzero(counts >= needed).tolist())
    if len(joined) < greedy_n:
        waiting = [i for i in np.argsort(-counts, kind="stable").tolist() if pids[i] not in joined]
        joined.update(pids[i] for i in waiting[: greedy_n - len(joined)])
    return np.array([i for i, p in enumerate(pids) if p in joined], dtype=np.intp)


def polis_order(
    votes: Sequence[tuple[Id, Id, float]],
    times: Sequence[float],
    mod_out: Iterable[Id] = (),
    base_k: int = BASE_K,
) -> list[Id]:
    """The order to give ``compute_math`` as ``join_order`` (and ``in_conv``): Polis's
    base-cluster order when the replay is exact (at most ``base_k`` distinct clustered points,
    see the module docstring), else ``history.join_order``. Votes in time order, times in ms."""
    order = join_order(votes)
    if not order or len(times) != len(votes):
        return order
    matrix = VoteMatrix.from_votes(votes)
    rating = _rating(matrix, set(mod_out))
    _pca, projections = fit_project(rating)
    rows = [r for r in (matrix.row_of(p) for p in order) if r is not None]
    if np.unique(projections[rows], axis=0).shape[0] > base_k:
        return order
    replayed = base_cluster_order(votes, times, mod_out)
    seen = set(replayed)
    return [*replayed, *(p for p in order if p not in seen)]


def polis_order_kwargs(export: PolisExport) -> dict[str, list[Id]]:
    """``join_order`` and ``in_conv`` for ``compute_math`` on a Polis API export."""
    order = polis_order(export.votes, export.times, export.mod_out | export.meta)
    return {"join_order": order, "in_conv": order}
