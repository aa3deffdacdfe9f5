"""Reader for a Polis API export directory (votes.json, comments.json, math-pca2.json)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grassroots.deliberation.polis.matrix import Id


@dataclass
class PolisExport:
    """Votes and moderation state of one exported Polis conversation."""

    votes: list[tuple[Id, Id, int]]  # chronological (participant, statement, vote)
    mod_out: set[Id] = field(default_factory=set)
    meta: set[Id] = field(default_factory=set)
    math: dict[str, Any] | None = None
    times: list[float] = field(default_factory=list)  # each vote's time (ms), as votes


def _first(record: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if key in record:
            return record[key]
    raise KeyError(f"none of {keys} in record")


def load_polis_export(directory: Path) -> PolisExport:
    """Load an export; key names differ between Polis API versions (pid/tid vs *_id)."""
    raw_votes = json.loads((directory / "votes.json").read_text())
    raw_votes.sort(key=lambda v: float(v.get("modified") or 0))
    votes = [
        (
            _first(v, "participant_id", "pid"),
            _first(v, "statement_id", "tid"),
            int(v["vote"]),
        )
        for v in raw_votes
    ]
    export = PolisExport(votes, times=[float(v.get("modified") or 0) for v in raw_votes])
    comments_path = directory / "comments.json"
    if comments_path.exists():
        for c in json.loads(comments_path.read_text()):
            tid = _first(c, "statement_id", "tid")
            # Polis moderates out rejected (-1) and meta statements, whatever strict mode says.
            if c.get("is_meta"):
                export.meta.add(tid)
                export.mod_out.add(tid)
            elif _first(c, "moderated", "mod") == -1:
                export.mod_out.add(tid)
    math_path = directory / "math-pca2.json"
    if math_path.exists():
        export.math = json.loads(math_path.read_text())
    return export
