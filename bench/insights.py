"""Benchmark of the history import and of the KPI table, each against a baseline in the same run.

Run from the checkout:  .venv/bin/python bench/insights.py [--size 1000000] [--month 2014-03]

1. Setup: a scratch SQLite database under var/bench/insights/ (migrated once, then copied),
   holding New York City, its 5 boroughs (districts) with their 59 community boards (streets),
   and the 51 council district offices (departments) that handle the casework.
2. Import: `import_cases` of the NYC council casework file (341k rows, 2015–2025) into a copy,
   timed; then the same case rows (read back) inserted raw with `executemany` in batches of
   10,000, one transaction each, into the cases table of a fresh copy: the floor for writing
   those rows at all. Prints both rates and their ratio (aim: import ≥ 10,000 cases/s and
   ≥ 0.25 of the raw rate).
3. KPI table: the imported cases replicated with dates shifted by whole weeks (bench-only
   rows with synthetic responses, follow-ups, returns and a few unreasonable-demand marks) up
   to --size cases; `grassroots insights rebuild`; then the table of all departments and of all
   streets for one month, from the roll-ups (the API's path) and from the naive GROUP BY over
   the cases, timed (median of several runs) and compared row by row. Aim: < 200 ms and ≥ 20×.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
VAR = REPO / "var" / "bench" / "insights"
DATA = REPO.parent / "shared" / "data" / "service_requests_311"
CASEWORK = DATA / "nyc_council_constituent_casework.csv.gz"
BOROUGHS = {"Manhattan": 1, "Bronx": 2, "Brooklyn": 3, "Queens": 4, "Staten Island": 5}
BOARDS = {1: 12, 2: 12, 3: 18, 4: 14, 5: 3}
AIM_RATE, AIM_IMPORT_RATIO, AIM_MS, AIM_SPEEDUP = 10_000.0, 0.25, 200.0, 20.0
WEEK_DAYS = 7 * 522  # each replica is shifted back by about ten years, whole weeks

sys.path.insert(0, str(REPO / "src"))
os.environ["GRASSROOTS_VAR_DIR"] = str(VAR)
# The test settings, also under `make bench` (whose Makefile exports the local ones): the
# Django test client below sends Host: testserver, which only they allow.
os.environ["DJANGO_SETTINGS_MODULE"] = "grassroots.settings.test"


def say(text: str) -> None:
    print(text, flush=True)


def _db(name: str) -> Path:
    return VAR / name


def _use(name: str) -> None:
    """Point Django's default connection at another database file."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = str(_db(name))


def _copy(src: str, dst: str) -> None:
    for suffix in ("-wal", "-shm"):
        _db(dst + suffix).unlink(missing_ok=True)
    shutil.copyfile(_db(src), _db(dst))


def build_template() -> None:
    """Migrated database with the unit tree (built once, reused by later runs)."""
    from django.core.management import call_command

    from grassroots.organizations.services import create_unit

    stamp = VAR / "template.migrations"
    if _db("template.sqlite3").exists() and stamp.exists() and stamp.read_text() == _migrations():
        return
    _db("template.sqlite3").unlink(missing_ok=True)  # none yet, or built before a migration
    say("setup: migrating a fresh database and building the unit tree …")
    _use("template.sqlite3")
    call_command("migrate", verbosity=0)
    city = create_unit("NYC", level="city", name_zh="纽约市", name_en="New York City", actor=None)
    for name, digit in BOROUGHS.items():
        borough = create_unit(
            f"NYC-{digit}", level="district", name_en=name, parent=city, actor=None
        )
        for board in range(1, BOARDS[digit] + 1):
            create_unit(
                f"CB{digit}{board:02d}",
                level="street",
                parent=borough,
                actor=None,
                name_en=f"{name} Community Board {board}",
            )
    for office in range(1, 52):
        create_unit(
            f"NYCC{office:02d}",
            level="department",
            parent=city,
            actor=None,
            name_en=f"Council District {office} office",
        )
    from django.db import connection

    connection.close()
    stamp.write_text(_migrations())


def _migrations() -> str:
    """The project's migrations, by app and name: the template is rebuilt when they change."""
    from django.db.migrations.loader import MigrationLoader

    return "\n".join(sorted(f"{app}.{name}" for app, name in MigrationLoader(None).disk_migrations))


def mapping_file() -> Path:
    places = "\n".join(
        f'"{board:02d} {name}" = "CB{digit}{board:02d}"'
        for name, digit in BOROUGHS.items()
        for board in range(1, BOARDS[digit] + 1)
    )
    path = VAR / "casework.toml"
    path.write_text(
        'source = "councilcasework"\ntimezone = "America/New_York"\nkind = "petition"\n'
        f'unit_code = "{{value}}"\n[places]\n{places}\n',
        encoding="utf-8",
    )
    return path


