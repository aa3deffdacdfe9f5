"""Duplicate search with 100,000 cases in history: the app's `find_duplicates` against brute
force, in the same run.

Run from the checkout:  .venv/bin/python bench/duplicates.py [--cases 100000] [--queries 30]

Builds once (then reuses) a SQLite database under var/bench/duplicates/ holding a city of 20
districts and 200 streets and `--cases` cases spread over the 365 days before now, 70 % of them
closed. Their texts are the Teddy Cup attachment 3 messages (../shared/data, cycled), or
generated sentences when the data is absent. Each query is a new case in a random street with
the text of a random message; the timings are per new case:

- ours: `find_duplicates` as triage runs it (database filter by street and window, then the
  character n-gram TF-IDF over the candidates, from the per-process n-gram index);
- brute force A: scikit-learn's vectoriser fitted on every case in history (2 queries: slow);
- brute force B: a TF-IDF index of the whole history fitted once (its build time printed
  apart), then one sparse product per query: what a global index without the space/time
  filter costs per query.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
VAR = REPO / "var" / "bench" / "duplicates"
DATA = REPO.parent / "shared" / "data" / "teddycup2020c" / "attachment3_messages_with_votes.csv"
os.environ["GRASSROOTS_VAR_DIR"] = str(VAR)
# The test settings, also under `make bench` (whose Makefile exports the local ones), as the
# other benches use them.
os.environ["DJANGO_SETTINGS_MODULE"] = "grassroots.settings.test"
os.environ.pop("DATABASE_URL", None)  # always the bench's own SQLite file

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402

from grassroots.cases.enums import CaseStatus  # noqa: E402
from grassroots.cases.models import Case  # noqa: E402
from grassroots.core import clock  # noqa: E402
from grassroots.organizations.enums import UnitLevel  # noqa: E402
from grassroots.organizations.models import Unit  # noqa: E402
from grassroots.organizations.services import create_unit  # noqa: E402
from grassroots.triage.duplicates import case_text, find_duplicates  # noqa: E402

SEED = 20261123
WORDS = ["road", "light", "noise", "water", "bin", "tree", "park", "bus", "dog", "car", "lift"]


def fitted_per_call(text: str, others: list[str]) -> None:
    """Brute force A: scikit-learn's vectoriser fitted on the text and the whole history (what
    the app did per call before the n-gram index; the index would hold 100,000 texts here)."""
    vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), sublinear_tf=True)
    matrix = vectoriser.fit_transform([text.lower(), *(o.lower() for o in others)])
    (matrix[1:] @ matrix[0].T).toarray()


def texts() -> list[tuple[str, str]]:
    """(subject, description) pairs: attachment 3 if present, else generated."""
    if DATA.is_file():
        with DATA.open(encoding="utf-8-sig", newline="") as handle:
            return [
                (row["留言主题"].strip()[:200], row["留言详情"].strip())
                for row in csv.DictReader(handle)
            ]
    rng = random.Random(SEED)
    return [
        (" ".join(rng.choices(WORDS, k=4)), " ".join(rng.choices(WORDS, k=60))) for _ in range(5000)
    ]


def build(n: int, corpus: list[tuple[str, str]]) -> list[Unit]:
    """Create the city and `n` cases unless the database already holds them."""
    VAR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    streets = list(Unit.objects.filter(level=UnitLevel.STREET))
    if Case.objects.count() >= n and len(streets) == 200:
        return streets
    print(f"building {n} cases (once) ...", flush=True)
    Case.objects.all().delete()
    for depth in sorted(set(Unit.objects.values_list("depth", flat=True)), reverse=True):
        Unit.objects.filter(depth=depth).delete()  # children first: a parent is protected
    city = create_unit("BCITY", actor=None, level=UnitLevel.CITY, name_zh="市", name_en="City")
    streets = []
    for d in range(20):
        district = create_unit(
            f"BD{d:02d}",
            actor=None,
            level=UnitLevel.DISTRICT,
            parent=city,
            name_zh=f"区{d}",
            name_en=f"District {d}",
        )
        for s in range(10):
            streets.append(
                create_unit(
                    f"BS{d:02d}{s}",
                    actor=None,
                    level=UnitLevel.STREET,
                    parent=district,
                    name_zh=f"街道{d}-{s}",
                    name_en=f"Street {d}-{s}",
                )
            )
    rng, now, batch = random.Random(SEED), clock.now(), []
    for i in range(n):
        subject, description = corpus[i % len(corpus)]
        received = now - timedelta(minutes=rng.uniform(0, 365 * 24 * 60))
        closed = rng.random() < 0.7
        batch.append(
            Case(
                tracking_code=f"B{i:09d}",
                secret="x",
                kind="complaint",
                channel="web",
                subject=subject or "-",
                description=description,
                status=CaseStatus.CLOSED if closed else CaseStatus.ACCEPTED,
                closed_at=received + timedelta(days=5) if closed else None,
                place_unit=rng.choice(streets),
                received_at=received,
            )
        )
        if len(batch) == 5000:
            Case.objects.bulk_create(batch)
            batch = []
    Case.objects.bulk_create(batch)
    return streets


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument("--no-brute-a", action="store_true", help="skip baseline A (slow)")
    args = parser.parse_args()
    corpus = texts()
    streets = build(args.cases, corpus)
    rng, now = random.Random(SEED + 1), clock.now()
    queries = []
    for _ in range(args.queries):
        subject, description = rng.choice(corpus)
        queries.append(
            Case(
                subject=subject,
                description=description,
                received_at=now,
                place_unit=rng.choice(streets),
                status=CaseStatus.RECEIVED,
            )
        )
    history = [f"{s}\n{d}".strip() for s, d in Case.objects.values_list("subject", "description")]
    print(f"history={len(history)} cases, {len(streets)} streets, queries={len(queries)}")

    find_duplicates(queries[0])  # warm up (imports, first queries)
    ours, found = [], 0
    for case in queries:
        started = time.perf_counter()
        found += len(find_duplicates(case))
        ours.append(time.perf_counter() - started)

    brute = []
    for case in [] if args.no_brute_a else queries[:2]:
        started = time.perf_counter()
        fitted_per_call(case_text(case), history)
        brute.append(time.perf_counter() - started)

    started = time.perf_counter()
    vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), sublinear_tf=True)
    index = vectoriser.fit_transform([h.lower() for h in history])
    build_s = time.perf_counter() - started
    prefit = []
    for case in queries:
        started = time.perf_counter()
        (index @ vectoriser.transform([case_text(case).lower()]).T).toarray()
        prefit.append(time.perf_counter() - started)

    ms = statistics.median(ours) * 1000
    brute_ms = statistics.median(brute) * 1000 if brute else float("nan")
    prefit_ms = statistics.median(prefit) * 1000
    print(
        f"ours: median {ms:.1f} ms per new case (max {max(ours) * 1000:.1f}), "
        f"{found / len(queries):.2f} duplicates shown per case"
    )
    print(
        f"brute force A (same similarity, whole history): {brute_ms:.0f} ms per case; "
        f"ratio ours/A = {ms / brute_ms:.4f}"
    )
    print(
        f"brute force B (whole-history index, built in {build_s:.1f} s): "
        f"{prefit_ms:.1f} ms per case; ratio ours/B = {ms / prefit_ms:.3f}"
    )


if __name__ == "__main__":
    main()
