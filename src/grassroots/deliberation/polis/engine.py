"""The full Polis math pass over a vote matrix, and its JSON-ready result."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from grassroots.deliberation.polis.clustering import (
    BASE_K,
    MAX_K,
    Clustering,
    ClusterMemory,
    Start,
    cluster_points,
)
from grassroots.deliberation.polis.history import GREEDY_N, MIN_VOTES
from grassroots.deliberation.polis.matrix import FloatMatrix, Id, VoteMatrix
from grassroots.deliberation.polis.pca import PcaResult, fit_project
from grassroots.deliberation.polis.stats import (
    GroupVotes,
    comment_priorities,
    group_aware_consensus,
    select_consensus,
    select_repness,
)

Float64Array = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.intp]


@dataclass
class MathOptions:
    """Tunables; the defaults are Polis's."""

    seed: int = 0  # used by start="best"
    base_k: int = BASE_K
    max_k: int = MAX_K
    force_k: int | None = None
    min_votes: int = MIN_VOTES
    greedy_n: int = GREEDY_N
    start: str = "polis"  # first clustering: "polis" (Polis's init-clusters) or "best"


@dataclass
class MathResult:
    """Everything one full recompute produces. Arrays are indexed like ``participant_ids``
    (rows) and ``tids`` (statement columns that have at least one vote)."""

    participant_ids: list[Id]
    tids: list[Id]
    projections: Float64Array  # (n, 2)
    user_vote_counts: NDArray[np.int64]  # (n,) raw votes cast, moderated statements included
    in_conv: BoolArray  # (n,)
    labels: IntArray  # (n,) group of each participant, -1 when not clustered
    pca: PcaResult
    clustering: Clustering
    group_votes: GroupVotes
    gac_agree: Float64Array
    gac_disagree: Float64Array
    repness: list[list[dict[str, Any]]]
    consensus: dict[str, list[dict[str, Any]]]
    priorities: Float64Array
    mod_out: BoolArray  # (m,) moderated-out or meta
    is_meta: BoolArray  # (m,)
    memory: ClusterMemory = field(default_factory=ClusterMemory)

    @property
    def n_groups(self) -> int:
        """Number of opinion groups."""
        return self.group_votes.n_groups

    def group_of(self) -> dict[Id, int]:
        """Participant id → group index, for clustered participants only."""
        return {
            self.participant_ids[i]: int(self.labels[i]) for i in np.flatnonzero(self.labels >= 0)
        }

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-serialisable dict shaped like Polis's ``math/pca2`` output."""
        return _result_to_dict(self)


def _active_columns(raw_all: FloatMatrix) -> IntArray:
    """Statements with at least one vote: Polis's rating matrix only has those columns."""
    return np.flatnonzero((~np.isnan(raw_all)).any(axis=0)).astype(np.intp)


def in_conv_mask(
    counts: NDArray[np.int64],
    n_statements: int,
    previous: BoolArray,
    forced: BoolArray,
    options: MathOptions,
) -> BoolArray:
    """Polis's in-conv rule: once in, always in; min(7, #statements) votes gets you in; while
    fewer than 15 are in, the most active voters are added; plus any forced participants."""
    mask = previous | forced | (counts >= min(options.min_votes, n_statements))
    mask &= counts > 0
    missing = options.greedy_n - int(mask.sum())
    if missing > 0:
        # Stable sort: equal counts keep participant order, like Clojure's sort-by.
        candidates = [i for i in np.argsort(-counts, kind="stable") if not mask[i] and counts[i]]
        mask[candidates[:missing]] = True
    return mask


def compute_math(
    matrix: VoteMatrix,
    mod_out: Collection[Id] = (),
    meta: Collection[Id] = (),
    in_conv: Iterable[Id] = (),
    force_include: Iterable[Id] = (),
    options: MathOptions | None = None,
    previous_comps: Float64Array | None = None,
    memory: ClusterMemory | None = None,
    join_order: Sequence[Id] = (),
) -> MathResult:
    """Run PCA, clustering, repness, consensus and priorities on the whole matrix.

    ``previous_comps`` and ``memory`` come from the previous result of the same conversation;
    with them the components keep their orientation and the clusters evolve as in Polis.
    ``join_order`` (see ``history.join_order``) orders the clustered participants as Polis
    does: its k-means starts from the first distinct points in that order. Participants not
    in it come after, in matrix order.
    """
    options = options or MathOptions()
    raw_all = matrix.values
    cols = _active_columns(raw_all)
    all_sids = matrix.statement_ids
    tids = [all_sids[c] for c in cols]
    raw = raw_all[:, cols]
    meta_set, out_set = set(meta), set(mod_out) | set(meta)
    excluded = np.array([t in out_set for t in tids], dtype=bool)
    is_meta = np.array([t in meta_set for t in tids], dtype=bool)
    # Polis zeroes moderated columns for everyone: they stop shaping the PCA but still count
    # as "votes" in the sparsity scaling, which we keep for parity.
    rating = raw.copy()
    rating[:, excluded] = 0.0
    pca, projections = fit_project(rating, previous_comps)
    counts = (~np.isnan(raw)).sum(axis=1).astype(np.int64)
    pids = matrix.participant_ids
    inconv = in_conv_mask(
        counts, len(tids), _mask_of(pids, in_conv), _mask_of(pids, force_include), options
    )
    rows = _in_join_order(np.flatnonzero(inconv), pids, join_order)
    clustering, new_memory = cluster_points(
        projections[rows],
        rows,
        memory,
        options.base_k,
        options.max_k,
        options.force_k,
        Start(options.start, options.seed),
    )
    labels = np.full(len(pids), -1, dtype=np.intp)
    labels[rows] = clustering.labels
    result = _statement_stats(
        pids, tids, projections, counts, inconv, labels, pca, clustering, raw, excluded, is_meta
    )
    result.memory = new_memory
    return result