def run_import() -> tuple[int, float]:
    from grassroots.cases.importing import import_cases, load_mapping

    _copy("template.sqlite3", "cases.sqlite3")
    _use("cases.sqlite3")
    mapping = load_mapping("councilcasework", mapping_file())
    done = [0, time.perf_counter()]

    def progress(n: int) -> None:
        done[0] += n
        if done[0] % 50_000 < n:
            say(f"  import: {done[0]:,} rows read, {time.perf_counter() - done[1]:.0f} s")

    started = time.perf_counter()
    report = import_cases(
        CASEWORK, mapping, actor=None, rejects_path=VAR / "rejects.csv", progress=progress
    )
    seconds = time.perf_counter() - started
    say(f"import: {report.line} ({dict(report.reasons)})")
    return report.imported, seconds


def raw_insert_baseline() -> tuple[int, float]:
    """The same case rows, inserted with executemany into a fresh copy's cases table."""
    source = sqlite3.connect(_db("cases.sqlite3"))
    columns = [r[1] for r in source.execute("PRAGMA table_info(cases_case)") if r[1] != "id"]
    rows = source.execute(f"SELECT {', '.join(columns)} FROM cases_case ORDER BY id").fetchall()
    source.close()
    _copy("template.sqlite3", "raw.sqlite3")
    target = sqlite3.connect(_db("raw.sqlite3"), isolation_level=None)
    target.executescript(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        "PRAGMA cache_size=-262144;"  # the page cache the importer uses too (bulk_session)
    )
    # The categories the import created, so that the rows' foreign keys hold (not timed).
    target.execute(f"ATTACH DATABASE '{_db('cases.sqlite3')}' AS src")
    target.execute(
        "INSERT INTO cases_category SELECT * FROM src.cases_category "
        "WHERE id NOT IN (SELECT id FROM main.cases_category)"
    )
    target.execute("DETACH DATABASE src")
    sql = f"INSERT INTO cases_case ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    started = time.perf_counter()
    for i in range(0, len(rows), 10_000):
        target.execute("BEGIN IMMEDIATE")
        target.executemany(sql, rows[i : i + 10_000])
        target.execute("COMMIT")
    seconds = time.perf_counter() - started
    target.close()
    return len(rows), seconds


def replicate(size: int) -> None:
    """Bench-only rows: shifted copies of the imported cases with synthetic follow-ups."""
    db = sqlite3.connect(_db("cases.sqlite3"), isolation_level=None)
    columns = [r[1] for r in db.execute("PRAGMA table_info(cases_case)") if r[1] != "id"]
    base = db.execute("SELECT count(*) FROM cases_case").fetchone()[0]
    shifted = {"received_at", "dispatched_at", "closed_at", "respond_due", "resolve_due"}
    copy = 1
    while db.execute("SELECT count(*) FROM cases_case").fetchone()[0] < size:
        days = -WEEK_DAYS * copy
        exprs = []
        for c in columns:
            if c == "tracking_code":
                exprs.append(f"'{copy + 6}' || substr(tracking_code, 2)")  # bench-only codes
            elif c in shifted:
                exprs.append(f"datetime({c}, '{days} days')")
            elif c == "responded_at":
                exprs.append(f"datetime(received_at, '{days} days', '+' || (id % 30) || ' hours')")
            elif c == "resolved":
                exprs.append(
                    "CASE WHEN closed_at IS NULL THEN NULL WHEN id % 7 = 0 THEN 0 ELSE 1 END"
                )
            elif c == "satisfaction":
                exprs.append(
                    "CASE WHEN closed_at IS NULL THEN '' WHEN id % 5 = 0 THEN 'unsatisfied'"
                    " WHEN id % 5 = 1 THEN 'basic' ELSE 'satisfied' END"
                )
            elif c == "return_count":
                exprs.append("CASE WHEN id % 23 = 0 THEN 1 ELSE 0 END")
            elif c == "reopen_count":
                exprs.append("CASE WHEN id % 31 = 0 THEN 1 ELSE 0 END")
            else:
                exprs.append(c)
        limit = size - db.execute("SELECT count(*) FROM cases_case").fetchone()[0]
        db.execute("BEGIN IMMEDIATE")
        db.execute(
            f"INSERT INTO cases_case ({', '.join(columns)}) SELECT {', '.join(exprs)} "
            f"FROM cases_case WHERE id <= {base} ORDER BY id LIMIT {limit}"
        )
        db.execute("COMMIT")
        total = db.execute("SELECT count(*) FROM cases_case").fetchone()[0]
        say(f"  replicated copy {copy}: {total:,} cases")
        copy += 1
    db.execute("BEGIN IMMEDIATE")
    db.execute(
        "INSERT INTO insights_demandmark (case_id, reason, marked_at, withdrawal_reason) "
        f"SELECT id, 'bench', received_at, '' FROM cases_case WHERE id > {base} AND id % 997 = 0"
    )
    db.execute("COMMIT")
    db.close()


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Median milliseconds over `runs` calls, after one warm-up call."""
    times, result = [], fn()
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def kpi_phase(month: str, *, rebuild: bool = True) -> bool:
    from django.test import Client

    from grassroots.accounts.models import User
    from grassroots.accounts.services import issue_token
    from grassroots.core import clock
    from grassroots.insights.kpis import Scope, kpi_table
    from grassroots.insights.naive import naive_buckets
    from grassroots.insights.periods import parse_period
    from grassroots.insights.services import rebuild_rollups
    from grassroots.organizations.models import Unit
    from grassroots.organizations.services import grant_role

    _use("cases.sqlite3")
    if rebuild:
        started = time.perf_counter()
        report = rebuild_rollups()
        say(f"rebuild: {report.cases:,} case facts in {time.perf_counter() - started:.1f} s")
    from django.db import connection

    with connection.cursor() as cursor:  # steady state: the rebuild's WAL written back
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    period, now, ok = parse_period(month), clock.now(), True
    user = User.objects.filter(username="bench-supervisor").first()
    if user is None:
        user = User.objects.create_user(username="bench-supervisor", password="bench-only-pw")
        grant_role(user, unit=Unit.objects.get(code="NYC"), role="supervisor", actor=None)
    key, _token = issue_token(user, actor=None)
    client = Client()
    for level in ("department",):  # the 51 offices that handle the casework

        def fast(level: str = level) -> Any:
            return kpi_table(level, period, unit=None, scope=Scope(None), now=now)

        def naive(level: str = level) -> Any:
            return kpi_table(
                level, period, unit=None, scope=Scope(None), now=now, reader=naive_buckets
            )

        def http(level: str = level) -> Any:
            return client.get(
                "/api/v1/insights/kpis",
                {"level": level, "period": month},
                headers={"Authorization": f"Bearer {key}"},
            )

        fast_ms, rows = timed(fast, 21)
        naive_ms, naive_rows = timed(naive, 5)
        http_ms, response = timed(http, 11)
        equal = rows == naive_rows and response.status_code == 200
        cases = sum(r["received"] for r in rows)
        say(
            f"kpi {level} {month}: {len(rows)} units, {cases:,} cases; roll-ups {fast_ms:.1f} ms "
            f"(API {http_ms:.1f} ms), naive GROUP BY {naive_ms:.1f} ms, "
            f"speed-up {naive_ms / fast_ms:.1f}x, equal numbers: {equal}"
        )
        ok = ok and equal and http_ms < AIM_MS and naive_ms / fast_ms >= AIM_SPEEDUP
    return ok


def _count_cases() -> int:
    if not _db("cases.sqlite3").exists():
        return 0
    db = sqlite3.connect(_db("cases.sqlite3"))
    count: int = db.execute("SELECT count(*) FROM cases_case").fetchone()[0]
    db.close()
    return count


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the import's reader)."""
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _own_cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    return me.ru_utime + me.ru_stime


