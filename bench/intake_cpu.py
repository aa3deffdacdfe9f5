"""CPU per intake, in-process: POST /api/v1/cases straight through the WSGI application,
next to GET /api/v1/health in the same process (the framework's own floor).

Run from the checkout:  .venv/bin/python bench/intake_cpu.py [--requests 300] [--rounds 3]

Uses the database bench/intake.py builds under var/bench/intake/ (the NYC demo), with the same
bodies, and counts `time.process_time` per request, which other jobs on the machine inflate far
less than wall time. Health and intake alternate in rounds; it prints each round and the
medians, and the ratio health/intake (what the HTTP bench's rate ratio can reach at best).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import time
import uuid
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

    pool = intake.bodies(count * (rounds + 1))
    health = [("GET", "/api/v1/health", b"")] * count
    _cpu_ms(application, health, "200")  # warm-up: imports, caches, the geo index
    _cpu_ms(application, [("POST", "/api/v1/cases", b) for b in pool[:count]], "201")
    floors, cases = [], []
    for r in range(1, rounds + 1):
        floors.append(_cpu_ms(application, health, "200"))
        chunk = pool[r * count : (r + 1) * count]
        cases.append(_cpu_ms(application, [("POST", "/api/v1/cases", b) for b in chunk], "201"))
        print(f"  round {r}: health {floors[-1]:.2f} ms, intake {cases[-1]:.2f} ms CPU")
    floor, case = statistics.median(floors), statistics.median(cases)
    print(
        f"cpu: health {floor:.2f} ms, intake {case:.2f} ms per request (medians); "
        f"ratio health/intake {floor / case:.2f} (the HTTP ratio aim is 0.5)"
    )


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
