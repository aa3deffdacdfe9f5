"""Agreement with the Polis server's own math output (red-dwarf fixtures, ../shared/data)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from grassroots.deliberation.polis import (
    GroupVotes,
    MathOptions,
    PolisExport,
    VoteMatrix,
    adjusted_rand,
    compute_math,
    load_polis_export,
)
from grassroots.deliberation.polis.engine import MathResult
from grassroots.deliberation.polis.replay import polis_order_kwargs
from grassroots.deliberation.polis.stats import (
    comment_priorities,
    group_aware_consensus,
    select_consensus,
    select_repness,
)

FIXTURES = [
    "below-100-ptpts",
    "25ptpt-3gp-no-strict-with-meta",
    "50ptpt-3gp-strict-no-meta",
    "above-100-ptpts",
    "150ptpt-3gp-no-strict-no-meta",
]
# The API export of this one lacks some votes (red-dwarf notes the same), so the PCA cannot be
# exact there; everything computed from grouped participants' votes still is.
MISSING_VOTES = "50ptpt-3gp-strict-no-meta"
# ARI of our clustering against Polis's group-clusters, with Polis's base-cluster order
# replayed from the votes' timestamps where that replay is exact (at most 100 distinct
# clustered points; replay.polis_order) and the join order otherwise, as measured: 1.000,
# 1.000, 1.000, 0.895, 0.928 (before the replay: 1.000, 0.633, 1.000, 0.895, 0.928). The
# larger two depend on where Polis's updates fell, which the votes do not record, and
# above-100-ptpts has 31 participants in Polis's in-conv with 1-6 votes that no version of
# Polis's in-conv rule we could find admits (docs/domain/deliberation-math.md).
ARI_FLOOR = {
    "below-100-ptpts": 0.99,
    "25ptpt-3gp-no-strict-with-meta": 0.99,
    "50ptpt-3gp-strict-no-meta": 0.99,
    "above-100-ptpts": 0.85,
    "150ptpt-3gp-no-strict-no-meta": 0.9,
}

# Share of Polis's representative statements that our matched group also selects, measured:
# 11/11, 14/14, 12/12, 14/16, 15/15 (same order as FIXTURES; 25ptpt was 9/14 before the replay).
REPNESS_FLOOR = {
    "below-100-ptpts": 0.99,
    "25ptpt-3gp-no-strict-with-meta": 0.99,
    "50ptpt-3gp-strict-no-meta": 0.99,
    "above-100-ptpts": 0.85,
    "150ptpt-3gp-no-strict-no-meta": 0.99,
}


@pytest.fixture(scope="module", params=FIXTURES)
def fixture(request: pytest.FixtureRequest, shared_data: Path) -> tuple[str, PolisExport]:
    return request.param, load_polis_export(
        shared_data / "polis/red-dwarf-fixtures" / request.param
    )


def _setup(export: PolisExport) -> tuple[VoteMatrix, list[int], np.ndarray, np.ndarray]:
    """Matrix, Polis's tids, the raw (tids) columns and Polis's group label per row."""
    math = export.math
    assert math is not None
    matrix = VoteMatrix.from_votes(export.votes)
    tids = math["tids"]
    raw = matrix.values[:, np.array([matrix.col_of(t) for t in tids], dtype=np.intp)]
    members = dict(zip(math["base-clusters"]["id"], math["base-clusters"]["members"], strict=True))
    labels = np.full(matrix.shape[0], -1)
    for group in math["group-clusters"]:
        for base in group["members"]:
            for pid in members[base]:
                labels[matrix.row_of(pid)] = group["id"]
    return matrix, tids, raw, labels


def _ours(export: PolisExport) -> MathResult:
    """Our math, with Polis's base-cluster order replayed from the votes' timestamps."""
    cached = _RESULTS.get(id(export))
    if cached is not None and cached[0] is export:  # the replay takes seconds; tests share it
        return cached[1]
    result = compute_math(
        VoteMatrix.from_votes(export.votes),
        mod_out=export.mod_out,
        meta=export.meta,
        **polis_order_kwargs(export),
        options=MathOptions(),
    )
    _RESULTS[id(export)] = (export, result)  # holding the export keeps its id unique
    return result


_RESULTS: dict[int, tuple[PolisExport, MathResult]] = {}


def test_pca_matches_polis_up_to_sign(fixture: tuple[str, PolisExport]) -> None:
    name, export = fixture
    math = export.math
    assert math is not None
    result = _ours(export)
    assert result.tids == math["tids"]
    tol = 0.05 if name == MISSING_VOTES else 1e-9
    for i in range(2):
        expected = np.array(math["pca"]["comps"][i])
        sign = np.sign(expected @ result.pca.comps[i])
        assert np.abs(result.pca.comps[i] * sign - expected).max() < tol
    # Polis codes agree as -1 internally, so its centre is our centre negated.
    assert np.abs(-result.pca.center - np.array(math["pca"]["center"])).max() < tol
    extremity = np.array(math["pca"]["comment-extremity"])
    assert np.abs(result.pca.comment_extremity() - extremity).max() < (
        0.2 if name == MISSING_VOTES else 1e-9
    )


def test_projections_match_polis_base_clusters(fixture: tuple[str, PolisExport]) -> None:
    name, export = fixture
    if name == MISSING_VOTES:
        pytest.skip("export lacks votes, projections cannot be exact")
    math = export.math
    assert math is not None
    result = _ours(export)
    base = math["base-clusters"]
    index = {p: i for i, p in enumerate(result.participant_ids)}
    ours = np.array(
        [
            result.projections[[index[p] for p in members]].mean(axis=0)
            for members in base["members"]
        ]
    )
    theirs = np.array([base["x"], base["y"]]).T
    signs = np.sign((ours * theirs).sum(axis=0))
    assert np.abs(ours * signs - theirs).max() < 1e-9


def test_statistics_match_polis_given_its_groups(fixture: tuple[str, PolisExport]) -> None:
    """With Polis's own grouping, every statistic is reproduced (to float32 rounding)."""
    _, export = fixture
    math = export.math
    assert math is not None
    _, tids, raw, labels = _setup(export)
    votes = GroupVotes.count(raw, labels, len(math["group-clusters"]))
    for g in range(votes.n_groups):
        for j, t in enumerate(tids):
            expected = math["group-votes"][str(g)]["votes"][str(t)]
            assert expected == {
                "A": votes.agree[g, j],
                "D": votes.disagree[g, j],
                "S": votes.seen[g, j],
            }
    agree, _ = group_aware_consensus(votes)
    expected_gac = np.array([math["group-aware-consensus"][str(t)] for t in tids])
    np.testing.assert_allclose(agree, expected_gac, rtol=1e-12)
    excluded = np.array([t in export.mod_out for t in tids])
    repness = select_repness(votes, tids, excluded)
    for g, rows in enumerate(repness):
        expected_rows = math["repness"][str(g)]
        assert [r["tid"] for r in rows] == [r["tid"] for r in expected_rows]
        for ours, theirs in zip(rows, expected_rows, strict=True):
            assert ours["repful-for"] == theirs["repful-for"]
            assert ours["n-success"] == theirs["n-success"]
            for key in ("p-success", "p-test", "repness", "repness-test"):
                assert ours[key] == pytest.approx(theirs[key], rel=1e-6)
    everyone = GroupVotes.count(raw, np.zeros(raw.shape[0], dtype=np.intp), 1)
    consensus = select_consensus(
        (everyone.agree[0], everyone.disagree[0], everyone.seen[0]), tids, excluded
    )
    for key in ("agree", "disagree"):
        assert [r["tid"] for r in consensus[key]] == [r["tid"] for r in math["consensus"][key]]


