"""State changes of the shared kernel: the deployment's working-calendar overrides."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from . import audit
from .errors import CoreErrorCode, DomainError
from .models import CalendarDay
from .worktime import invalidate_overrides

NOTE_MAX_LENGTH = 200


def set_calendar_day(
    day: dt.date, *, is_workday: bool, note: str = "", actor: Any | None
) -> CalendarDay:
    """Declare `day` a working day or a rest day for this deployment, beating the packages.

    Creates or updates the override, writes the audit entry `core.calendar_day.set` (with the
    previous value) and refreshes this process's calendar cache.
    """
    if len(note) > NOTE_MAX_LENGTH:
        raise DomainError(
            CoreErrorCode.INVALID,
            _("The note may have at most %(n)d characters.") % {"n": NOTE_MAX_LENGTH},
        )
    with transaction.atomic():
        previous = CalendarDay.objects.select_for_update().filter(date=day).first()
        row, _created = CalendarDay.objects.update_or_create(
            date=day, defaults={"is_workday": is_workday, "note": note}
        )
        audit.record(
            "core.calendar_day.set",
            actor=actor,
            target=row,
            summary=f"{day:%Y-%m-%d} {'workday' if is_workday else 'rest day'} {note}".strip(),
            data={
                "date": day.isoformat(),
                "is_workday": is_workday,
                "note": note,
                "previous": _snapshot(previous),
            },
        )
        transaction.on_commit(invalidate_overrides)
    invalidate_overrides()
    return row


def delete_calendar_day(day: dt.date, *, actor: Any | None) -> bool:
    """Remove the override of `day` (the packages decide again); False if there was none."""
    with transaction.atomic():
        row = CalendarDay.objects.select_for_update().filter(date=day).first()
        if row is None:
            return False
        audit.record(
            "core.calendar_day.deleted",
            actor=actor,
            target=row,
            summary=f"{day:%Y-%m-%d}",
            data={"date": day.isoformat(), "previous": _snapshot(row)},
        )
        row.delete()
        transaction.on_commit(invalidate_overrides)
    invalidate_overrides()
    return True


def _snapshot(row: CalendarDay | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"is_workday": row.is_workday, "note": row.note}
