"""Import/export in the Polis openData CSV format (compdemocracy/openData).

``comments.csv``: timestamp, datetime, comment-id, author-id, agrees, disagrees, moderated,
comment-body. ``votes.csv``: timestamp, datetime, comment-id, voter-id, vote.
``participants-votes.csv``: participant, [xid,] group-id, n-comments, n-votes, n-agree,
n-disagree, then one column per comment id (1 / -1 / 0 / empty). Votes: 1 agree, -1 disagree,
0 pass.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import adjusted_rand_score

from grassroots.deliberation.polis.engine import MathOptions, MathResult, compute_math
from grassroots.deliberation.polis.history import join_order
from grassroots.deliberation.polis.matrix import Id, VoteMatrix

_PV_FIXED = {"participant", "xid", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"}


@dataclass
class OpenDataConversation:
    """Votes plus whatever metadata the files carried."""

    votes: list[tuple[Id, Id, int]]
    mod_out: set[Id] = field(default_factory=set)
    comments: dict[Id, dict[str, str]] = field(default_factory=dict)
    polis_groups: dict[Id, int] = field(default_factory=dict)  # participant -> group-id


def _id(text: str) -> Id:
    """openData ids are integers; keep anything else as text."""
    try:
        return int(text)
    except ValueError:
        return text


def read_comments(path: Path) -> tuple[dict[Id, dict[str, str]], set[Id]]:
    """Comment rows by id, and the ids Polis moderated out (moderated == -1)."""
    comments: dict[Id, dict[str, str]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            comments[_id(row["comment-id"])] = row
    mod_out = {cid for cid, row in comments.items() if row.get("moderated", "").strip() == "-1"}
    return comments, mod_out


def read_votes_csv(path: Path) -> list[tuple[Id, Id, int]]:
    """Votes in chronological order (so that the last vote per pair wins downstream)."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rows.sort(key=lambda r: float(r["timestamp"] or 0))
    return [(_id(r["voter-id"]), _id(r["comment-id"]), int(float(r["vote"]))) for r in rows]


def read_participants_votes(path: Path) -> OpenDataConversation:
    """Votes and Polis's group-id per participant from participants-votes.csv."""
    votes: list[tuple[Id, Id, int]] = []
    groups: dict[Id, int] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        columns = [c for c in reader.fieldnames or [] if c not in _PV_FIXED]
        for row in reader:
            pid = _id(row["participant"])
            if row.get("group-id", "").strip() != "":
                groups[pid] = int(row["group-id"])
            for c in columns:
                cell = (row.get(c) or "").strip()
                if cell:
                    votes.append((pid, _id(c), int(float(cell))))
    return OpenDataConversation(votes, polis_groups=groups)


def read_opendata_dir(directory: Path) -> OpenDataConversation:
    """A conversation directory: votes.csv (+ comments.csv), groups from participants-votes."""
    conv = OpenDataConversation(read_votes_csv(directory / "votes.csv"))
    if (directory / "comments.csv").exists():
        conv.comments, conv.mod_out = read_comments(directory / "comments.csv")
    pv = directory / "participants-votes.csv"
    if pv.exists():
        conv.polis_groups = read_participants_votes(pv).polis_groups
    return conv


def write_votes_csv(path: Path, votes: list[tuple[Id, Id, int]], start_ms: int = 0) -> None:
    """votes.csv; without real timestamps, row order is encoded as increasing milliseconds."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["timestamp", "datetime", "comment-id", "voter-id", "vote"])
        for i, (pid, sid, vote) in enumerate(votes):
            writer.writerow([start_ms + i, "", sid, pid, int(vote)])


def write_comments_csv(
    path: Path, matrix: VoteMatrix, mod_out: set[Id], texts: dict[Id, str] | None = None
) -> None:
    """comments.csv with agree/disagree counts from the matrix (last vote per participant)."""
    values = matrix.values
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "timestamp",
                "datetime",
                "comment-id",
                "author-id",
                "agrees",
                "disagrees",
                "moderated",
                "comment-body",
            ]
        )
        for j, sid in enumerate(matrix.statement_ids):
            col = values[:, j]
            writer.writerow(
                [
                    "",
                    "",
                    sid,
                    "",
                    int((col == 1).sum()),
                    int((col == -1).sum()),
                    -1 if sid in mod_out else 1,
                    (texts or {}).get(sid, ""),
                ]
            )


def write_participants_votes(path: Path, matrix: VoteMatrix, result: MathResult | None) -> None:
    """participants-votes.csv, with our group per participant (empty when not clustered)."""
    groups: dict[Id, int] = result.group_of() if result else {}
    values = matrix.values
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        sids = matrix.statement_ids
        writer.writerow(
            ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree", *sids]
        )
        for i, pid in enumerate(matrix.participant_ids):
            row = values[i]
            cells = ["" if np.isnan(v) else int(v) for v in row.tolist()]
            writer.writerow(
                [
                    pid,
                    groups.get(pid, ""),
                    0,
                    int((~np.isnan(row)).sum()),
                    int((row == 1).sum()),
                    int((row == -1).sum()),
                    *cells,
                ]
            )


def adjusted_rand(ours: Mapping[Any, int], reference: Mapping[Any, int]) -> float:
    """ARI over participants grouped in both (NaN when fewer than two are shared)."""
    common = [p for p in reference if p in ours]
    if len(common) < 2:
        return float("nan")
    return float(adjusted_rand_score([reference[p] for p in common], [ours[p] for p in common]))


def cluster_participants_votes(
    path: Path, options: MathOptions | None = None, **kwargs: Any
) -> tuple[dict[Id, int | None], float]:
    """Cluster a participants-votes.csv; returns participant → group (None when not
    clustered) and the ARI against the file's group-id (participants with an empty group-id
    are left out of the ARI). A comments.csv beside the file supplies the moderated-out
    statements unless ``mod_out`` is given, and a votes.csv the join order. Extra keyword
    arguments go to ``compute_math``."""
    data = read_participants_votes(path)
    comments = path.with_name("comments.csv")
    if "mod_out" not in kwargs and comments.exists():
        kwargs["mod_out"] = read_comments(comments)[1]
    votes_csv = path.with_name("votes.csv")
    if "join_order" not in kwargs and votes_csv.exists():
        # The timestamps say who joined the clustering when (see history.join_order).
        order = join_order(read_votes_csv(votes_csv))
        kwargs["join_order"] = order
        kwargs["in_conv"] = [*order, *kwargs.get("in_conv", ())]
    matrix = VoteMatrix.from_votes(data.votes)
    result = compute_math(matrix, options=options, **kwargs)
    grouped = result.group_of()
    assignments: dict[Id, int | None] = {p: grouped.get(p) for p in matrix.participant_ids}
    return assignments, adjusted_rand(grouped, data.polis_groups)
