"""Routing accuracy on real 311 history, and duplicate-search speed on the Teddy Cup messages.

Routing: predict the handling agency (NYC, Baltimore) or queue (Boston) from category and
place, as triage's learned routing does: the most frequent handler of that category in that
place in earlier records, falling back to the category alone, then to the overall most
frequent. Trained on the earliest 80 % of each file by creation time, tested on the latest
20 %. The baseline in the same run is the category alone.

Duplicates: for each message of attachment 3, the character n-gram TF-IDF cosine against the
messages of the 30 days before it (the file has no places, so time is the only filter; in the
app, space cuts candidates further). Prints timing and how many pairs pass each threshold.

    .venv/bin/python bench/routing.py
"""

from __future__ import annotations

import csv
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from grassroots.triage.similarity import similarities

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
US = "%m/%d/%Y %I:%M:%S %p"


def _rows(path: Path, when: str, fmt: str | None, cat: str, place: str, label: str) -> list:
    out = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            raw, y = (row.get(when) or "").strip(), (row.get(label) or "").strip()
            if not raw or not y:
                continue
            at = datetime.strptime(raw, fmt) if fmt else datetime.fromisoformat(raw)
            out.append((at, row[cat].strip(), (row.get(place) or "").strip(), y))
    return sorted(out)


def _accuracy(train: list, test: list, key: Callable) -> float:
    by_key: dict = defaultdict(Counter)
    by_cat: dict = defaultdict(Counter)
    for _at, c, p, y in train:
        by_key[key(c, p)][y] += 1
        by_cat[c][y] += 1
    overall = Counter(r[3] for r in train).most_common(1)[0][0]
    hits = 0
    for _at, c, p, y in test:
        votes = by_key.get(key(c, p)) or by_cat.get(c)
        hits += (votes.most_common(1)[0][0] if votes else overall) == y
    return hits / len(test)


def routing() -> None:
    files = [
        ("NYC agency", "nyc_311_sample_combined.csv", "Created Date", US, "Complaint Type",
         "Community Board", "Agency"),
        ("Baltimore agency", "baltimore_311_sample10k.csv", "CreatedDate", US, "SRType",
         "Neighborhood", "Agency"),
        ("Boston queue", "boston_311_2025_sample.csv", "open_dt", None, "type",
         "neighborhood", "queue"),
    ]  # fmt: skip
    print("| data | rows train/test | labels | category+place | category only | ratio |")
    print("|---|---|---|---|---|---|")
    for name, file, when, fmt, cat, place, label in files:
        rows = _rows(DATA / "service_requests_311" / file, when, fmt, cat, place, label)
        cut = int(len(rows) * 0.8)
        train, test = rows[:cut], rows[cut:]
        ours = _accuracy(train, test, lambda c, p: (c, p))
        base = _accuracy(train, test, lambda c, p: c)
        labels = len({r[3] for r in rows})
        print(f"| {name} | {len(train)}/{len(test)} | {labels} | {ours:.4f} | {base:.4f} "
              f"| {ours / base:.3f} |")  # fmt: skip


def duplicates() -> None:
    path = DATA / "teddycup2020c" / "attachment3_messages_with_votes.csv"
    msgs = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            at = datetime.strptime(row["留言时间"].strip().replace("/", "-"), "%Y-%m-%d %H:%M:%S")
            msgs.append((at, row["留言编号"], f"{row['留言主题']}\n{row['留言详情']}".strip()))
    msgs.sort()
    window, sizes, pairs = timedelta(days=30), [], Counter()
    started = time.perf_counter()
    lo = 0
    for i, (at, _id, text) in enumerate(msgs):
        while msgs[lo][0] < at - window:
            lo += 1
        others = [m[2] for m in msgs[lo:i]]
        sizes.append(len(others))
        if others:
            top = float(np.max(similarities(text, others)))
            for t in (0.5, 0.7, 0.9):
                pairs[t] += top >= t
    ms = (time.perf_counter() - started) * 1000 / len(msgs)
    print(f"messages={len(msgs)} candidates mean={np.mean(sizes):.0f} max={max(sizes)} "
          f"ms_per_message={ms:.1f}")  # fmt: skip
    for t in (0.5, 0.7, 0.9):
        print(f"messages with a candidate at similarity>={t}: {pairs[t]}")


if __name__ == "__main__":
    routing()
    if "--no-duplicates" not in sys.argv:
        duplicates()
