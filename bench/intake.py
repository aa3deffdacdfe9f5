"""Benchmark of case intake over HTTP: the app under its real server (granian) on loopback.

Run from the checkout:  .venv/bin/python bench/intake.py [--clients 8] [--seconds 10]
                        [--workers 1] [--threads 8] [--postgres postgres://postgres@127.0.0.1:5432/]

Builds (once, then reuses) a SQLite database under var/bench/intake/ holding the NYC demo (so
that intake locates points into real grids), serves it with granian on a free loopback port,
and drives concurrent keep-alive clients (threads with `http.client`) for a fixed time against
(a) GET /api/v1/health, the framework's own floor, and (b) POST /api/v1/cases with realistic
bodies (NYC points, one Idempotency-Key per request). It prints requests/s, p50 and p99 of
each and the ratio intake/floor, then checks that every 201 the clients received names a case
stored exactly once. With --postgres it does the same on a scratch database `bench_intake`
(created and dropped). The anonymous intake rate limit is switched off for the server
(CASE_INTAKE_RATE_PER_MINUTE=0). The server is always stopped. The defaults are those of
`grassroots serve` (one worker, eight threads: see docs/domain/cases.md "Intake speed" for why
one process suits SQLite); SQLite keeps the project's durability settings (WAL,
synchronous=FULL unless SQLITE_SYNCHRONOUS says otherwise).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
VAR = REPO / "var" / "bench" / "intake"
PYTHON = sys.executable
PG_NAME = "bench_intake"
AIM_RATIO, AIM_RATE = 0.5, 300.0


@dataclass
class Phase:
    """What the clients of one phase saw."""

    name: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    codes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> int:
        return self.statuses[200] + self.statuses[201]

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        """Latency in milliseconds at quantile q (0–1)."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# -- the request bodies ----------------------------------------------------------------------


def bodies(count: int) -> list[bytes]:
    """Realistic submissions: the NYC 311 records' points, types and places, fake residents."""
    from grassroots.demo.complaints import COMPLAINT_TYPES
    from grassroots.demo.records import records

    rng = random.Random(311)
    rows = [r for r in records() if r.complaint_type in COMPLAINT_TYPES]
    out = []
    for i in range(count):
        r = rng.choice(rows)
        body = {
            "kind": "complaint",
            "subject": f"{r.complaint_type} — {r.descriptor}"[:200],
            "description": f"{r.descriptor} ({r.location_type}). Bench submission {i}.",
            "category": COMPLAINT_TYPES[r.complaint_type].code,
            "lat": r.lat + rng.uniform(-2e-4, 2e-4),
            "lng": r.lng + rng.uniform(-2e-4, 2e-4),
            "address": r.address,
            "channel": "api",
            "resident": {"name": "Bench Resident", "phone": f"212-555-01{i % 100:02d}"},
        }
        out.append(json.dumps(body).encode())
    return out


# -- the clients -----------------------------------------------------------------------------


def _client(port: int, phase: Phase, deadline: float, job: Any, lock: threading.Lock) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies, statuses, codes = [], Counter[int](), []
    try:
        while time.perf_counter() < deadline:
            method, path, body, headers = job()
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException):
                statuses[-1] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            latencies.append(time.perf_counter() - started)
            statuses[response.status] += 1
            if response.status == 201:
                codes.append(json.loads(payload)["tracking_code"])
    finally:
        conn.close()
        with lock:
            phase.latencies += latencies
            phase.statuses.update(statuses)
            phase.codes += codes


