"""Engine behaviour on synthetic data (no shared data needed)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from grassroots.deliberation.polis import (
    Conversation,
    GroupVotes,
    VoteMatrix,
    cluster_participants_votes,
    compute_math,
    read_comments,
    read_participants_votes,
    read_votes_csv,
    write_comments_csv,
    write_participants_votes,
    write_votes_csv,
)
from grassroots.deliberation.polis.history import join_order
from grassroots.deliberation.polis.stats import group_aware_consensus, prop_test, two_prop_test
from grassroots.deliberation.polis.synthetic import planted_votes


def _matrix(
    n: int = 300, m: int = 40, groups: int = 3, seed: int = 0
) -> tuple[VoteMatrix, np.ndarray]:
    s = planted_votes(n, m, groups, votes_per_participant=25, seed=seed)
    return VoteMatrix.from_arrays(s.participants, s.statements, s.votes), s.groups


def test_last_vote_wins_and_ids_sorted() -> None:
    m = VoteMatrix.from_votes([(2, "b", 1), (1, "a", -1), (2, "b", -1), (2, "a", 0)])
    assert m.participant_ids == [1, 2]
    assert m.get(2, "b") == -1
    assert m.get(2, "a") == 0
    assert m.get(1, "b") is None
    assert m.n_votes == 3
    with pytest.raises(ValueError):
        m.set_vote(1, "a", 2)


# Three opinion groups always fit in the 2-D map; four random ones can overlap in 2-D, which
# is a limit of Polis's two-component PCA rather than of the clustering.
@pytest.mark.parametrize("groups", [2, 3])
def test_planted_groups_are_recovered(groups: int) -> None:
    matrix, truth = _matrix(groups=groups, seed=groups)
    result = compute_math(matrix)
    assert result.n_groups == groups
    clustered = result.in_conv
    assert adjusted_rand_score(truth[clustered], result.labels[clustered]) > 0.95


def test_deterministic_given_seed() -> None:
    matrix, _ = _matrix()
    a, b = compute_math(matrix).to_dict(), compute_math(matrix).to_dict()
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def test_result_is_json_serialisable() -> None:
    matrix, _ = _matrix()
    data = json.loads(json.dumps(compute_math(matrix, mod_out={3}).to_dict()))
    assert data["n"] == 300 and data["n-cmts"] == 40
    assert data["mod-out"] == [3]
    assert len(data["pca"]["comps"]) == 2 and len(data["pca"]["comps"][0]) == 40
    assert set(data["repness"]) == {"0", "1", "2"}
    assert all(row["tid"] != 3 for rows in data["repness"].values() for row in rows)


def test_statistics_formulas_by_hand() -> None:
    # Two groups; statement 0: group 0 votes A,A,D; group 1 votes D,D.
    raw = np.array([[1], [1], [-1], [-1], [-1]], dtype=np.float32)
    votes = GroupVotes.count(raw, np.array([0, 0, 0, 1, 1]), 2)
    assert votes.agree.tolist() == [[2], [0]] and votes.seen.tolist() == [[3], [2]]
    agree, disagree = group_aware_consensus(votes)
    assert agree[0] == pytest.approx((3 / 5) * (1 / 4))
    assert disagree[0] == pytest.approx((2 / 5) * (3 / 4))
    assert prop_test(np.array([2.0]), np.array([3.0]))[0] == pytest.approx(2 * 2 * (3 / 4 - 0.5))
    z = two_prop_test(np.array([2.0]), np.array([0.0]), np.array([3.0]), np.array([2.0]))[0]
    pi_hat = 4 / 7
    assert z == pytest.approx((3 / 4 - 1 / 3) / np.sqrt(pi_hat * (1 - pi_hat) * (1 / 4 + 1 / 3)))


@pytest.mark.parametrize(
    "votes",
    [
        [],
        [(1, 1, 1)],
        [(p, s, 0) for p in range(20) for s in range(10)],
        [(p, s, 1) for p in range(20) for s in range(10)],
    ],
    ids=["empty", "one-participant", "all-passes", "all-agree"],
)
def test_degenerate_conversations_give_zero_groups(votes: list[tuple[int, int, int]]) -> None:
    result = compute_math(VoteMatrix.from_votes(votes))
    assert result.n_groups == 0
    assert (result.labels == -1).all()
    json.dumps(result.to_dict())


def test_unvoted_and_moderated_statements() -> None:
    matrix, _ = _matrix()
    matrix.add_statement("fresh")
    result = compute_math(matrix, mod_out={0, 1}, meta={2})
    assert "fresh" not in result.tids  # Polis's matrix only has voted statements
    assert result.mod_out[:3].tolist() == [True, True, True]
    # Moderated columns are zeroed for everyone, so they carry no weight in the components.
    assert np.abs(result.pca.comps[:, :3]).max() < 1e-12
    conv = Conversation(mod_out={0, 1}, meta={2})
    conv.matrix = matrix
    conv.recompute()
    priorities = conv.priorities()
    assert 0 not in priorities and 2 not in priorities
    assert priorities["fresh"] == pytest.approx((0.5 * 0.5 * 9) ** 2)


def test_add_vote_matches_full_recompute() -> None:
    matrix, _ = _matrix(n=400, m=40)
    conv = Conversation()
    conv.matrix = matrix
    conv.recompute()
    pid = 7
    sid = next(s for s in range(40) if matrix.get(pid, s) is None)
    update = conv.add_vote(pid, sid, 1)
    after = Conversation()
    after.matrix = conv.matrix
    full = after.recompute()
    row = conv.matrix.row_of(pid)
    assert row is not None
    signs = np.sign((full.pca.comps * conv.result.pca.comps).sum(1))  # type: ignore[union-attr]
    full_xy = full.projections[row] * signs
    spread = float(np.abs(full.projections).max())
    # One vote among ~10,000 barely moves the components: the fold-in stays within 2 % of
    # the plot's extent of the recomputed position.
    assert np.abs(np.array([update["x"], update["y"]]) - full_xy).max() < 0.02 * spread
    # Same group structure: the participant sits with the same fellow members.
    assert conv.result is not None
    mates_inc = set(np.flatnonzero(conv.result.labels == update["group"]).tolist())
    mates_full = set(np.flatnonzero(full.labels == full.labels[row]).tolist())
    assert len(mates_inc & mates_full) / len(mates_inc | mates_full) > 0.95
    # Group counts were updated in place: equal to recounting with the incremental labels.
    recount = GroupVotes.count(
        conv.matrix.values[:, : len(conv.result.tids)], conv.result.labels, conv.result.n_groups
    )
    assert (recount.seen == conv.result.group_votes.seen).all()
    assert (recount.agree == conv.result.group_votes.agree).all()


def test_new_participant_joins_a_group_after_enough_votes() -> None:
    matrix, _ = _matrix()
    conv = Conversation()
    conv.matrix = matrix
    conv.recompute()
    for s in range(6):
        assert conv.add_vote("newcomer", s, 1)["group"] is None
    assert conv.add_vote("newcomer", 6, 1)["group"] is not None
    assert conv.group_of("newcomer") is not None


def test_next_statement_is_seeded_and_skips_voted() -> None:
    matrix, _ = _matrix()
    conv = Conversation(mod_out={5})
    conv.matrix = matrix
    conv.recompute()
    picks = {conv.next_statement(3, seed=s) for s in range(50)}
    voted = {s for s in range(40) if matrix.get(3, s) is not None}
    assert picks and not picks & voted and 5 not in picks
    assert conv.next_statement(3, seed=11) == conv.next_statement(3, seed=11)
    for s in range(40):
        conv.add_vote(3, s, 0)
    assert conv.next_statement(3, seed=1) is None


def test_opendata_round_trip(tmp_path: Path) -> None:
    matrix, _ = _matrix()
    result = compute_math(matrix, mod_out={4})
    write_votes_csv(tmp_path / "votes.csv", matrix.triples())
    write_comments_csv(tmp_path / "comments.csv", matrix, {4})
    write_participants_votes(tmp_path / "participants-votes.csv", matrix, result)
    assert read_votes_csv(tmp_path / "votes.csv") == matrix.triples()
    assert read_comments(tmp_path / "comments.csv")[1] == {4}
    pv = read_participants_votes(tmp_path / "participants-votes.csv")
    assert sorted(pv.votes) == sorted(matrix.triples())
    assert pv.polis_groups == result.group_of()
    # Re-clustering our own export reproduces our own groups exactly.
    assignments, ari = cluster_participants_votes(tmp_path / "participants-votes.csv")
    assert ari == pytest.approx(1.0)
    assert {p: g for p, g in assignments.items() if g is not None} == result.group_of()


def test_join_order_replays_polis_in_conv_rule_with_early_and_greedy_joins() -> None:
    # Given 16 people who vote on a growing conversation: "early" votes on the only statement
    # there is (1 of min(7, 1) needed), the others each vote on 7 statements later on.
    votes: list[tuple[object, object, float]] = [("early", 0, 1.0)]
    for p in range(15):
        votes += [(p, s, 1.0 if (p + s) % 2 else -1.0) for s in range(7)]
    votes.append(("late", 3, 1.0))  # one vote once 7 statements exist: not enough

    order = join_order(votes)

    # Then "early" joined first (the rule counts the statements voted on so far), everyone
    # with 7 votes follows in the order they got there, and "late" never qualifies: by then
    # 15 had joined, so the greedy rule no longer lets the most active voters in.
    assert order == ["early", *range(15)]


def test_join_order_lets_the_most_active_in_while_fewer_than_15_are_in() -> None:
    votes = [(p, s, 1.0) for s in range(8) for p in ("a", "b")] + [("c", 0, 1.0)]

    # "c" has 1 vote of the 7 needed but only 3 people voted: all are let in.
    assert join_order(votes) == ["a", "b", "c"]
