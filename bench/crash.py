"""Crash rounds: SIGKILL the real server mid-intake and the real worker mid-sweep, then count.

The longer, repeated version of tests/reliability. Prints one line per round and a summary;
exits non-zero if anything acknowledged was lost, duplicated or replayed wrongly. PostgreSQL
rounds run when DATABASE_URL points at a server (a database is created and dropped per round).

    .venv/bin/python bench/crash.py [--rounds 5] [--clients 8] [--cases 200]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path[:0] = [
    str(Path(__file__).resolve().parents[1]),
    str(Path(__file__).resolve().parents[1] / "src"),
]

from tests.reliability.harness import (  # noqa: E402
    crash_intake,
    crash_sweep,
    deployment,
    summary,
    verify_intake,
)


def intake_round(engine: str, clients: int, kill_after: int) -> bool:
    with deployment(engine) as dep:
        dep.start_server()
        started = time.monotonic()
        intake = crash_intake(dep, clients=clients, kill_after=kill_after)
        rate = len(intake.acked) / (time.monotonic() - started)
        dep.start_server()
        verdict = verify_intake(dep, intake)
    print(f"  intake {engine}: {summary(verdict)}, acked/s={rate:.0f}, ok={verdict.ok}")
    return verdict.ok


def sweep_round(engine: str, cases: int) -> bool:
    with deployment(engine) as dep:
        verdict = crash_sweep(dep, cases=cases, kill_at=cases // 4)
    print(f"  sweep  {engine}: {summary(verdict)}, ok={verdict.ok}")
    return verdict.ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--acks", type=int, default=150, help="acknowledged cases before the kill")
    parser.add_argument("--cases", type=int, default=200, help="overdue cases to escalate")
    args = parser.parse_args()
    engines = ["sqlite"] + (["postgresql"] if os.environ.get("DATABASE_URL") else [])
    results: list[bool] = []
    for n in range(args.rounds):
        print(f"round {n + 1}/{args.rounds}")
        for engine in engines:
            results.append(intake_round(engine, args.clients, args.acks))
            results.append(sweep_round(engine, args.cases))
    print(f"summary: {results.count(True)}/{len(results)} rounds kept every acknowledged write")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
