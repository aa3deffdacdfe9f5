"""Stateful conversation: cheap per-vote updates between full Polis recomputes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from grassroots.deliberation.polis.clustering import nearest_group
from grassroots.deliberation.polis.engine import MathOptions, MathResult, compute_math
from grassroots.deliberation.polis.history import join_order
from grassroots.deliberation.polis.matrix import Id, VoteMatrix
from grassroots.deliberation.polis.stats import comment_priorities

# Priority of a statement nobody has voted on yet: Polis's formula with no votes and no
# extremity, i.e. (1/2 · 1/2 · 1 · 9)².
UNSEEN_PRIORITY = float(
    comment_priorities(
        (np.zeros(1, np.int64), np.zeros(1, np.int64), np.zeros(1, np.int64)),
        np.zeros(1),
        np.zeros(1, dtype=bool),
    )[0]
)


class Conversation:
    """Votes, moderation and the latest math of one conversation.

    ``add_vote`` folds a vote in immediately (re-projects that participant with the current
    components, moves them to the nearest group, updates that statement's group counts,
    group-aware consensus and priority); ``recompute`` runs the full math, warm-started from
    the previous result as Polis does.
    """

    def __init__(
        self,
        mod_out: Iterable[Id] = (),
        meta: Iterable[Id] = (),
        force_include: Iterable[Id] = (),
        options: MathOptions | None = None,
    ) -> None:
        self.matrix = VoteMatrix()
        self.mod_out: set[Id] = set(mod_out)
        self.meta: set[Id] = set(meta)
        self.force_include: set[Id] = set(force_include)
        self.options = options or MathOptions()
        self.result: MathResult | None = None
        self._pos: dict[Id, int] = {}
        self._cols = np.zeros(0, dtype=np.intp)  # matrix column of each result statement
        self._extra_groups: dict[Id, int] = {}
        self.joined: dict[Id, None] = {}  # participants in the order they joined (in-conv)

    @classmethod
    def from_votes(cls, votes: Iterable[tuple[Id, Id, float]], **kwargs: Any) -> Conversation:
        """A conversation holding these (participant, statement, vote) triples, given in
        chronological order (which decides who joined the clustering when)."""
        conv = cls(**kwargs)
        triples = list(votes)
        conv.matrix = VoteMatrix.from_votes(triples)
        order = join_order(triples, conv.options.min_votes, conv.options.greedy_n)
        conv.joined = dict.fromkeys(order)
        return conv

    # full math ----------------------------------------------------------------------------
    def recompute(self) -> MathResult:
        """Full PCA / clustering / statistics pass; returns and stores the result."""
        previous = self.result
        self.result = compute_math(
            self.matrix,
            mod_out=self.mod_out,
            meta=self.meta,
            in_conv=[*self.joined, *(self.in_conv() if previous else ())],
            join_order=list(self.joined),
            force_include=self.force_include,
            options=self.options,
            previous_comps=previous.pca.comps if previous else None,
            memory=previous.memory if previous else None,
        )
        self._pos = {t: j for j, t in enumerate(self.result.tids)}
        self._cols = np.array([self.matrix.col_of(t) for t in self.result.tids], dtype=np.intp)
        self._extra_groups = {}
        return self.result

    def moderate(self, statement: Id, out: bool = True) -> None:
        """Moderate a statement out (or back in); takes effect at the next recompute."""
        if out:
            self.mod_out.add(statement)
        else:
            self.mod_out.discard(statement)

    # incremental --------------------------------------------------------------------------
    def add_vote(self, participant: Id, statement: Id, vote: float) -> dict[str, Any]:
        """Record a vote and fold it into the current result without a full recompute."""
        row, _col, previous = self.matrix.set_vote(participant, statement, vote)
        self._note_join(participant, row)
        r = self.result
        if r is None:
            return {"participant": participant, "group": None, "x": None, "y": None}
        in_result = row < len(r.participant_ids)
        old_group = int(r.labels[row]) if in_result else self._extra_groups.get(participant, -1)
        j = self._pos.get(statement)
        if j is not None and old_group >= 0:
            # Bring the old group's counts up to date first; a regroup then moves the row.
            self._count(old_group, j, previous, -1)
            self._count(old_group, j, vote, +1)
        point = self._project(row)
        if in_result:
            r.projections[row] = point
        group = self._regroup(participant, row, point, old_group, in_result)
        if j is not None:
            self._refresh_statement(j)
        return {
            "participant": participant,
            "group": None if group < 0 else group,
            "x": float(point[0]),
            "y": float(point[1]),
        }

    def _note_join(self, participant: Id, row: int) -> None:
        """Polis's in-conv rule as votes arrive (see ``history.join_order``)."""
        if participant in self.joined:
            return
        n_votes = int(np.count_nonzero(~np.isnan(self.matrix.values[row])))
        needed = min(self.options.min_votes, self.matrix.shape[1])
        if n_votes >= needed or len(self.joined) < self.options.greedy_n:
            self.joined[participant] = None

    def _project(self, row: int) -> np.ndarray[Any, Any]:
        r = self.result
        assert r is not None
        values = self.matrix.values[row, self._cols].astype(np.float64)
        values[r.mod_out] = 0.0  # zeroed for everyone, as in the full pass
        return r.pca.project_row(values)

    def _qualifies(self, participant: Id, row: int) -> bool:
        r = self.result
        assert r is not None
        if row < len(r.participant_ids) and r.in_conv[row]:
            return True
        n_votes = int(np.count_nonzero(~np.isnan(self.matrix.values[row])))
        threshold = min(self.options.min_votes, len(r.tids))
        return participant in self.force_include or n_votes >= threshold

    def _regroup(
        self, participant: Id, row: int, point: np.ndarray[Any, Any], old: int, in_result: bool
    ) -> int:
        r = self.result
        assert r is not None
        if not self._qualifies(participant, row):
            return -1
        group = nearest_group(point, r.clustering.group_centers)
        if group != old:
            self._move_row(row, old, group)
        if in_result:
            r.labels[row] = group
            r.in_conv[row] = True
        else:
            self._extra_groups[participant] = group
        return group

    def _move_row(self, row: int, old: int, new: int) -> None:
        r = self.result
        assert r is not None
        votes = self.matrix.values[row, self._cols]
        for j in np.flatnonzero(~np.isnan(votes)).tolist():
            if old >= 0:
                self._count(old, j, float(votes[j]), -1)
            if new >= 0:
                self._count(new, j, float(votes[j]), +1)
            self._refresh_statement(j)

    def _count(self, group: int, j: int, vote: float, delta: int) -> None:
        if np.isnan(vote):
            return
        gv = self.result.group_votes if self.result else None
        assert gv is not None
        gv.seen[group, j] += delta
        if vote == 1:
            gv.agree[group, j] += delta
        elif vote == -1:
            gv.disagree[group, j] += delta

    def _refresh_statement(self, j: int) -> None:
        r = self.result
        assert r is not None
        gv = r.group_votes
        if gv.n_groups == 0:
            return
        seen = gv.seen[:, j] + 2.0
        r.gac_agree[j] = float(np.prod((gv.agree[:, j] + 1.0) / seen))
        r.gac_disagree[j] = float(np.prod((gv.disagree[:, j] + 1.0) / seen))
        totals = (
            gv.agree[:, j].sum(keepdims=True),
            gv.disagree[:, j].sum(keepdims=True),
            gv.seen[:, j].sum(keepdims=True),
        )
        extremity = r.pca.comment_extremity()[j : j + 1]
        r.priorities[j] = comment_priorities(totals, extremity, r.is_meta[j : j + 1])[0]

    # queries ------------------------------------------------------------------------------
    def in_conv(self) -> list[Id]:
        """Participants currently included in clustering."""
        r = self.result
        if r is None:
            return []
        ids = [r.participant_ids[i] for i in np.flatnonzero(r.in_conv)]
        return ids + [p for p, g in self._extra_groups.items() if g >= 0]

    def group_of(self, participant: Id) -> int | None:
        """Current group of a participant (None when not clustered)."""
        r = self.result
        row = self.matrix.row_of(participant)
        if r is None or row is None:
            return None
        group = (
            int(r.labels[row]) if row < len(r.labels) else self._extra_groups.get(participant, -1)
        )
        return None if group < 0 else group

    def priorities(self) -> dict[Id, float]:
        """Priority of every statement that is not moderated out."""
        out: dict[Id, float] = {}
        r = self.result
        known = {} if r is None else dict(zip(r.tids, r.priorities.tolist(), strict=True))
        for sid in self.matrix.statement_ids:
            if sid not in self.mod_out and sid not in self.meta:
                out[sid] = known.get(sid, UNSEEN_PRIORITY)
        return out

    def next_statement(self, participant: Id, seed: int | None = None) -> Id | None:
        """Weighted-random pick, by priority, among statements the participant has not voted
        on (None when there is nothing left). Same seed, same state → same pick."""
        row = self.matrix.row_of(participant)
        candidates = [
            (sid, p)
            for sid, p in self.priorities().items()
            if row is None or self.matrix.get(participant, sid) is None
        ]
        if not candidates:
            return None
        weights = np.array([max(p, 0.0) for _, p in candidates])
        if weights.sum() <= 0:
            weights = np.ones(len(candidates))
        rng = np.random.default_rng(seed)
        return candidates[int(rng.choice(len(candidates), p=weights / weights.sum()))][0]

    def add_statement(self, statement: Id) -> None:
        """Register a statement before anyone votes on it (so it can be shown)."""
        self.matrix.add_statement(statement)
