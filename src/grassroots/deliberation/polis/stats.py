"""Per-statement statistics: group votes, representativeness, consensus and priorities.

All formulas follow polismath (``repness.clj``, ``stats.clj``, ``conversation.clj``): Laplace
pseudocounts of +1/+2 on every proportion, one- and two-proportion z-tests, significance at
z > 1.2816 (90 % one-sided), and the same selection rules and tie orders.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from grassroots.deliberation.polis.matrix import FloatMatrix, Id

Z_90 = 1.2816
PICK_MAX = 5
META_PRIORITY = 7.0

Float64Array = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass
class GroupVotes:
    """Vote counts per group and statement (K, m): agrees, disagrees, all cast votes."""

    agree: IntArray
    disagree: IntArray
    seen: IntArray

    @classmethod
    def count(cls, raw: FloatMatrix, labels: NDArray[np.intp], n_groups: int) -> GroupVotes:
        """Count votes of the rows of ``raw`` by their group label (rows labelled -1 ignored)."""
        shape = (n_groups, raw.shape[1])
        agree, disagree, seen = (np.zeros(shape, dtype=np.int64) for _ in range(3))
        for g in range(n_groups):
            block = raw[labels == g]
            agree[g] = np.count_nonzero(block == 1, axis=0)
            disagree[g] = np.count_nonzero(block == -1, axis=0)
            seen[g] = block.shape[0] - np.count_nonzero(np.isnan(block), axis=0)
        return cls(agree, disagree, seen)

    @property
    def n_groups(self) -> int:
        """Number of groups K."""
        return int(self.seen.shape[0])


def prop_test(succ: Float64Array, n: Float64Array) -> Float64Array:
    """One-proportion z-score against 1/2, with Polis's +1 pseudocounts."""
    succ1, n1 = succ + 1.0, n + 1.0
    return np.asarray(2.0 * np.sqrt(n1) * (succ1 / n1 - 0.5), dtype=np.float64)


def two_prop_test(
    succ_in: Float64Array, succ_out: Float64Array, n_in: Float64Array, n_out: Float64Array
) -> Float64Array:
    """Two-proportion z-score (in-group vs rest), with Polis's +1 pseudocounts."""
    s_in, s_out, p_in, p_out = succ_in + 1.0, succ_out + 1.0, n_in + 1.0, n_out + 1.0
    pi_hat = (s_in + s_out) / (p_in + p_out)
    denom = np.sqrt(pi_hat * (1.0 - pi_hat) * (1.0 / p_in + 1.0 / p_out))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (s_in / p_in - s_out / p_out) / denom
    # Polis returns 0 when every vote is a success (pi_hat == 1) rather than dividing by zero.
    return np.asarray(np.where(pi_hat == 1.0, 0.0, z), dtype=np.float64)


def group_aware_consensus(votes: GroupVotes) -> tuple[Float64Array, Float64Array]:
    """Per statement, the product over groups of P(agree) and of P(disagree), smoothed."""
    seen = votes.seen + 2.0
    agree = np.prod((votes.agree + 1.0) / seen, axis=0)
    disagree = np.prod((votes.disagree + 1.0) / seen, axis=0)
    return np.asarray(agree, dtype=np.float64), np.asarray(disagree, dtype=np.float64)


def comment_priorities(
    totals: tuple[IntArray, IntArray, IntArray],
    extremity: Float64Array,
    is_meta: NDArray[np.bool_],
) -> Float64Array:
    """Polis's comment priority: (importance × newness)², meta statements fixed at 7²."""
    agree, disagree, seen = (np.asarray(t, dtype=np.float64) for t in totals)
    passes = seen - agree - disagree
    importance = (1.0 - (passes + 1.0) / (seen + 2.0)) * (extremity + 1.0)
    importance *= (agree + 1.0) / (seen + 2.0)
    # New statements get up to 9× so that they collect votes quickly.
    newness = 1.0 + 8.0 * np.power(2.0, seen / -5.0)
    priority = np.where(is_meta, META_PRIORITY, importance * newness)
    return np.asarray(priority**2, dtype=np.float64)


# representativeness ----------------------------------------------------------------------
def _finalize(tid: Id, s: dict[str, float]) -> dict[str, Any]:
    agree = s["rat"] > s["rdt"]
    key = "a" if agree else "d"
    return {
        "tid": tid,
        "n-success": int(s["n" + key]),
        "n-trials": int(s["ns"]),
        "p-success": float(s["p" + key]),
        "p-test": float(s["p" + key + "t"]),
        "repness": float(s["r" + key]),
        # Polis casts this one value to a Java float; we keep that rounding for parity.
        "repness-test": float(np.float32(s["r" + key + "t"])),
        "repful-for": "agree" if agree else "disagree",
    }