def import_phase() -> bool:
    """Import, then the raw insert of the same rows; rates by wall clock and by CPU time."""
    cpu, own = _cpu(), _own_cpu()
    imported, seconds = run_import()
    cpu, own = _cpu() - cpu, _own_cpu() - own
    load = os.getloadavg()[0]
    raw_cpu = _cpu()
    rows, raw_seconds = raw_insert_baseline()
    raw_cpu = _cpu() - raw_cpu
    rate, raw_rate = imported / seconds, rows / raw_seconds
    say(
        f"import: {rate:,.0f} cases/s ({imported / cpu:,.0f} per CPU second of both processes, "
        f"{imported / own:,.0f} of the writer's); raw executemany "
        f"of the same {rows:,} rows: {raw_rate:,.0f} rows/s ({rows / raw_cpu:,.0f} per CPU "
        f"second); ratio {rate / raw_rate:.2f} (CPU {imported / cpu / (rows / raw_cpu):.2f}); "
        f"load {load:.1f} → {os.getloadavg()[0]:.1f} "
        f"(aim ≥ {AIM_RATE:,.0f}/s and ≥ {AIM_IMPORT_RATIO})"
    )
    return rate >= AIM_RATE and rate / raw_rate >= AIM_IMPORT_RATIO


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument(
        "--no-rebuild", action="store_true", help="with --only kpi: roll-ups already rebuilt"
    )
    parser.add_argument("--month", default="2007-07")  # the busiest replica month
    parser.add_argument(
        "--only", choices=("import", "kpi"), help="one part (kpi: reuses the last run's cases)"
    )
    args = parser.parse_args()
    if not CASEWORK.exists():
        say(f"needs {CASEWORK}")
        return
    VAR.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    build_template()
    import_ok = ok = True
    if args.only != "kpi":
        import_ok = import_phase()
    if args.only != "import":
        count = _count_cases()
        if count == 0:
            say("needs a previous import (run without --only kpi)")
            return
        if count < args.size:
            replicate(args.size)
        ok = kpi_phase(args.month, rebuild=not args.no_rebuild)
    verdict = {True: "met", False: "NOT met"}
    parts = [f"import {verdict[import_ok]}"] if args.only != "kpi" else []
    parts += [f"kpi {verdict[ok]}"] if args.only != "import" else []
    say(f"result: {', '.join(parts)}")


if __name__ == "__main__":
    main()
