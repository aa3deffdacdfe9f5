"""Crash the real processes and count what survived: shared by tests/reliability and bench/crash.py.

`Deployment` is one throw-away database (an SQLite file in a temporary folder, or a PostgreSQL
database created and dropped here) with the real server (granian) and the real task worker
(`grassroots db_worker`) started as separate process groups, so that SIGKILL hits them as a
power cut would hit a process: no cleanup, no flush, no goodbye.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
CASE = {"kind": "complaint", "subject": "Crash test", "description": "Posted while crashing."}


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Deployment:
    """One database and the processes that serve it; `engine` is "sqlite" or "postgresql"."""

    engine: str
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="gr-crash-")))
    port: int = field(default_factory=free_port)
    server: subprocess.Popen[bytes] | None = None
    worker: subprocess.Popen[bytes] | None = None
    pg_name: str = field(
        default_factory=lambda: f"reliability_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    )

    @property
    def env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "grassroots.settings.local",
            "GRASSROOTS_VAR_DIR": str(self.root),
            "CASE_INTAKE_RATE_PER_MINUTE": "0",
            "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}",
        }
        env.pop("TEST_DATABASE_NAME", None)
        if self.engine == "postgresql":
            env["DATABASE_URL"] = f"{_pg_base()}/{self.pg_name}"
        else:
            env.pop("DATABASE_URL", None)
        return env

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- lifecycle -------------------------------------------------------------------------
    def create(self) -> None:
        """Create the database (PostgreSQL) and migrate it."""
        if self.engine == "postgresql":
            _pg_admin(f'CREATE DATABASE "{self.pg_name}"')
        self.manage("migrate", "--noinput", "-v", "0")

    def destroy(self) -> None:
        """Stop what still runs and drop the database."""
        for proc in (self.server, self.worker):
            kill(proc)
        if self.engine == "postgresql":
            _pg_admin(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')

    def manage(self, *args: str) -> str:
        """Run a management command to its end; returns its output, raises with its errors."""
        done = subprocess.run(
            [PYTHON, "-m", "grassroots", *args],
            env=self.env,
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode:
            raise RuntimeError(f"{args}: {done.stderr[-3000:]}")
        return done.stdout

    def python(self, code: str) -> str:
        """Run Python with Django set up against this deployment; returns what it printed."""
        prelude = "import django; django.setup()\n"
        done = subprocess.run(
            [PYTHON, "-c", prelude + code],
            env=self.env,
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode:
            raise RuntimeError(done.stderr[-3000:])
        return done.stdout

    def count(self, sql: str) -> int:
        """One number from the database, read directly (fast enough to poll)."""
        if self.engine == "postgresql":
            import psycopg

            with psycopg.connect(f"{_pg_base()}/{self.pg_name}") as conn:
                row = conn.execute(sql).fetchone()  # type: ignore[arg-type]
        else:
            import sqlite3

            with closing(sqlite3.connect(self.root / "grassroots.sqlite3", timeout=30)) as conn:
                row = conn.execute(sql).fetchone()
        return int(row[0]) if row else 0

    def start_server(self) -> None:
        self.server = _spawn(
            [PYTHON, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", "1", "--blocking-threads", "4",
             "grassroots.wsgi:application"],
            self.env, self.root / "server.log",
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/api/v1/health", timeout=1).status_code == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError("server did not start: " + (self.root / "server.log").read_text())

    def start_worker(self) -> None:
        self.worker = _spawn(
            [PYTHON, "-m", "grassroots", "db_worker", "--interval", "0.05", "--no-startup-delay"],
            self.env,
            self.root / "worker.log",
        )


def _spawn(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    # A new session: SIGKILL to the group takes granian's worker processes down with it.
    with log.open("ab") as out:
        return subprocess.Popen(
            cmd, env=env, cwd=log.parent, stdout=out, stderr=out, start_new_session=True
        )


def kill(proc: subprocess.Popen[bytes] | None) -> None:
    """SIGKILL the process group of `proc` (ours only) and reap it."""
    if proc is None or proc.poll() is not None:
        return
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def _pg_base() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url.rsplit("/", 1)[0]


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{_pg_base()}/postgres", autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


@contextmanager
def deployment(engine: str) -> Iterator[Deployment]:
    """A migrated deployment, destroyed on exit."""
    dep = Deployment(engine)
    try:
        dep.create()
        yield dep
    finally:
        dep.destroy()


# --- intake under a crash ---------------------------------------------------------------------
@dataclass
class Intake:
    """What the clients saw: acknowledged keys with their case, and keys sent without an answer."""

    acked: dict[str, tuple[int, str]] = field(default_factory=dict)
    unanswered: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


def post_case(url: str, key: str, timeout: float = 10) -> tuple[int, str] | None:
    """POST one case with `key`; its (id, tracking code) on 201, None when no answer came."""
    try:
        response = httpx.post(
            f"{url}/api/v1/cases", json=CASE, headers={"Idempotency-Key": key}, timeout=timeout
        )
    except httpx.HTTPError:
        return None
    if response.status_code != 201:
        raise AssertionError(f"{key}: {response.status_code} {response.text[:300]}")
    body = response.json()
    return int(body["id"]), str(body["tracking_code"])


def crash_intake(dep: Deployment, *, clients: int, kill_after: int) -> Intake:
    """Post from `clients` threads until `kill_after` cases were acknowledged, then SIGKILL."""
    intake = Intake()
    stop = threading.Event()

    def client(n: int) -> None:
        i = 0
        while not stop.is_set():
            key = f"crash-{n}-{i}-{uuid.uuid4().hex[:8]}"
            i += 1
            with intake.lock:
                intake.unanswered.add(key)
            result = post_case(dep.url, key, timeout=5)
            if result is None:
                return  # the server is gone: this key may or may not have been committed
            with intake.lock:
                intake.unanswered.discard(key)
                intake.acked[key] = result

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    while len(intake.acked) < kill_after and all(t.is_alive() for t in threads):
        time.sleep(0.005)
    kill(dep.server)
    stop.set()
    for t in threads:
        t.join(timeout=30)
    return intake


def stored_codes(dep: Deployment) -> list[str]:
    """Every case's tracking code in the database, read by a fresh process."""
    out = dep.python(
        "from grassroots.cases.models import Case\n"
        "print('\\n'.join(Case.objects.values_list('tracking_code', flat=True)))"
    )
    return [line for line in out.splitlines() if line]