def _in_join_order(rows: IntArray, pids: list[Id], order: Sequence[Id]) -> IntArray:
    if not order:
        return rows
    rank = {p: i for i, p in enumerate(order)}
    late = len(rank)
    keys = [(rank.get(pids[r], late), r) for r in rows.tolist()]
    return np.array([r for _key, r in sorted(keys)], dtype=np.intp)


def _mask_of(pids: list[Id], chosen: Iterable[Id]) -> BoolArray:
    wanted = set(chosen)
    return np.array([p in wanted for p in pids], dtype=bool)


def _statement_stats(
    pids: list[Id],
    tids: list[Id],
    projections: Float64Array,
    counts: NDArray[np.int64],
    inconv: BoolArray,
    labels: IntArray,
    pca: PcaResult,
    clustering: Clustering,
    raw: FloatMatrix,
    excluded: BoolArray,
    is_meta: BoolArray,
) -> MathResult:
    group_votes = GroupVotes.count(raw, labels, clustering.k)
    gac_agree, gac_disagree = group_aware_consensus(group_votes)
    everyone = GroupVotes.count(raw, np.zeros(len(pids), dtype=np.intp), 1)
    totals = (everyone.agree[0], everyone.disagree[0], everyone.seen[0])
    grouped = (group_votes.agree.sum(0), group_votes.disagree.sum(0), group_votes.seen.sum(0))
    return MathResult(
        participant_ids=pids,
        tids=tids,
        projections=projections,
        user_vote_counts=counts,
        in_conv=inconv,
        labels=labels,
        pca=pca,
        clustering=clustering,
        group_votes=group_votes,
        gac_agree=gac_agree,
        gac_disagree=gac_disagree,
        repness=select_repness(group_votes, tids, excluded) if clustering.k else [],
        consensus=select_consensus(totals, tids, excluded),
        priorities=comment_priorities(grouped, pca.comment_extremity(), is_meta),
        mod_out=excluded,
        is_meta=is_meta,
    )


def json_id(value: Id) -> Any:
    """An id as a JSON scalar (ints and strings pass through; anything else becomes str)."""
    if isinstance(value, bool | np.bool_):
        return str(value)
    if isinstance(value, int | np.integer):
        return int(value)
    return value if isinstance(value, str) else str(value)


def _result_to_dict(r: MathResult) -> dict[str, Any]:
    tids = [json_id(t) for t in r.tids]
    pids = [json_id(p) for p in r.participant_ids]
    rows = np.flatnonzero(r.in_conv)
    base_members: list[list[Any]] = [[] for _ in range(r.clustering.base_centers.shape[0])]
    for row, base in zip(rows.tolist(), r.clustering.base_labels.tolist(), strict=True):
        base_members[base].append(pids[row])
    groups = r.clustering.base_groups
    gv = r.group_votes
    return {
        "n": len(pids),
        "n-cmts": len(tids),
        "tids": tids,
        "mod-out": [t for t, x in zip(tids, r.mod_out.tolist(), strict=True) if x],
        "meta-tids": [t for t, x in zip(tids, r.is_meta.tolist(), strict=True) if x],
        "in-conv": [pids[i] for i in rows.tolist()],
        "user-vote-counts": {
            str(p): int(c) for p, c in zip(pids, r.user_vote_counts.tolist(), strict=True)
        },
        "pca": {
            "center": r.pca.center.tolist(),
            "comps": r.pca.comps.tolist(),
            "comment-projection": r.pca.comment_projection().tolist(),
            "comment-extremity": r.pca.comment_extremity().tolist(),
        },
        "participants": {
            "ids": pids,
            "x": r.projections[:, 0].tolist(),
            "y": r.projections[:, 1].tolist(),
            "group": [int(g) if g >= 0 else None for g in r.labels.tolist()],
        },
        "base-clusters": {
            "id": list(range(len(base_members))),
            "members": base_members,
            "x": r.clustering.base_centers[:, 0].tolist(),
            "y": r.clustering.base_centers[:, 1].tolist(),
            "count": r.clustering.base_counts.tolist(),
        },
        "group-clusters": [
            {
                "id": g,
                "members": np.flatnonzero(groups == g).tolist(),
                "center": r.clustering.group_centers[g].tolist(),
            }
            for g in range(r.clustering.k)
        ],
        "silhouettes": {str(k): v for k, v in r.clustering.silhouettes.items()},
        "group-votes": {
            str(g): {
                "n-members": int((r.labels == g).sum()),
                "votes": {
                    str(t): {
                        "A": int(gv.agree[g, j]),
                        "D": int(gv.disagree[g, j]),
                        "S": int(gv.seen[g, j]),
                    }
                    for j, t in enumerate(tids)
                },
            }
            for g in range(gv.n_groups)
        },
        "group-aware-consensus": _per_tid(tids, r.gac_agree) if gv.n_groups else {},
        "group-aware-consensus-disagree": _per_tid(tids, r.gac_disagree) if gv.n_groups else {},
        "repness": {
            str(g): [{**row, "tid": json_id(row["tid"])} for row in rows_]
            for g, rows_ in enumerate(r.repness)
        },
        "consensus": {
            k: [{**row, "tid": json_id(row["tid"])} for row in v] for k, v in r.consensus.items()
        },
        "comment-priorities": _per_tid(tids, r.priorities),
    }


def _per_tid(tids: list[Any], values: Float64Array) -> dict[str, float]:
    return {str(t): float(v) for t, v in zip(tids, values.tolist(), strict=True)}
