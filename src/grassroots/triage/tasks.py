"""Triage in the background: new cases in the dispatch queue get their proposal.

Why a sweep and not a call from intake: cases must not import triage (it sits above them),
and signals are not used for core flows. A periodic task finds received cases without a
proposal from the cases' own state, so it catches up after downtime and never blocks intake;
each case is locked while triaged, and a case that already has a proposal is skipped.
"""

from __future__ import annotations

import logging

from django_tasks import task

from grassroots.cases.enums import CaseStatus
from grassroots.cases.models import Case

from .feedback import collect_feedback
from .services import triage_case

logger = logging.getLogger(__name__)
BATCH = 200


def untriaged(limit: int = BATCH) -> list[Case]:
    """Cases in the dispatch queue that triage has not looked at yet, oldest first."""
    qs = Case.objects.filter(status=CaseStatus.RECEIVED, suggestion__isnull=True)
    return list(qs.order_by("received_at", "id")[:limit])


def sweep(limit: int = BATCH) -> dict[str, int]:
    """Triage up to `limit` new cases, then record the dispatcher overrides seen since."""
    done = 0
    for case in untriaged(limit):
        triage_case(case)
        done += 1
    return {"triaged": done, "overrides": collect_feedback()}


@task()
def sweep_new_cases() -> dict[str, int]:
    """The periodic task: run `sweep` now; returns the counts for the task result."""
    report = sweep()
    if any(report.values()):
        logger.info("triage sweep: %s", report)
    return report
