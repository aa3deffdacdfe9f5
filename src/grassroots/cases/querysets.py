"""Reads over cases: queues, scopes, overdue lists."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import models

from .enums import OPEN_STATUSES, CaseStatus

if TYPE_CHECKING:
    from .models import Case  # noqa: F401 - used in the string annotation below


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> CaseQuerySet:
        """Cases not yet closed, rejected or merged."""
        return self.filter(status__in=OPEN_STATUSES)

    def in_dispatch_queue(self) -> CaseQuerySet:
        """New and returned cases waiting for a dispatcher, emergencies first."""
        return self.filter(status=CaseStatus.RECEIVED).order_by(
            models.Case(
                models.When(priority="emergency", then=0),
                models.When(priority="urgent", then=1),
                default=2,
            ),
            "received_at",
        )

    def overdue(self, now: datetime) -> CaseQuerySet:
        """Open cases whose resolve deadline has passed and that are not yet answered."""
        return self.filter(
            status__in=(CaseStatus.DISPATCHED, CaseStatus.ACCEPTED), resolve_due__lt=now
        )

    def awaiting_follow_up(self) -> CaseQuerySet:
        return self.filter(status=CaseStatus.REPLIED)
