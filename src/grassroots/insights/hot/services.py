"""The only writer of hot issues: compute a period's clusters from the cases and store them,
replacing that period's previous ones (insights reads the cases, never writes them)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime, time
from typing import Any

from django.db import transaction
from django.db.models import Count

from grassroots.cases.enums import OPEN_STATUSES, CaseStatus
from grassroots.cases.models import Case
from grassroots.core import clock
from grassroots.organizations.models import Unit

from ..facts import zone
from ..models import HotIssue, HotIssueCase
from ..periods import Period
from .cluster import Progress, Report, Settings
from .heat import Issue, hot_issues

SKIPPED = (CaseStatus.MERGED, CaseStatus.REJECTED)
TEXT_CHARS = 200  # of the description, after the subject twice: the subject says most


def bounds(period: Period) -> tuple[datetime, datetime]:
    """The period's local days as moments."""
    tz = zone()
    return (
        datetime.combine(period.start, time.min, tzinfo=tz),
        datetime.combine(period.end, time.min, tzinfo=tz),
    )


def _support(case_ids: list[int]) -> Counter[int]:
    """Duplicates merged into each case: residents who backed it without a case of their own."""
    rows = (
        Case.objects.filter(parent_id__in=case_ids, status=CaseStatus.MERGED)
        .values("parent_id")
        .annotate(n=Count("id"))
    )
    return Counter({row["parent_id"]: row["n"] for row in rows})


def load_reports(start: datetime, end: datetime, *, now: datetime) -> list[Report]:
    """The period's cases (not merged or rejected) as the clustering sees them."""
    rows = list(
        Case.objects.filter(received_at__gte=start, received_at__lt=end)
        .exclude(status__in=SKIPPED)
        .order_by("id")
        .values_list(
            "id", "subject", "description", "place_unit__path", "unit__path",
            "lat", "lng", "received_at", "status", "resident_id",
        )
    )  # fmt: skip
    support = _support([row[0] for row in rows])
    return [
        Report(
            key=pk,
            text=f"{subject} {subject} {description[:TEXT_CHARS]}",
            place=place or unit or "",
            at=received,
            point=(lat, lng) if lat is not None and lng is not None else None,
            resident=str(resident or ""),
            support=support[pk],
            open_days=(now - received).total_seconds() / 86400 if status in OPEN_STATUSES else None,
        )
        for pk, subject, description, place, unit, lat, lng, received, status, resident in rows
    ]


@transaction.atomic
def compute_hot_issues(
    period: Period,
    *,
    settings: Settings | None = None,
    progress: Progress | None = None,
    limit: int = 50,
) -> list[HotIssue]:
    """Cluster the cases received in `period` into hot issues and store the `limit` hottest,
    replacing the period's earlier ones; returns them hottest first."""
    now = clock.now()
    start, end = bounds(period)
    reports = load_reports(start, end, now=now)
    found = hot_issues(
        reports, start=start, end=min(end, max(now, start)), settings=settings,
        progress=progress, limit=limit,
    )  # fmt: skip
    HotIssue.objects.filter(period=period.label).delete()
    units = dict(Unit.objects.filter(path__in={i.place for i in found}).values_list("path", "id"))
    subjects = dict(
        Case.objects.filter(pk__in=[i.keys[0] for i in found]).values_list("pk", "subject")
    )
    stored = [
        _store(issue, rank, period, units, subjects, now)
        for rank, issue in enumerate(found, start=1)
    ]
    return stored


def _store(
    issue: Issue,
    rank: int,
    period: Period,
    units: dict[str, int],
    subjects: dict[int, str],
    now: datetime,
) -> HotIssue:
    lat, lng = issue.point or (None, None)
    row = HotIssue.objects.create(
        period=period.label, start=period.start, end=period.end, rank=rank,
        title=subjects.get(issue.keys[0], "")[:200], keywords=issue.keywords,
        unit_id=units.get(issue.place), lat=lat, lng=lng,
        first_at=issue.first_at, last_at=issue.last_at, reports=len(issue.keys),
        residents=issue.residents, support=issue.support, growth=issue.growth,
        open_reports=issue.open_reports, open_days=issue.open_days, heat=issue.heat,
        computed_at=now,
    )  # fmt: skip
    HotIssueCase.objects.bulk_create(
        HotIssueCase(issue=row, case_id=key, closeness=closeness)
        for key, closeness in zip(issue.keys, issue.closeness, strict=True)
    )
    return row


def tuned(**overrides: Any) -> Settings:
    """The default settings with some values changed (the command's options)."""
    return replace(Settings(), **{k: v for k, v in overrides.items() if v is not None})