def _passes(s: dict[str, float]) -> bool:
    return (s["rat"] > Z_90 and s["pat"] > Z_90) or (s["rdt"] > Z_90 and s["pdt"] > Z_90)


def _beats_best_agree(s: dict[str, float], best: dict[str, float] | None) -> bool:
    if s["na"] == 0 and s["nd"] == 0:
        return False
    if best is not None and best["ra"] > 1.0:
        return s["ra"] * s["rat"] * s["pa"] * s["pat"] > (
            best["ra"] * best["rat"] * best["pa"] * best["pat"]
        )
    if best is not None:
        return s["pa"] * s["pat"] > best["pa"] * best["pat"]
    return s["pat"] > Z_90 or (s["ra"] > 1.0 and s["pa"] > 0.5)


def _metric(row: dict[str, Any]) -> float:
    return float(row["repness"] * row["repness-test"] * row["p-success"] * row["p-test"])


def repness_stats(votes: GroupVotes) -> dict[str, Float64Array]:
    """Arrays (K, m) of na, nd, ns, pa, pd, pat, pdt, ra, rd, rat, rdt."""
    na, nd, ns = (
        np.asarray(a, dtype=np.float64) for a in (votes.agree, votes.disagree, votes.seen)
    )
    rna, rnd, rns = na.sum(0) - na, nd.sum(0) - nd, ns.sum(0) - ns
    pa, pd = (na + 1) / (ns + 2), (nd + 1) / (ns + 2)
    return {
        "na": na,
        "nd": nd,
        "ns": ns,
        "pa": pa,
        "pd": pd,
        "pat": prop_test(na, ns),
        "pdt": prop_test(nd, ns),
        "ra": pa / ((rna + 1) / (rns + 2)),
        "rd": pd / ((rnd + 1) / (rns + 2)),
        "rat": two_prop_test(na, rna, ns, rns),
        "rdt": two_prop_test(nd, rnd, ns, rns),
    }


def select_repness(
    votes: GroupVotes, tids: Sequence[Id], excluded: NDArray[np.bool_]
) -> list[list[dict[str, Any]]]:
    """Representative statements of each group, selected exactly as Polis does."""
    stats = repness_stats(votes)
    result: list[list[dict[str, Any]]] = []
    for g in range(votes.n_groups):
        rows = [
            (tids[j], {k: float(v[g, j]) for k, v in stats.items()})
            for j in range(len(tids))
            if not excluded[j]
        ]
        result.append(_select_for_group(rows))
    return result


def _select_for_group(rows: list[tuple[Id, dict[str, float]]]) -> list[dict[str, Any]]:
    sufficient: list[dict[str, Any]] = []
    best: dict[str, Any] | None = None
    best_agree: tuple[Id, dict[str, float]] | None = None
    for tid, s in rows:
        if _passes(s):
            sufficient.append(_finalize(tid, s))
        if not sufficient and (best is None or max(s["rat"], s["rdt"]) > best["repness-test"]):
            best = _finalize(tid, s)
        if _beats_best_agree(s, None if best_agree is None else best_agree[1]):
            best_agree = (tid, s)
    head: list[dict[str, Any]] = []
    if best_agree is not None:
        head = [{**_finalize(*best_agree), "n-agree": int(best_agree[1]["na"]), "best-agree": True}]
    elif best is not None:
        head = [best]
    if not sufficient:
        return head
    agree_tid = None if best_agree is None else best_agree[0]
    rest = [row for row in sufficient if best_agree is None or row["tid"] != agree_tid]
    rest.sort(key=lambda row: -_metric(row))  # stable, like Clojure's sort-by
    chosen = (head if best_agree is not None else []) + rest
    chosen = chosen[:PICK_MAX]
    return [r for r in chosen if r["repful-for"] == "agree"] + [
        r for r in chosen if r["repful-for"] == "disagree"
    ]


def select_consensus(
    totals: tuple[IntArray, IntArray, IntArray], tids: Sequence[Id], excluded: NDArray[np.bool_]
) -> dict[str, list[dict[str, Any]]]:
    """Statements most agreed (or disagreed) with by everyone, as Polis's ``consensus``."""
    na, nd, ns = (np.asarray(t, dtype=np.float64) for t in totals)
    out: dict[str, list[dict[str, Any]]] = {}
    for name, succ in (("agree", na), ("disagree", nd)):
        prob, test = (succ + 1) / (ns + 2), prop_test(succ, ns)
        ok = np.flatnonzero((prob > 0.5) & (test > Z_90) & ~excluded)
        ranked = sorted(ok.tolist(), key=lambda j: -prob[j] * test[j])[:PICK_MAX]
        out[name] = [
            {
                "tid": tids[j],
                "n-success": int(succ[j]),
                "n-trials": int(ns[j]),
                "p-success": float(prob[j]),
                "p-test": float(test[j]),
            }
            for j in ranked
        ]
    return out