def test_comment_priorities_match_polis(fixture: tuple[str, PolisExport]) -> None:
    name, export = fixture
    if name == MISSING_VOTES:
        pytest.skip("extremity depends on the PCA, which the missing votes change")
    math = export.math
    assert math is not None
    _, tids, raw, labels = _setup(export)
    votes = GroupVotes.count(raw, labels, len(math["group-clusters"]))
    totals = (votes.agree.sum(0), votes.disagree.sum(0), votes.seen.sum(0))
    is_meta = np.array([t in export.meta for t in tids])
    ours = comment_priorities(totals, _ours(export).pca.comment_extremity(), is_meta)
    expected = np.array([math["comment-priorities"][str(t)] for t in tids])
    np.testing.assert_allclose(ours, expected, rtol=1e-9)


def _polis_groups(export: PolisExport) -> dict[int, int]:
    math = export.math
    assert math is not None
    members = dict(zip(math["base-clusters"]["id"], math["base-clusters"]["members"], strict=True))
    return {p: g["id"] for g in math["group-clusters"] for b in g["members"] for p in members[b]}


def test_our_clustering_agrees_with_polis(fixture: tuple[str, PolisExport]) -> None:
    name, export = fixture
    result = _ours(export)
    ari = adjusted_rand(result.group_of(), _polis_groups(export))
    assert ari >= ARI_FLOOR[name], f"{name}: ARI {ari:.3f}"


def test_our_repness_overlaps_polis(fixture: tuple[str, PolisExport]) -> None:
    """Matching each of our groups to the Polis group sharing most members, most of that
    group's representative statements are among ours; it tracks the ARI above."""
    name, export = fixture
    math = export.math
    assert math is not None
    result = _ours(export)
    ours, theirs = result.group_of(), _polis_groups(export)
    k_ours, k_theirs = result.n_groups, len(math["group-clusters"])
    overlap = np.zeros((k_ours, k_theirs))
    for pid, g in ours.items():
        if pid in theirs:
            overlap[g, theirs[pid]] += 1
    rows, cols = linear_sum_assignment(-overlap)
    hits = total = 0
    for g, h in zip(rows.tolist(), cols.tolist(), strict=True):
        mine = {r["tid"] for r in result.repness[g]}
        expected = {r["tid"] for r in math["repness"][str(h)]}
        hits += len(mine & expected)
        total += len(expected)
    assert hits / total >= REPNESS_FLOOR[name], f"{name}: {hits}/{total}"
