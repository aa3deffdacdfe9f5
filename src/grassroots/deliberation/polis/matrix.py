"""Participant × statement vote matrix.

Votes are coded 1 = agree, -1 = disagree, 0 = pass; a missing vote is NaN. The matrix is
dense float32: even 30,000 participants × 800 statements is only ~96 MB, and dense rows make
both the vectorised full recompute and the single-vote update trivial. Rows and columns grow
with spare capacity so that folding in one vote from a new participant stays O(1) amortised.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

AGREE = 1
DISAGREE = -1
PASS = 0
VALID_VOTES = (AGREE, DISAGREE, PASS)

Id = Hashable
FloatMatrix = NDArray[np.float32]


def _grow(size: int, needed: int) -> int:
    """Next capacity: doubling keeps appends amortised O(1)."""
    return max(needed, size * 2, 16)


class VoteMatrix:
    """Dense vote matrix indexed by external participant and statement ids.

    The last vote written for a (participant, statement) pair wins, as in Polis.
    """

    def __init__(self) -> None:
        self._pids: list[Id] = []
        self._sids: list[Id] = []
        self._pindex: dict[Id, int] = {}
        self._sindex: dict[Id, int] = {}
        self._data: FloatMatrix = np.full((0, 0), np.nan, dtype=np.float32)

    # construction -------------------------------------------------------------------------
    @classmethod
    def from_votes(cls, votes: Iterable[tuple[Id, Id, float]]) -> VoteMatrix:
        """Build from (participant, statement, vote) triples in chronological order."""
        triples = list(votes)
        if not triples:
            return cls()
        # Plain lists convert to numpy arrays much faster than the tuples zip(*) would give.
        pids = [t[0] for t in triples]
        sids = [t[1] for t in triples]
        values = [t[2] for t in triples]
        return cls.from_arrays(pids, sids, values)

    @classmethod
    def from_arrays(
        cls,
        participants: Sequence[Any] | NDArray[Any],
        statements: Sequence[Any] | NDArray[Any],
        votes: Sequence[Any] | NDArray[Any],
    ) -> VoteMatrix:
        """Vectorised build from parallel sequences (chronological order; last vote wins)."""
        matrix = cls()
        if len(participants) == 0:
            return matrix
        vals = np.asarray(votes, dtype=np.float32)
        _check_votes(vals)
        p_codes, p_uniques = _factorize(participants)
        s_codes, s_uniques = _factorize(statements)
        matrix._register(p_uniques, s_uniques)
        # "Last vote wins": keep only the final occurrence of each cell explicitly rather than
        # relying on the order numpy applies duplicate fancy-index writes.
        linear = p_codes * len(s_uniques) + s_codes
        _, first_from_end = np.unique(linear[::-1], return_index=True)
        keep = len(linear) - 1 - first_from_end
        matrix._data[p_codes[keep], s_codes[keep]] = vals[keep]
        return matrix

    def _register(self, pids: Sequence[Id], sids: Sequence[Id]) -> None:
        for pid in pids:
            self._pindex[pid] = len(self._pids)
            self._pids.append(pid)
        for sid in sids:
            self._sindex[sid] = len(self._sids)
            self._sids.append(sid)
        self._data = np.full((len(self._pids), len(self._sids)), np.nan, dtype=np.float32)

    # mutation -----------------------------------------------------------------------------
    def add_participant(self, pid: Id) -> int:
        """Return the row index of ``pid``, creating an empty row if needed."""
        row = self._pindex.get(pid)
        if row is not None:
            return row
        row = len(self._pids)
        if row >= self._data.shape[0]:
            self._resize(_grow(self._data.shape[0], row + 1), self._data.shape[1])
        self._pids.append(pid)
        self._pindex[pid] = row
        return row

    def add_statement(self, sid: Id) -> int:
        """Return the column index of ``sid``, creating an empty column if needed."""
        col = self._sindex.get(sid)
        if col is not None:
            return col
        col = len(self._sids)
        if col >= self._data.shape[1]:
            self._resize(self._data.shape[0], _grow(self._data.shape[1], col + 1))
        self._sids.append(sid)
        self._sindex[sid] = col
        return col

    def set_vote(self, pid: Id, sid: Id, vote: float) -> tuple[int, int, float]:
        """Record a vote; returns (row, column, previous value or NaN)."""
        _check_votes(np.asarray([vote], dtype=np.float32))
        row = self.add_participant(pid)
        col = self.add_statement(sid)
        previous = float(self._data[row, col])
        self._data[row, col] = vote
        return row, col, previous

    def _resize(self, rows: int, cols: int) -> None:
        grown = np.full((rows, cols), np.nan, dtype=np.float32)
        old_r, old_c = self._data.shape
        grown[:old_r, :old_c] = self._data
        self._data = grown

    # access -------------------------------------------------------------------------------
    @property
    def participant_ids(self) -> list[Id]:
        """Participant ids in row order."""
        return list(self._pids)

    @property
    def statement_ids(self) -> list[Id]:
        """Statement ids in column order."""
        return list(self._sids)

    @property
    def values(self) -> FloatMatrix:
        """View (not a copy) of the used part of the matrix; NaN marks a missing vote."""
        return self._data[: len(self._pids), : len(self._sids)]

    @property
    def shape(self) -> tuple[int, int]:
        """(participants, statements)."""
        return len(self._pids), len(self._sids)

    @property
    def n_votes(self) -> int:
        """Number of recorded (non-missing) votes."""
        return int(np.count_nonzero(~np.isnan(self.values)))

    def row_of(self, pid: Id) -> int | None:
        """Row index of a participant, or None."""
        return self._pindex.get(pid)

    def col_of(self, sid: Id) -> int | None:
        """Column index of a statement, or None."""
        return self._sindex.get(sid)

    def get(self, pid: Id, sid: Id) -> float | None:
        """The participant's vote on the statement, or None if missing."""
        row, col = self._pindex.get(pid), self._sindex.get(sid)
        if row is None or col is None:
            return None
        value = float(self._data[row, col])
        return None if np.isnan(value) else value

    def triples(self) -> list[tuple[Id, Id, int]]:
        """All recorded votes as (participant, statement, vote) triples, row-major."""
        rows, cols = np.nonzero(~np.isnan(self.values))
        vals = self.values[rows, cols]
        return [
            (self._pids[r], self._sids[c], int(v))
            for r, c, v in zip(rows.tolist(), cols.tolist(), vals.tolist(), strict=True)
        ]


def _check_votes(vals: NDArray[np.float32]) -> None:
    bad = ~np.isin(vals, VALID_VOTES)
    if bad.any():
        raise ValueError(f"votes must be 1, -1 or 0; got {vals[bad][:5].tolist()}")


def _factorize(ids: Sequence[Any] | NDArray[Any]) -> tuple[NDArray[np.intp], list[Id]]:
    """Integer codes and unique ids: sorted for integer ids, first-appearance order otherwise."""
    arr = np.asarray(ids)
    if arr.dtype.kind in "iu":
        uniques, codes = np.unique(arr, return_inverse=True)
        return codes.astype(np.intp), uniques.tolist()
    index: dict[Id, int] = {}
    codes = np.fromiter(
        (index.setdefault(i, len(index)) for i in ids), dtype=np.intp, count=len(ids)
    )
    return codes, list(index)
