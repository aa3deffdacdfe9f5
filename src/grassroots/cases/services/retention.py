"""Retention: erase the personal data of finished cases once the deployment's period has passed.

A case that ended (closed, rejected or merged) longer ago than
``settings.PERSONAL_DATA_RETENTION_DAYS`` keeps what the figures and the history need (text,
category, units, dates, timeline, rating) and loses what points at a person: its address is
emptied and its point moved to the centre of its public grid cell (``geo.public.snap``, the
cell every public output already shows). A resident whose cases have all been erased loses
name, phone, ID number, e-mail and the link to an account. Each batch is one transaction and
one audit entry; the run can stop anywhere and the next one carries on (``erased_at`` marks
what is done). The case's end is its ``closed_at``, or its last change when it has none (a
merged case), so a case reopened inside its window is never erased under the resident.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Coalesce

from grassroots.core import audit, clock
from grassroots.geo.public import snap

from ..enums import TERMINAL_STATUSES
from ..models import Case, Resident

BATCH = 500


@dataclass
class ErasureReport:
    """What one run erased (or, with ``dry_run``, would erase)."""

    before: datetime | None
    cases: int = 0
    residents: int = 0


def retention_cutoff(now: datetime | None = None) -> datetime | None:
    """Cases that ended before this moment are erased; None when the deployment keeps all.

    The period must be longer than the reopen window: a resident may still come back to a
    closed case within it, and their contact details are needed then.
    """
    days = settings.PERSONAL_DATA_RETENTION_DAYS
    if days <= 0:
        return None
    if days <= settings.CASE_REOPEN_WINDOW_DAYS:
        raise ImproperlyConfigured(
            f"PERSONAL_DATA_RETENTION_DAYS ({days}) must exceed CASE_REOPEN_WINDOW_DAYS "
            f"({settings.CASE_REOPEN_WINDOW_DAYS}): a closed case may be reopened until then."
        )
    return (now or clock.now()) - timedelta(days=days)


def expired_cases(before: datetime) -> QuerySet[Case]:
    """Finished cases not yet erased whose end lies before `before`."""
    return (
        Case.objects.filter(status__in=TERMINAL_STATUSES, erased_at__isnull=True)
        .alias(ended=Coalesce("closed_at", "updated_at"))
        .filter(ended__lt=before)
    )


def expired_residents(before: datetime) -> QuerySet[Resident]:
    """Residents not yet erased, known since before `before`, with no case left unerased."""
    unerased = Case.objects.filter(resident=OuterRef("pk"), erased_at__isnull=True)
    return Resident.objects.filter(erased_at__isnull=True, created_at__lt=before).exclude(
        Exists(unerased)
    )


def _erase_cases(ids: list[int], now: datetime) -> int:
    cases = list(Case.objects.filter(pk__in=ids, erased_at__isnull=True).only("lat", "lng"))
    for case in cases:
        case.address = ""
        case.lat = None if case.lat is None else snap(case.lat)
        case.lng = None if case.lng is None else snap(case.lng)
        case.erased_at = now
    # bulk_update leaves updated_at alone: erasure is not a change the KPI fold must see.
    Case.objects.bulk_update(cases, ["address", "lat", "lng", "erased_at"])
    return len(cases)


def _erase_residents(ids: list[int], now: datetime) -> int:
    return Resident.objects.filter(pk__in=ids, erased_at__isnull=True).update(
        name="", phone="", id_number="", email="", user=None, erased_at=now
    )


def erase_personal_data(
    *,
    actor: Any,
    now: datetime | None = None,
    dry_run: bool = False,
    batch: int = BATCH,
    progress: Callable[[int, int], None] | None = None,
) -> ErasureReport:
    """Erase what the retention period allows, a batch per transaction; returns the counts.

    `progress(done, total)` is called after each batch (cases first, then residents).
    """
    now = now or clock.now()
    before = retention_cutoff(now)
    report = ErasureReport(before=before)
    if before is None:
        return report
    if dry_run:
        report.cases = expired_cases(before).count()
        # Residents whose last cases are erased by this run are counted too.
        pending = Case.objects.filter(resident=OuterRef("pk"), erased_at__isnull=True).exclude(
            pk__in=expired_cases(before).values("pk")
        )
        report.residents = (
            Resident.objects.filter(erased_at__isnull=True, created_at__lt=before)
            .exclude(Exists(pending))
            .count()
        )
        return report
    report.cases = _in_batches(
        lambda: expired_cases(before),
        lambda ids: _erase_cases(ids, now),
        action="cases.personal_data.erased",
        what="cases",
        actor=actor,
        before=before,
        batch=batch,
        progress=progress,
    )
    report.residents = _in_batches(
        lambda: expired_residents(before),
        lambda ids: _erase_residents(ids, now),
        action="cases.resident.erased",
        what="residents",
        actor=actor,
        before=before,
        batch=batch,
        progress=progress,
    )
    return report


def _in_batches(
    pending: Callable[[], QuerySet[Any]],
    erase: Callable[[list[int]], int],
    *,
    action: str,
    what: str,
    actor: Any,
    before: datetime,
    batch: int,
    progress: Callable[[int, int], None] | None,
) -> int:
    """Erase what `pending()` finds, `batch` rows per transaction with one audit entry each;
    returns how many were erased."""
    total, done = pending().count(), 0
    while ids := list(pending().order_by("pk").values_list("pk", flat=True)[:batch]):
        with transaction.atomic():
            erased = erase(ids)
            audit.record(
                action,
                actor=actor,
                summary=f"{erased} {what}",
                data={what: erased, "first": ids[0], "last": ids[-1], "before": str(before)},
            )
        done += erased
        if progress:
            progress(done, total)
    return done
