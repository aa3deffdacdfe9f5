"""Background work: fold case changes into the KPI roll-ups, find the hot issues (periodic)."""

from __future__ import annotations

from django_tasks import task

from .services import fold_changes


@task()
def fold_kpis() -> dict[str, int]:
    """The periodic task: fold what changed since the last run; returns the counts."""
    report = fold_changes()
    return {"events": report.events, "cases": report.cases, "last_event_id": report.last_event_id}


@task()
def compute_hot_issues_task(period: str) -> dict[str, int | str]:
    """Compute and store the hot issues of `period` (e.g. nightly for the current month)."""
    from .hot.services import compute_hot_issues
    from .periods import parse_period

    issues = compute_hot_issues(parse_period(period))
    return {"period": period, "issues": len(issues)}


@task()
def refresh_hot_issues() -> dict[str, int | str]:
    """The periodic task: recompute this month's hot issues (the deployment's time zone)."""
    from django.utils import timezone

    from .hot.services import compute_hot_issues
    from .periods import parse_period

    month = timezone.localdate().strftime("%Y-%m")
    issues = compute_hot_issues(parse_period(month))
    return {"period": month, "issues": len(issues)}
