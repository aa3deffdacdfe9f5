"""Synthetic conversations with planted opinion groups, for tests and benchmarks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass
class SyntheticVotes:
    """Parallel vote arrays plus each participant's planted group."""

    participants: NDArray[np.int64]
    statements: NDArray[np.int64]
    votes: NDArray[np.int64]
    groups: NDArray[np.int64]  # (n_participants,)


def planted_votes(
    n_participants: int,
    n_statements: int,
    n_groups: int = 3,
    votes_per_participant: int = 40,
    agreement: float = 0.85,
    pass_rate: float = 0.1,
    seed: int = 0,
) -> SyntheticVotes:
    """Each group has an opinion (agree/disagree) per statement; members follow it with
    probability ``agreement``, pass with ``pass_rate``, and vote on a random subset."""
    rng = np.random.default_rng(seed)
    opinions = rng.choice([-1, 1], size=(n_groups, n_statements))
    groups = rng.integers(0, n_groups, size=n_participants)
    k = min(votes_per_participant, n_statements)
    # Random subset per participant: argsort of random keys, vectorised over all rows.
    chosen = np.argpartition(rng.random((n_participants, n_statements)), k - 1, axis=1)[:, :k]
    pids = np.repeat(np.arange(n_participants), k)
    sids = chosen.reshape(-1)
    stance = opinions[groups[pids], sids]
    flip = rng.random(pids.size) > agreement
    votes = np.where(flip, -stance, stance)
    votes = np.where(rng.random(pids.size) < pass_rate, 0, votes)
    return SyntheticVotes(
        pids.astype(np.int64),
        sids.astype(np.int64),
        votes.astype(np.int64),
        groups.astype(np.int64),
    )