@dataclass
class IntakeVerdict:
    acked: int
    unanswered: int
    stored: int
    lost: list[str]
    duplicated: list[str]
    replay_mismatch: list[str]
    unanswered_committed: int
    extra: int

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated or self.replay_mismatch or self.extra)


def verify_intake(dep: Deployment, intake: Intake) -> IntakeVerdict:
    """After the restart: each acknowledged case stored once; every key replays its own case."""
    codes = stored_codes(dep)
    counted = {c: codes.count(c) for c in set(codes)}
    acked_codes = {code for _id, code in intake.acked.values()}
    mismatch = [key for key, first in intake.acked.items() if post_case(dep.url, key) != first]
    # An unanswered key may have been committed just before the kill: its retry must return
    # that case (so it is among the stored ones); otherwise the retry creates it now.
    retried = {key: post_case(dep.url, key) for key in intake.unanswered}
    after = stored_codes(dep)
    retried_codes = {r[1] for r in retried.values() if r is not None}
    committed_before = len(retried_codes & set(codes))
    return IntakeVerdict(
        acked=len(intake.acked),
        unanswered=len(intake.unanswered),
        stored=len(codes),
        lost=sorted(acked_codes - set(codes)),
        duplicated=sorted(c for c, n in counted.items() if n > 1),
        replay_mismatch=mismatch,
        unanswered_committed=committed_before,
        extra=len(after) - len(acked_codes | retried_codes),
    )


