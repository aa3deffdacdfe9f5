"""Server time of the console's and the portal's pages, with the demo and with 100k cases.

Run from the checkout:  .venv/bin/python bench/pages.py [--size 100000] [--runs 15]

1. Setup (timed apart): a scratch SQLite database under var/bench/pages/, migrated, with the
   demo loaded (`load_demo`: the New York City tree, 839 cases, the demo logins); kept for
   later runs as demo.sqlite3.
2. Pages with the demo data: each page requested in process through Django's test client
   (the whole middleware stack and template rendering; no network), a few warm-up requests,
   then the median of --runs. The baseline is the login page (a form and the base template),
   measured the same way in the same run; each page is printed in ms and as a ratio to it.
   Aim: every page under 200 ms.
3. Bulk cases up to --size: rows copied from the demo's cases (their units, places, points,
   categories and kinds), points moved by up to ~300 m, received at a random moment of the
   last two years; the last 14 days open (received, dispatched, accepted, replied, followed
   up; a share of the dispatched and accepted ones past their deadline, others due within a
   day), older ones closed, rejected or merged; 10 % confidential, 10 % anonymous; one lead
   assignment per dispatched case. Inserted with executemany in one transaction, then
   ANALYZE; the insert is timed and printed as setup. The same pages measured again.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
VAR = REPO / "var" / "bench" / "pages"
AIM_MS = 200.0

sys.path.insert(0, str(REPO / "src"))
os.environ["GRASSROOTS_VAR_DIR"] = str(VAR)
# The test settings, also under `make bench` (whose Makefile exports the local ones): the
# Django test client below sends Host: testserver, which only they allow.
os.environ["DJANGO_SETTINGS_MODULE"] = "grassroots.settings.test"
os.environ.pop("DATABASE_URL", None)  # this bench runs on its own SQLite file


def say(text: str) -> None:
    print(text, flush=True)


def _use(name: str) -> None:
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = str(VAR / name)


def _copy(src: str, dst: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        (VAR / (dst + suffix)).unlink(missing_ok=True)
    shutil.copyfile(VAR / src, VAR / dst)


def build_demo() -> None:
    """A migrated database with the demo loaded (built once, reused by later runs)."""
    from django.core.management import call_command
    from django.db import connection

    if (VAR / "demo.sqlite3").exists():
        say("setup: reusing var/bench/pages/demo.sqlite3")
        return
    _use("building.sqlite3")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    from grassroots.demo.builder import load_demo

    summary = load_demo()
    connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    (VAR / "building.sqlite3").rename(VAR / "demo.sqlite3")
    say(f"setup: migrate + demo load {time.perf_counter() - started:.1f} s ({summary.cases})")


def _server_ms(fetch: Callable[[], Any], runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU milliseconds of one request (SQLite runs in this process,
    so CPU time holds the database's work too and is steadier on a busy machine)."""
    for _ in range(3):
        fetch()
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = fetch()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, (response.status_code, response.content[:300])
    return statistics.median(wall), statistics.median(cpu)


