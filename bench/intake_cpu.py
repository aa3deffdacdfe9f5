"""CPU per intake, in-process: POST /api/v1/cases straight through the WSGI application,
next to GET /api/v1/health in the same process (the framework's own floor).

Run from the checkout:  .venv/bin/python bench/intake_cpu.py [--requests 300] [--rounds 3]

Uses the database bench/intake.py builds under var/bench/intake/ (the NYC demo), with the same
bodies, and counts `time.process_time` per request, which other jobs on the machine inflate far
less than wall time. Three kinds of request alternate in rounds:

- health: `GET /api/v1/health`, the framework's floor (what bench/intake.py divides by);
- POST floor: the same `POST /api/v1/cases` with the same bodies, parsed and validated by the
  route, with the service replaced by one that hands back an already stored case: what any
  submission costs before the service does anything;
- intake: the real submission.

It prints each round and the medians, the ratio health/intake (what the HTTP bench's rate ratio
can reach at best) and health/POST floor (the most any submission could reach), then one more
intake pass that splits the service's time into SQLite statements, commits and the rest.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import intake  # bench/intake.py: the database, the bodies, the environment


def _environ(method: str, path: str, body: bytes = b"") -> dict[str, Any]:
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_HOST": "127.0.0.1",
        "HTTP_IDEMPOTENCY_KEY": uuid.uuid4().hex,
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
    }


def _cpu_ms(app: Any, requests: list[tuple[str, str, bytes]], expect: str) -> float:
    status: list[str] = []

    def start_response(s: str, headers: Any, exc_info: Any = None) -> None:
        status.append(s)

    started = time.process_time()
    for method, path, body in requests:
        for _chunk in app(_environ(method, path, body), start_response):
            pass
    spent = time.process_time() - started
    wrong = [s for s in status if not s.startswith(expect)]
    if wrong:
        raise SystemExit(f"{path}: unexpected answers {wrong[:3]}")
    return spent * 1000 / len(requests)


def inner(count: int, rounds: int) -> None:
    import django

    django.setup()
    from grassroots.wsgi import application

    pool = intake.bodies(count * (rounds + 2))
    health = [("GET", "/api/v1/health", b"")] * count
    _cpu_ms(application, health, "200")  # warm-up: imports, caches, the geo index
    _cpu_ms(application, [("POST", "/api/v1/cases", b) for b in pool[:count]], "201")
    floors, posts, cases = [], [], []
    for r in range(1, rounds + 1):
        floors.append(_cpu_ms(application, health, "200"))
        chunk = pool[r * count : (r + 1) * count]
        with _no_service():
            posts.append(_cpu_ms(application, [("POST", "/api/v1/cases", b) for b in chunk], "201"))
        cases.append(_cpu_ms(application, [("POST", "/api/v1/cases", b) for b in chunk], "201"))
        print(
            f"  round {r}: health {floors[-1]:.3f} ms, POST floor {posts[-1]:.3f} ms, "
            f"intake {cases[-1]:.3f} ms CPU"
        )
    floor, post, case = (statistics.median(x) for x in (floors, posts, cases))
    print(
        f"cpu: health {floor:.3f} ms, POST floor {post:.3f} ms, intake {case:.3f} ms per request "
        f"(medians); ratio health/intake {floor / case:.2f} (the HTTP ratio aim is 0.5), "
        f"health/POST floor {floor / post:.2f} (the ceiling for any submission)"
    )
    extra = pool[(rounds + 1) * count :]
    sql, commits = _split(application, [("POST", "/api/v1/cases", b) for b in extra])
    print(
        f"in the service, per case: SQLite statements {sql:.3f} ms, commits {commits:.3f} ms, "
        f"the rest (Python) {case - post - sql - commits:.3f} ms (against the medians)"
    )


@contextlib.contextmanager
def _no_service() -> Iterator[None]:
    """`services.submit_case` answering with one stored case, untouched: the route's own cost."""
    from grassroots.cases import services
    from grassroots.cases.models import Case

    real = services.submit_case
    stored = services.IntakeResult(case=Case.objects.order_by("pk").first(), created=True)  # type: ignore[arg-type]
    services.submit_case = lambda *args, **kwargs: stored  # type: ignore[assignment]
    try:
        yield
    finally:
        services.submit_case = real  # type: ignore[assignment]


def _split(app: Any, requests: list[tuple[str, str, bytes]]) -> tuple[float, float]:
    """CPU per request spent in SQLite statements and in commits, over `requests`."""
    from django.db import connection

    spent = {"sql": 0.0, "commit": 0.0}

    def statement(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.process_time()
        try:
            return execute(sql, params, many, context)
        finally:
            spent["sql"] += time.process_time() - started

    real_commit = connection._commit

    def commit() -> None:
        started = time.process_time()
        try:
            real_commit()
        finally:
            spent["commit"] += time.process_time() - started

    connection._commit = commit  # type: ignore[method-assign]
    try:
        with connection.execute_wrapper(statement):
            _cpu_ms(app, requests, "201")
    finally:
        del connection._commit
    return spent["sql"] * 1000 / len(requests), spent["commit"] * 1000 / len(requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        inner(args.requests, args.rounds)
        return
    env = intake.server_env(None)
    intake.prepare(env)
    print(f"load average {os.getloadavg()[0]:.1f}")
    command = [sys.executable, __file__, "--inner", f"--requests={args.requests}"]
    subprocess.run([*command, f"--rounds={args.rounds}"], env=env, check=True)


if __name__ == "__main__":
    main()
