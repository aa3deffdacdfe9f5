"""Duplicate precision on Teddy Cup attachment 3, from pairs checked by hand.

`data/attachment3_checked_pairs.csv` holds a random sample (fixed seed) of the pairs the
duplicate finder proposed when every message of attachment 3 was run as a new case against
the messages of the 30 days before it (top 5, similarity >= 0.5). A person read each pair and
recorded a verdict and a short reason in their own words; the file holds message ids and
figures only, never message text (the data has no licence).
"""

from __future__ import annotations

import bisect
import csv
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from grassroots.triage.similarity import similarities

CHECKED = Path(__file__).parent / "data" / "attachment3_checked_pairs.csv"
# The figures docs/triage.md reports; the tests recompute them from the judgements.
THRESHOLD = 0.5
SAMPLE = 120
PRECISION = {0.5: 0.9583, 0.7: 0.98, 0.9: 1.0}


def _checked() -> list[dict[str, str]]:
    with CHECKED.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _precision(rows: list[dict[str, str]], floor: float) -> float:
    judged = [r for r in rows if float(r["similarity"]) >= floor]
    return round(sum(r["duplicate"] == "yes" for r in judged) / len(judged), 4)


def test_the_judgements_are_complete_and_hold_no_message_text() -> None:
    rows = _checked()
    assert len(rows) == SAMPLE
    assert len({(r["message_id"], r["earlier_id"]) for r in rows}) == SAMPLE
    assert {r["duplicate"] for r in rows} <= {"yes", "no"}
    assert all(r["message_id"].isdigit() and r["earlier_id"].isdigit() for r in rows)
    assert all(0 < len(r["reason"]) <= 120 for r in rows)
    assert min(float(r["similarity"]) for r in rows) >= THRESHOLD


def test_precision_recomputed_from_the_judgements() -> None:
    rows = _checked()
    assert {floor: _precision(rows, floor) for floor in PRECISION} == PRECISION


@pytest.mark.slow
@pytest.mark.shared_data
def test_the_recorded_pairs_are_what_the_finder_proposes(shared_data: Path) -> None:
    """Every recorded pair is found again, among the five shown, with its recorded similarity
    (4 decimals), from the real file: the n-gram index reproduces the vectoriser fitted on a
    month of messages that the pairs were proposed with."""
    path = shared_data / "teddycup2020c" / "attachment3_messages_with_votes.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        messages = sorted(
            (
                datetime.strptime(r["留言时间"].strip().replace("/", "-"), "%Y-%m-%d %H:%M:%S"),
                r["留言编号"],
                f"{r['留言主题']}\n{r['留言详情']}".strip(),
            )
            for r in csv.DictReader(handle)
        )
    at = [m[0] for m in messages]
    where = {m[1]: i for i, m in enumerate(messages)}
    for row in _checked():
        i = where[row["message_id"]]
        lo = max(bisect.bisect_left(at, at[i] - timedelta(days=30)), i - 2000)
        earlier = [m[1] for m in messages[lo:i]]
        scores = similarities(messages[i][2], [m[2] for m in messages[lo:i]])
        score = float(scores[earlier.index(row["earlier_id"])])
        assert round(score, 4) == pytest.approx(float(row["similarity"]), abs=1e-4)
        assert sum(s > score for s in scores) < 5  # among the five shown