def _pages() -> dict[str, Callable[[], Any]]:
    """The pages to measure, each as a callable issuing one request."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from grassroots.cases.models import Case

    users = get_user_model().objects

    def client(username: str | None) -> Client:
        c = Client(headers={"Accept-Language": "zh-hans"})
        if username:
            c.force_login(users.get(username=username))
        return c

    anonymous, dispatcher = client(None), client("demo-dispatcher")
    handler, supervisor = client("demo-handler-101"), client("demo-supervisor")
    # The case page of the demo case with the longest timeline (many steps and assignments).
    case = Case.objects.filter(unit__code="101").order_by("-reopen_count", "-supervise_count")[0]
    point = Case.objects.filter(lat__isnull=False, unit__code="101").order_by("id")[0]
    lat, lng = round(point.lat or 0, 4), round(point.lng or 0, 4)
    bbox = f"{lng - 0.01},{lat - 0.008},{lng + 0.01},{lat + 0.008}"
    month = timezone.localdate().strftime("%Y-%m")
    return {
        "baseline: login page": lambda: anonymous.get("/login/"),
        "report page, resident": lambda: anonymous.get("/report/"),
        "phone intake, dispatcher": lambda: dispatcher.get("/console/phone/"),
        "insights dashboard, supervisor": lambda: supervisor.get(
            f"/console/insights/?period={month}"
        ),
        "monthly report, street 101": lambda: supervisor.get(
            f"/console/insights/report/?unit=101&period={month}"
        ),
        "topic of the month, list": lambda: supervisor.get("/console/insights/projects/"),
        "calls for suggestions": lambda: anonymous.get("/suggestions/"),
        "meetings, supervisor": lambda: supervisor.get("/console/meetings/"),
        "conversations": lambda: anonymous.get("/conversations/"),
        "inbox, dispatcher, dispatch queue": lambda: dispatcher.get("/console/?tab=dispatch"),
        "inbox, dispatcher, all cases": lambda: dispatcher.get("/console/?tab=all"),
        "inbox, dispatcher, overdue": lambda: dispatcher.get("/console/?tab=overdue"),
        "inbox, handler 101, my units": lambda: handler.get("/console/?tab=mine"),
        "inbox, handler 101, all cases": lambda: handler.get("/console/?tab=all"),
        "case page, dispatcher": lambda: dispatcher.get(f"/console/cases/{case.pk}/"),
        "case page, handler 101": lambda: handler.get(f"/console/cases/{case.pk}/"),
        "board, supervisor": lambda: supervisor.get("/console/board/"),
        "board, supervisor, 72 h": lambda: supervisor.get("/console/board/?window=72"),
        "board, handler 101": lambda: handler.get("/console/board/"),
        "nearby page, a point": lambda: anonymous.get(f"/nearby/?lat={lat}&lng={lng}"),
        "nearby page, no place": lambda: anonymous.get("/nearby/"),
        "nearby GeoJSON, 2 km box": lambda: anonymous.get(f"/nearby/cases.geojson?bbox={bbox}"),
        "nearby GeoJSON, 90 days": lambda: anonymous.get(
            f"/nearby/cases.geojson?bbox={bbox}&days=90"
        ),
    }


def measure(label: str, runs: int) -> None:
    from django.db import connection

    pages = _pages()
    results = {name: _server_ms(fetch, runs) for name, fetch in pages.items()}
    count = connection.cursor().execute("SELECT count(*) FROM cases_case").fetchone()[0]
    base_wall, base_cpu = results["baseline: login page"]
    load = os.getloadavg()[0]
    say(f"\n{label}: {count:,} cases; median of {runs} requests each; load average {load:.1f}")
    say(f"  {'page':<36} {'wall ms':>8} {'cpu ms':>8} {'× baseline (cpu)':>17}")
    for name, (wall, cpu) in results.items():
        flag = "" if cpu < AIM_MS else f"  over {AIM_MS:.0f} ms"
        say(f"  {name:<36} {wall:>8.1f} {cpu:>8.1f} {cpu / base_cpu:>17.1f}{flag}")
    say(f"  (baseline wall {base_wall:.1f} ms)")


OPEN_MIX = [
    ("received", 6),
    ("dispatched", 14),
    ("accepted", 50),
    ("replied", 18),
    ("followed_up", 12),
]
OLD_MIX = [("closed", 88), ("rejected", 5), ("merged", 7)]


def _pick(rng: random.Random, mix: list[tuple[str, int]]) -> str:
    return rng.choices([m[0] for m in mix], weights=[m[1] for m in mix])[0]


def _bulk_row(
    base: dict[str, Any], rng: random.Random, n: int, now: datetime, pk: int
) -> dict[str, Any]:
    row = dict(base)
    received = now - timedelta(seconds=rng.randrange(1, 730 * 86400))
    fresh = now - received < timedelta(days=14)
    status = _pick(rng, OPEN_MIX if fresh else OLD_MIX)
    due = received + timedelta(days=rng.choice((1, 3, 5, 10, 15)))
    if status in ("dispatched", "accepted"):
        # Fresh running cases: about a third overdue, a tenth due within the day.
        due = now + timedelta(hours=rng.choice((-72, -30, -5, 3, 20, 48, 96, 150, 200, 300)))
    at = lambda t: t.strftime("%Y-%m-%d %H:%M:%S.%f")  # noqa: E731
    row.update(
        id=pk,
        tracking_code=f"B{n:09d}",
        status=status,
        received_at=at(received),
        created_at=at(received),
        updated_at=at(received),
        dispatched_at=None if status == "received" else at(received + timedelta(hours=1)),
        closed_at=at(received + timedelta(days=6)) if status == "closed" else None,
        respond_due=None if status == "received" else at(received + timedelta(hours=4)),
        resolve_due=None if status in ("received", "rejected", "merged") else at(due),
        confidential=int(rng.random() < 0.1),
        parent_id=None,
    )
    if status == "received":
        row["unit_id"] = None
    if rng.random() < 0.1:
        row.update(anonymous=1, resident_id=None)
    if row["lat"] is not None and row["lng"] is not None:
        row["lat"] += rng.uniform(-0.003, 0.003)
        row["lng"] += rng.uniform(-0.003, 0.003)
    return row


def bulk_cases(size: int) -> None:
    """Rows like the demo's, up to `size` cases, with one lead assignment per handled case."""
    db = sqlite3.connect(VAR / "work.sqlite3", isolation_level=None)
    db.row_factory = sqlite3.Row
    have = db.execute("SELECT count(*) FROM cases_case").fetchone()[0]
    demo = [
        dict(r) for r in db.execute("SELECT * FROM cases_case WHERE tracking_code NOT LIKE 'B%'")
    ]
    assignment = dict(db.execute("SELECT * FROM cases_caseassignment LIMIT 1").fetchone())
    rng, now = random.Random(6), datetime.now(UTC)
    first = db.execute("SELECT max(id) FROM cases_case").fetchone()[0] + 1
    first_a = db.execute("SELECT max(id) FROM cases_caseassignment").fetchone()[0] + 1
    rows = [_bulk_row(rng.choice(demo), rng, n, now, first + n) for n in range(size - have)]
    links = []
    for row in rows:
        if row["unit_id"] is not None and row["status"] != "merged":
            done = row["status"] in ("closed", "followed_up", "replied")
            link = dict(assignment, id=first_a + len(links), case_id=row["id"])
            link.update(unit_id=row["unit_id"], role="lead", status="ended" if done else "accepted")
            link.update(created_at=row["received_at"], updated_at=row["received_at"])
            links.append(link)
    started = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    for table, batch in (("cases_case", rows), ("cases_caseassignment", links)):
        if batch:
            cols = list(batch[0])
            sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            db.executemany(sql, [tuple(r[c] for c in cols) for r in batch])
    db.execute("COMMIT")
    db.execute("ANALYZE")
    seconds = time.perf_counter() - started
    db.close()
    say(f"\nsetup: {len(rows):,} cases and {len(links):,} assignments inserted in {seconds:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--demo-only", action="store_true", help="Skip the bulk cases.")
    args = parser.parse_args()
    VAR.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    build_demo()
    _copy("demo.sqlite3", "work.sqlite3")
    _use("work.sqlite3")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # migrations newer than the kept demo database
    measure("demo data", args.runs)
    if args.demo_only:
        return
    _use("work.sqlite3")
    from django.db import connection

    connection.close()
    bulk_cases(args.size)
    _use("work.sqlite3")
    measure(f"{args.size:,} cases", args.runs)


if __name__ == "__main__":
    main()