# --- deadline sweep under a crash ---------------------------------------------------------------
SEED_OVERDUE = """
from datetime import timedelta
from grassroots.core import clock
from grassroots.cases import services
from grassroots.organizations import services as org
from grassroots.accounts.models import User
city = org.create_unit("CRASHCITY", level="city", name_zh="市", name_en="City", actor=None)
district = org.create_unit("CRASHD1", level="district", name_zh="区", name_en="District",
                           parent=city, actor=None)
street = org.create_unit("CRASHS1", level="street", name_zh="街", name_en="Street",
                         parent=district, actor=None)
for name, role, unit in [("sup-city", "supervisor", city), ("sup-street", "supervisor", street),
                         ("sup-street2", "supervisor", street), ("disp", "dispatcher", city),
                         ("hand", "handler", street)]:
    org.grant_role(User.objects.create(username=name), unit=unit, role=role, actor=None)
dispatcher = User.objects.get(username="disp")
with clock.at(clock.now() - timedelta(days=60)):
    for i in range({n}):
        draft = services.CaseDraft(kind="complaint", subject=f"Overdue {{i}}", description="x")
        case = services.submit_case(draft, actor=None).case
        services.dispatch_case(case, unit=street, actor=dispatcher)
print("seeded")
"""

SWEEP_STATE = """
from django.db.models import Count
from grassroots.accounts.models import Notification
from grassroots.cases.models import Case, CaseEvent
events = (  # the resolve deadline's escalations (a respond one is its own step)
    CaseEvent.objects.filter(type="escalated", data__deadline="resolve")
    .values("case").annotate(n=Count("id"))
)
notes = Notification.objects.filter(kind="case.escalated").values("link", "user").annotate(
    n=Count("id"))
print(Case.objects.count(), Case.objects.filter(escalated=True).count(),
      sum(1 for e in events if e["n"] == 1), sum(1 for e in events if e["n"] > 1),
      Notification.objects.filter(kind="case.escalated").count(),
      sum(1 for x in notes if x["n"] > 1))
"""


# What `grassroots scheduler` does each interval, for this one task only.
ENQUEUE_SWEEP = "from grassroots.cases.tasks import sweep_deadlines; sweep_deadlines.enqueue()"


@dataclass
class SweepVerdict:
    cases: int
    escalated: int
    one_event: int
    many_events: int
    notifications: int
    duplicate_notifications: int
    killed_at: int

    @property
    def ok(self) -> bool:
        # two street supervisors (the nearest level) are notified for each case
        return (
            self.escalated == self.cases == self.one_event
            and self.many_events == 0
            and self.notifications == 2 * self.cases
            and self.duplicate_notifications == 0
        )


def sweep_state(dep: Deployment) -> list[int]:
    return [int(x) for x in dep.python(SWEEP_STATE).split()]


def crash_sweep(dep: Deployment, *, cases: int, kill_at: int) -> SweepVerdict:
    """Escalate `cases` overdue cases; SIGKILL the worker after about `kill_at` of them."""
    dep.python(SEED_OVERDUE.format(n=cases))
    dep.python(ENQUEUE_SWEEP)
    dep.start_worker()
    killed_at = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        killed_at = dep.count("SELECT count(*) FROM cases_case WHERE escalated")
        if killed_at >= kill_at:
            break
        time.sleep(0.05)
    kill(dep.worker)
    # After the restart the next scheduled sweep catches up (ADR 0005); the killed task's own
    # row stays "running" and is never retried, which is why the sweep works from state.
    dep.python(ENQUEUE_SWEEP)
    dep.manage("db_worker", "--batch", "--no-startup-delay")
    state = sweep_state(dep)
    return SweepVerdict(*state, killed_at=killed_at)


def summary(verdict: Any) -> str:
    return ", ".join(f"{k}={v}" for k, v in vars(verdict).items())
