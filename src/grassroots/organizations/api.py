"""Duty roster endpoints: list, add and cancel shifts, and who is on duty now.

Reading needs a centre role (dispatcher, supervisor, admin) over the unit; changing needs a
supervisor or admin role (`permissions.ROSTER_EDITORS`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from grassroots.accounts.auth import STAFF
from grassroots.core import clock

from . import duty
from . import schemas as s
from .errors import OrganizationError
from .errors import OrganizationErrorCode as Code
from .models import DutyShift, Unit

router = Router(tags=["duty"])
DEFAULT_SPAN = timedelta(days=7)
MAX_SPAN = timedelta(days=62)


def _user(request: HttpRequest) -> Any:
    return getattr(request, "auth", None)


def unit_ref(unit: Unit) -> dict[str, str]:
    return {"code": unit.code, "name": unit.name, "level": unit.level}


def shift_out(shift: DutyShift) -> dict[str, Any]:
    user: Any = shift.user
    return {
        "id": shift.pk,
        "user": user.get_username(),
        "display_name": getattr(user, "display_name", "") or user.get_username(),
        "unit": unit_ref(shift.unit),
        "starts_at": shift.starts_at.astimezone(UTC),
        "ends_at": shift.ends_at.astimezone(UTC),
        "note": shift.note,
        "cancelled_at": shift.cancelled_at.astimezone(UTC) if shift.cancelled_at else None,
    }


def _window(start: datetime | None, end: datetime | None) -> tuple[datetime, datetime]:
    for moment in (start, end):
        if moment is not None and timezone.is_naive(moment):
            raise OrganizationError(
                Code.SHIFT_INVALID_TIMES, _("from and to need a time zone (e.g. +08:00 or Z).")
            )
    start = start or clock.now()
    end = end or start + DEFAULT_SPAN
    if end <= start or end - start > MAX_SPAN:
        raise OrganizationError(
            Code.SHIFT_INVALID_TIMES, _("to must come after from, at most 62 days later.")
        )
    return start, end


@router.get("/shifts", response=list[s.ShiftOut], auth=STAFF, summary="List duty shifts")
def list_shifts(
    request: HttpRequest,
    unit: str | None = None,
    start: datetime | None = Query(None, alias="from"),  # noqa: B008
    end: datetime | None = Query(None, alias="to"),  # noqa: B008
    cancelled: bool = False,
) -> list[dict[str, Any]]:
    """Shifts overlapping [from, to) (default: the next 7 days), earliest first.

    With `unit`, the shifts covering that unit (held for it or an ancestor); without, every
    shift of the units whose roster you may read. `cancelled=true` includes cancelled ones.
    """
    user = _user(request)
    place = duty.roster_unit(user, unit) if unit else None
    window = _window(start, end)
    rows = duty.shifts_between(place, *window, viewer=user, cancelled=cancelled)
    return [shift_out(shift) for shift in rows]


@router.post("/shifts", response={201: s.ShiftOut}, auth=STAFF, summary="Add a duty shift")
def add_shift(request: HttpRequest, body: s.ShiftIn) -> Status[dict[str, Any]]:
    """Put a dispatcher on duty for a unit (and everything under it). Supervisors and admins
    of the unit or an ancestor only."""
    actor = _user(request)
    unit = duty.roster_unit(actor, body.unit, edit=True)
    person = get_user_model().objects.filter(username=body.user).first()
    if person is None:
        raise OrganizationError(
            Code.SHIFT_NOT_DISPATCHER,
            _("%(user)s holds no dispatcher role at %(unit)s or above it.")
            % {"user": body.user, "unit": unit.code},
        )
    shift = duty.add_shift(
        person,
        unit=unit,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        note=body.note,
        actor=actor,
    )
    return Status(201, shift_out(shift))


@router.delete("/shifts/{shift_id}", response=s.ShiftOut, auth=STAFF, summary="Cancel a duty shift")
def cancel_shift(request: HttpRequest, shift_id: int) -> dict[str, Any]:
    """Cancel a planned or running shift; it stays in the record, marked cancelled. A shift
    that is over cannot be cancelled (409)."""
    actor = _user(request)
    shift = duty.access_shift(actor, shift_id, edit=True)
    return shift_out(duty.cancel_shift(shift, actor=actor))


@router.get("/now", response=s.OnDutyOut, auth=STAFF, summary="Who is on duty now")
def on_duty_now(request: HttpRequest, unit: str | None = None) -> dict[str, Any]:
    """The shifts running now: for `unit`, those covering it (held for it or an ancestor);
    without, every running shift of the units whose roster you may read."""
    user = _user(request)
    now = clock.now()
    place = duty.roster_unit(user, unit) if unit else None
    rows = duty.on_duty_shifts(place, now)
    if place is None:
        rows = rows.filter(duty.roster_scope(user))
    return {
        "at": now.astimezone(UTC),
        "unit": unit_ref(place) if place else None,
        "shifts": [shift_out(shift) for shift in rows],
    }