def drive(port: int, name: str, job: Any, *, clients: int, seconds: float) -> Phase:
    """`clients` threads repeat `job()` requests for `seconds`; returns what they saw."""
    phase, lock = Phase(name), threading.Lock()
    started = time.perf_counter()
    deadline = started + seconds
    threads = [
        threading.Thread(target=_client, args=(port, phase, deadline, job, lock))
        for _i in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    phase.seconds = time.perf_counter() - started
    return phase


def health_job() -> tuple[str, str, None, dict[str, str]]:
    return "GET", "/api/v1/health", None, {}


def intake_job(pool: list[bytes]) -> Any:
    counter = iter(range(10**9))
    lock = threading.Lock()

    def job() -> tuple[str, str, bytes, dict[str, str]]:
        with lock:
            i = next(counter)
        headers = {"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex}
        return "POST", "/api/v1/cases", pool[i % len(pool)], headers

    return job


# -- the server and the database -------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "grassroots.settings.local",
        "GRASSROOTS_VAR_DIR": str(VAR),
        "CASE_INTAKE_RATE_PER_MINUTE": "0",
        "PYTHONPATH": str(REPO / "src"),
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def prepare(env: dict[str, str]) -> None:
    """Migrate and load the demo (a no-op once loaded)."""
    VAR.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    subprocess.run([PYTHON, "-m", "grassroots", "migrate", "--noinput", "-v0"], env=env, check=True)
    subprocess.run([PYTHON, "-m", "grassroots", "load-demo", "--quiet"], env=env, check=True)
    print(f"  database ready in {time.perf_counter() - started:.1f} s (migrate + demo)")


def start_server(
    env: dict[str, str], port: int, args: argparse.Namespace
) -> subprocess.Popen[bytes]:
    command = [
        PYTHON, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1",
        "--port", str(port), "--workers", str(args.workers),
        "--blocking-threads", str(args.threads), "--no-ws", "--log-level", "warning",
        "grassroots.wsgi:application",
    ]  # fmt: skip
    return subprocess.Popen(command, env=env, start_new_session=True)


def wait_ready(port: int, server: subprocess.Popen[bytes], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server exited during start-up")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {timeout:.0f} s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def verify(env: dict[str, str], codes: list[str]) -> dict[str, int]:
    """Ask the database (in a child process) how many of these codes name a stored case."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(codes, fh)
    try:
        out = subprocess.run(
            [PYTHON, __file__, "--verify", fh.name], env=env, check=True, capture_output=True
        )
    finally:
        os.unlink(fh.name)
    result: dict[str, int] = json.loads(out.stdout.decode().strip().splitlines()[-1])
    return result


def _verify_main(path: str) -> None:
    import django

    django.setup()
    from grassroots.cases.models import Case

    codes = json.loads(Path(path).read_text())
    stored = Counter(
        Case.objects.filter(tracking_code__in=codes).values_list("tracking_code", flat=True)
    )
    print(
        json.dumps(
            {
                "received": len(codes),
                "distinct": len(set(codes)),
                "stored": sum(stored.values()),
                "stored_twice": sum(1 for n in stored.values() if n > 1),
                "cases_total": Case.objects.count(),
            }
        )
    )


def pg_database(url: str, *, create: bool) -> str:
    """Create (or drop) the scratch database; returns its URL."""
    import psycopg

    base = url.rstrip("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
        if create:
            conn.execute(f"CREATE DATABASE {PG_NAME}")
    return f"{base}/{PG_NAME}"


# -- one run ---------------------------------------------------------------------------------


def run(label: str, database_url: str | None, args: argparse.Namespace) -> dict[str, float]:
    env = server_env(database_url)
    print(f"\n== {label}")
    prepare(env)
    before = verify(env, [])["cases_total"]
    port = free_port()
    print(
        f"  granian --interface wsgi: {args.workers} workers × {args.threads} blocking threads "
        f"on 127.0.0.1:{port}; {args.clients} keep-alive clients, {args.seconds:.0f} s per phase"
    )
    server = start_server(env, port, args)
    pool = bodies(2000)
    try:
        wait_ready(port, server)
        drive(port, "warm-up", health_job, clients=args.clients, seconds=args.warmup)
        drive(port, "warm-up", intake_job(pool), clients=args.clients, seconds=args.warmup)
        floor = drive(port, "GET /api/v1/health", health_job, **_load(args))
        intake = drive(port, "POST /api/v1/cases", intake_job(pool), **_load(args))
    finally:
        stop_server(server)
    return report(env, floor, intake, before)


def _load(args: argparse.Namespace) -> dict[str, Any]:
    return {"clients": args.clients, "seconds": args.seconds}


def report(env: dict[str, str], floor: Phase, intake: Phase, before: int) -> dict[str, float]:
    for phase in (floor, intake):
        other = {s: n for s, n in phase.statuses.items() if s not in (200, 201)}
        print(
            f"  {phase.name:<20} {phase.rate:8.1f} req/s   p50 {phase.percentile(0.5):6.1f} ms"
            f"   p99 {phase.percentile(0.99):6.1f} ms   ok {phase.ok}"
            + (f"   other {other}" if other else "")
        )
    ratio = intake.rate / floor.rate if floor.rate else 0.0
    print(
        f"  intake / floor = {ratio:.2f}  (aim ≥ {AIM_RATIO}; intake aim ≥ {AIM_RATE:.0f} cases/s)"
    )
    check = verify(env, intake.codes)
    new = check["cases_total"] - before
    exact = check["stored"] == check["distinct"] == check["received"] and not check["stored_twice"]
    print(
        f"  check: {check['received']} cases acknowledged (201), {check['stored']} stored, "
        f"{check['stored_twice']} twice; warm-up + run added {new} cases → "
        + ("every acknowledged case is stored exactly once" if exact else "MISMATCH")
    )
    return {"floor": floor.rate, "intake": intake.rate, "ratio": ratio, "exact": float(exact)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--postgres", metavar="URL", help="also run on PostgreSQL (scratch db)")
    parser.add_argument("--verify", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.verify:
        _verify_main(args.verify)
        return
    print(f"CPUs: {os.cpu_count()}; anonymous intake rate limit OFF for the bench server")
    sync = os.environ.get("SQLITE_SYNCHRONOUS", "FULL").upper()
    results = [run(f"SQLite (WAL, synchronous={sync})", None, args)]
    if args.postgres:
        url = pg_database(args.postgres, create=True)
        try:
            results.append(run(f"PostgreSQL ({PG_NAME})", url, args))
        finally:
            pg_database(args.postgres, create=False)
    if not all(r["exact"] for r in results):
        sys.exit("some acknowledged case is missing or stored twice")


if __name__ == "__main__":
    main()
