"""The order in which participants entered the clustering, replayed from the vote history.

Polis's groups depend on that order: with no previous clustering, its k-means starts from the
first k distinct points in data order (``init-clusters`` in ``clusters.clj``), and its base
clusters first carry ids in that order (later updates merge and split them: ``replay``). A
participant joins ("in-conv") once they have voted on ``min(7, statements with votes so far)``
statements — so early voters join with fewer votes — and while fewer than 15 are in, the most
active voters are let in as well.
"""

from __future__ import annotations

from collections.abc import Iterable

from grassroots.deliberation.polis.matrix import Id

MIN_VOTES = 7
GREEDY_N = 15


def join_order(
    votes: Iterable[tuple[Id, Id, float]], min_votes: int = MIN_VOTES, greedy_n: int = GREEDY_N
) -> list[Id]:
    """Participants in the order they would have joined, given (participant, statement, vote)
    triples in chronological order. Once in, a participant stays in."""
    statements: set[Id] = set()
    voted: dict[Id, set[Id]] = {}
    joined: dict[Id, None] = {}  # insertion-ordered set
    for participant, statement, _vote in votes:
        statements.add(statement)
        mine = voted.setdefault(participant, set())
        mine.add(statement)
        if participant not in joined and len(mine) >= min(min_votes, len(statements)):
            joined[participant] = None
        if len(joined) < greedy_n:
            # Only while the conversation is tiny: let the most active voters in (stable).
            waiting = sorted((p for p in voted if p not in joined), key=lambda p: -len(voted[p]))
            for p in waiting[: greedy_n - len(joined)]:
                joined[p] = None
    return list(joined)
