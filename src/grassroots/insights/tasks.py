"""Background work: fold case changes into the KPI roll-ups (periodic)."""

from __future__ import annotations

from django_tasks import task

from .services import fold_changes


@task()
def fold_kpis() -> dict[str, int]:
    """The periodic task: fold what changed since the last run; returns the counts."""
    report = fold_changes()
    return {"events": report.events, "cases": report.cases, "last_event_id": report.last_event_id}
