"""Reads over the unit tree. A subtree is one indexed range scan on the materialized path."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from .models import DutyShift, Unit  # noqa: F401 (DutyShift is named in a string below)

# Each unit's path is its parent's path plus its own primary key, zero-padded to this width.
# Digits only, so that "under this path" is a range that sorts the same in every collation.
PATH_STEP = 10


def path_upper_bound(path: str) -> str:
    """The smallest digit string of the same length greater than every path under `path`."""
    return str(int(path) + 1).zfill(len(path))


def subtree_q(path: str, field: str = "path") -> models.Q:
    """Rows whose `field` is `path` or lies under it (the unit and all its descendants)."""
    return models.Q(**{f"{field}__gte": path, f"{field}__lt": path_upper_bound(path)})


class UnitQuerySet(models.QuerySet["Unit"]):
    def subtree(self, unit: Unit, *, include_self: bool = True) -> UnitQuerySet:
        """This unit and everything under it, at any depth, in one query."""
        qs = self.filter(subtree_q(unit.path))
        return qs if include_self else qs.exclude(pk=unit.pk)

    def ancestors(self, unit: Unit, *, include_self: bool = False) -> UnitQuerySet:
        """The chain from the root down to the unit's parent (or the unit), in one query."""
        ids = unit.ancestor_ids if not include_self else [*unit.ancestor_ids, unit.pk]
        return self.filter(pk__in=ids).order_by("depth")

    def active(self) -> UnitQuerySet:
        return self.filter(is_active=True)

    def at_level(self, level: str) -> UnitQuerySet:
        return self.filter(level=level)


class DutyShiftQuerySet(models.QuerySet["DutyShift"]):
    def active(self) -> DutyShiftQuerySet:
        """Shifts not cancelled."""
        return self.filter(cancelled_at__isnull=True)

    def overlapping(self, start: datetime, end: datetime) -> DutyShiftQuerySet:
        """Shifts sharing some moment with [start, end)."""
        return self.filter(starts_at__lt=end, ends_at__gt=start)

    def covering(self, at: datetime) -> DutyShiftQuerySet:
        """Shifts running at `at` (start included, end excluded)."""
        return self.filter(starts_at__lte=at, ends_at__gt=at)

    def for_place(self, unit: Unit) -> DutyShiftQuerySet:
        """Shifts that cover this unit: held for it or for one of its ancestors."""
        return self.filter(unit_id__in=[*unit.ancestor_ids, unit.pk])
