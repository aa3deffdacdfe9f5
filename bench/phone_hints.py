"""Phone-intake hints while the operator types, with 100,000 cases in history: the duplicate
similarity from the per-process n-gram index (now) against scikit-learn's TF-IDF fitted on
the candidates at every call (before), in the same run.

Run from the checkout:  .venv/bin/python bench/phone_hints.py [--calls 8] [--messages 6]

Uses bench/duplicates.py's SQLite database (built once: 200 streets, 100,000 cases over a
year, texts from Teddy Cup attachment 3) and adds, once, a busy community holding 1,500 open
cases of the last 20 days (the case docs/domain/web.md measured at 1.2–1.5 s a hint). Each
message is "typed" as `--calls` drafts of growing length; each draft is one hint call, i.e.
`web.views.phone.triage_hints` as `/console/phone/hints/` runs it (category, urgency,
duplicates, visibility), with the pin in:

- the busy area (its street: the 1,500 plus the street's own, about 1,540 candidates),
- an ordinary street (about 40 candidates in the 30-day window),
- nowhere yet (no place filter: the 2,000 most recent cases of the city).

"before" and "now" alternate call by call, so load changes hit both alike. "now" starts each
scenario with an empty index (the first call reads every candidate: "cold"), then runs warm,
as a process serving many calls does. Both give the same duplicates (checked per call).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import duplicates as base
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from grassroots.accounts.models import User
from grassroots.cases.enums import CaseStatus
from grassroots.cases.models import Case
from grassroots.core import clock
from grassroots.organizations.enums import Role, UnitLevel
from grassroots.organizations.models import Unit
from grassroots.organizations.services import create_unit, grant_role
from grassroots.triage import duplicates, similarity
from grassroots.triage.defaults.demo_model import ensure_demo_model
from grassroots.triage.services import load_default_rules
from grassroots.web.views import phone

BUSY = 1500


def before(text: str, others: Sequence[str], **_: Any) -> np.ndarray:
    """The similarity as it was: a vectoriser fitted on the draft and every candidate."""
    if not others:
        return np.zeros(0)
    vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), sublinear_tf=True)
    try:
        matrix = vectoriser.fit_transform([text.lower(), *(o.lower() for o in others)])
    except ValueError:
        return np.zeros(len(others))
    return np.asarray((matrix[1:] @ matrix[0].T).toarray()).ravel()


def setup(corpus: list[tuple[str, str]]) -> tuple[Any, Unit, Unit]:
    """The dispatcher, the busy community (added once) and an ordinary street."""
    busy = Unit.objects.filter(code="BBUSY").first()
    if busy is not None and busy.level != UnitLevel.COMMUNITY:  # a first version's street
        Case.objects.filter(place_unit=busy).delete()
        busy.delete()
        busy = None
    base.build(100_000, corpus)
    city = Unit.objects.get(code="BCITY")
    if busy is None:
        print(f"adding a busy community with {BUSY} open cases (once) ...", flush=True)
        # A community of street BS000, so that bench/duplicates.py still finds its 200 streets.
        busy = create_unit(
            "BBUSY",
            actor=None,
            level=UnitLevel.COMMUNITY,
            parent=Unit.objects.get(code="BS000"),
            name_zh="忙",
            name_en="Busy",
        )
        rng, now = random.Random(base.SEED + 2), clock.now()
        Case.objects.bulk_create(
            Case(
                tracking_code=f"BB{i:08d}",
                secret="x",
                kind="complaint",
                channel="web",
                subject=corpus[(i * 7) % len(corpus)][0] or "-",
                description=corpus[(i * 7) % len(corpus)][1],
                status=CaseStatus.ACCEPTED,
                place_unit=busy,
                received_at=now - timedelta(minutes=rng.uniform(0, 20 * 24 * 60)),
            )
            for i in range(BUSY)
        )
        load_default_rules(actor=None)
        ensure_demo_model()
    user, _new = User.objects.get_or_create(username="bench-dispatcher")
    grant_role(user, unit=city, role=Role.DISPATCHER, actor=None)
    street = Unit.objects.filter(level=UnitLevel.STREET).order_by("code")[7]
    return user, busy, street


def drafts(subject: str, description: str, calls: int) -> list[dict[str, str]]:
    """What the form holds at each hint call while the operator types the description."""
    cuts = [max(4, round(len(description) * (i + 1) / calls)) for i in range(calls)]
    return [{"subject": subject, "description": description[:cut]} for cut in cuts]


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    out = call()
    return time.perf_counter() - started, out


def scenario(
    name: str, user: Any, place: Unit | None, messages: list[tuple[str, str]], calls: int
) -> None:
    phone.geo_index.locate = lambda lat, lng: place  # type: ignore[assignment,misc,return-value]
    data_pin = {"lat": "39.5", "lng": "116.5"} if place is not None else {}
    similarity.INDEX.clear()
    old_ms: list[float] = []
    new_ms: list[float] = []
    cold_new = cold_old = 0.0
    for m, (subject, description) in enumerate(messages):
        for c, draft in enumerate(drafts(subject, description, calls)):
            data = {**draft, **data_pin}
            duplicates.similarities = before  # type: ignore[assignment]
            t_old, out_old = timed(lambda data=data: phone.triage_hints(user, data))
            duplicates.similarities = similarity.similarities
            t_new, out_new = timed(lambda data=data: phone.triage_hints(user, data))
            same = [(d["case_id"], d["similarity"]) for d in out_old.get("duplicates", [])]
            assert same == [(d["case_id"], d["similarity"]) for d in out_new.get("duplicates", [])]
            if m == 0 and c == 0:
                cold_old, cold_new = t_old, t_new
                continue
            old_ms.append(t_old * 1000)
            new_ms.append(t_new * 1000)
    draft = {**drafts(*messages[0], 1)[0], **data_pin}
    found = len(duplicates.candidates(phone._draft_case(draft, clock.now())))
    o, n = statistics.median(old_ms), statistics.median(new_ms)
    print(
        f"{name:<24} candidates={found:>5}  before: cold {cold_old * 1000:7.0f} ms, "
        f"median {o:7.1f} ms | now: cold {cold_new * 1000:7.0f} ms, median {n:6.1f} ms | "
        f"now/before {n / o:.3f} (cold {cold_new / cold_old:.3f})",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=8, help="hint calls per typed message")
    parser.add_argument("--messages", type=int, default=6)
    args = parser.parse_args()
    corpus = base.texts()
    user, busy, street = setup(corpus)
    rng = random.Random(base.SEED + 3)
    messages = [rng.choice(corpus) for _ in range(args.messages)]
    print(f"load average before: {os.getloadavg()}")
    print(f"{args.messages} messages x {args.calls} hint calls each; medians exclude the first")
    scenario("pin in the busy area", user, busy, messages, args.calls)
    scenario("pin in a quiet street", user, street, messages, args.calls)
    scenario("no pin yet", user, None, messages, args.calls)
    print(f"load average after: {os.getloadavg()}")
    print(f"index: {len(similarity.INDEX)} texts, {similarity.INDEX.columns} n-gram columns")


if __name__ == "__main__":
    main()
