"""Nothing acknowledged is lost: SIGKILL the real server and the real worker, then count.

These tests start real processes on loopback against their own database (never the test
database), so they do not use pytest-django's database. Each engine takes a few seconds; the
longer, repeated version is `bench/crash.py`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from .harness import Deployment, crash_intake, crash_sweep, deployment, summary, verify_intake

ENGINES = ["sqlite"] + (
    ["postgresql"] if os.environ.get("DATABASE_URL", "").startswith("postgres") else []
)
pytestmark = pytest.mark.slow


@pytest.fixture(params=ENGINES)
def dep(request: pytest.FixtureRequest) -> Iterator[Deployment]:
    with deployment(request.param) as d:
        yield d


def test_every_acknowledged_case_survives_a_server_kill_once(dep: Deployment) -> None:
    dep.start_server()
    intake = crash_intake(dep, clients=4, kill_after=20)

    dep.start_server()
    verdict = verify_intake(dep, intake)

    assert verdict.acked >= 20, summary(verdict)
    assert verdict.lost == [], summary(verdict)
    assert verdict.duplicated == [], summary(verdict)
    assert verdict.replay_mismatch == [], summary(verdict)
    assert verdict.extra == 0, summary(verdict)


def test_no_escalation_is_lost_or_sent_twice_when_the_worker_is_killed(dep: Deployment) -> None:
    verdict = crash_sweep(dep, cases=40, kill_at=5)

    assert 0 < verdict.killed_at < 40, summary(verdict)  # the kill came mid-sweep
    assert (verdict.cases, verdict.escalated, verdict.one_event) == (40, 40, 40), summary(verdict)
    assert verdict.many_events == 0, summary(verdict)
    assert (verdict.notifications, verdict.duplicate_notifications) == (80, 0), summary(verdict)
