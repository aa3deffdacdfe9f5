"""The dispatchers' duty roster: who is on duty for which place, and when.

A shift puts one dispatcher on duty for a unit's whole subtree for at most a day. The writes
(`add_shift`, `cancel_shift`) are one transaction each and audited; the reads answer "who is on
duty for this place at that moment" for triage's emergency alerts, the API and the console.
Callers authorize first with `roster_unit` / `access_shift`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Length, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core import audit, clock

from .enums import Role
from .errors import OrganizationError
from .errors import OrganizationErrorCode as Code
from .models import DutyShift, Membership, Unit
from .permissions import ROSTER_VIEWERS, has_role, may_edit_roster, may_view_roster, scope_q
from .querysets import DutyShiftQuerySet

MAX_SHIFT = timedelta(hours=24)  # longer would be a person on duty without sleep
NOTE_LENGTH = 200


def _check_times(starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise OrganizationError(
            Code.SHIFT_INVALID_TIMES, _("A shift's start and end need a time zone.")
        )
    if ends_at <= starts_at:
        raise OrganizationError(Code.SHIFT_INVALID_TIMES, _("A shift must end after it starts."))
    if ends_at - starts_at > MAX_SHIFT:
        raise OrganizationError(Code.SHIFT_INVALID_TIMES, _("A shift lasts at most 24 hours."))
    if ends_at <= now:
        raise OrganizationError(
            Code.SHIFT_INVALID_TIMES, _("This shift is already over: the roster plans ahead.")
        )


def _check_person(user: Any, unit: Unit) -> None:
    if not unit.is_active:
        raise OrganizationError(Code.UNIT_NOT_FOUND, _("The unit “%s” is closed.") % unit.code)
    if not user.is_active or not has_role(user, unit, [Role.DISPATCHER]):
        raise OrganizationError(
            Code.SHIFT_NOT_DISPATCHER,
            _("%(user)s holds no dispatcher role at %(unit)s or above it.")
            % {"user": user.get_username(), "unit": unit.code},
        )


def check_shift(
    user: Any, *, unit: Unit, starts_at: datetime, ends_at: datetime, note: str = ""
) -> None:
    """Raise the `OrganizationError` `add_shift` would raise for this shift, writing nothing.

    Refused when the times are wrong (end not after start, over 24 hours, already over), the
    note is too long, the person holds no dispatcher role at the unit or an ancestor, or they
    already have a shift for this unit at an overlapping time.
    """
    _check_times(starts_at, ends_at, clock.now())
    if len(note) > NOTE_LENGTH:
        raise OrganizationError(Code.SHIFT_NOTE_TOO_LONG, _("A note is at most 200 characters."))
    _check_person(user, unit)
    clash = DutyShift.objects.active().filter(user=user, unit=unit).overlapping(starts_at, ends_at)
    if first := clash.first():
        raise OrganizationError(
            Code.SHIFT_OVERLAP,
            _("%(user)s is already on duty for %(unit)s from %(start)s to %(end)s.")
            % {
                "user": user.get_username(),
                "unit": unit.code,
                "start": _local(first.starts_at),
                "end": _local(first.ends_at),
            },
            status=409,
            details={"shift": first.pk},
        )


@transaction.atomic
def add_shift(
    user: Any,
    *,
    unit: Unit,
    starts_at: datetime,
    ends_at: datetime,
    note: str = "",
    actor: Any | None,
) -> DutyShift:
    """Put a dispatcher on duty for `unit` (and its subtree) from `starts_at` to `ends_at`,
    after the checks of `check_shift`."""
    # Lock the person's row: two supervisors adding the same shift at once get one and a 409.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    check_shift(user, unit=unit, starts_at=starts_at, ends_at=ends_at, note=note)
    shift = DutyShift.objects.create(
        user=user,
        unit=unit,
        starts_at=starts_at,
        ends_at=ends_at,
        note=note,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        "organizations.duty_shift.added",
        actor=actor,
        target=shift,
        summary=f"{user.get_username()} @ {unit.code} {_local(starts_at)} – {_local(ends_at)}",
        data={
            "user": user.pk,
            "unit": unit.pk,
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat(),
        },
    )
    return shift


@transaction.atomic
def cancel_shift(shift: DutyShift, *, actor: Any | None) -> DutyShift:
    """Take a planned or running shift off the roster; the row stays, marked cancelled.

    A shift that has ended cannot be cancelled: it is the record of who was on duty.
    """
    locked = DutyShift.objects.select_for_update().select_related("user", "unit").get(pk=shift.pk)
    now = clock.now()
    if locked.cancelled_at is not None:
        raise OrganizationError(
            Code.SHIFT_CANCELLED, _("This shift was cancelled already."), status=409
        )
    if locked.ends_at <= now:
        raise OrganizationError(
            Code.SHIFT_OVER, _("This shift is over; it stays on the record."), status=409
        )
    locked.cancelled_at = now
    locked.save(update_fields=["cancelled_at", "updated_at"])
    audit.record(
        "organizations.duty_shift.cancelled",
        actor=actor,
        target=locked,
        summary=f"{locked.user.get_username()} @ {locked.unit.code} {_local(locked.starts_at)}",
        data={"was_running": locked.starts_at <= now},
    )
    return locked


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _still_dispatcher() -> Exists:
    """The shift's person still holds a dispatcher role at its unit or an ancestor (a role
    revoked after the roster was made takes them off duty)."""
    held = Membership.objects.filter(
        user=OuterRef("user"),
        role=Role.DISPATCHER,
        unit__path=Substr(OuterRef("unit__path"), 1, Length("unit__path")),
    )
    return Exists(held)


def on_duty_shifts(unit: Unit | None, at: datetime) -> DutyShiftQuerySet:
    """The live shifts running at `at` for this place: held for the unit or an ancestor (for
    every unit when `unit` is None), whose person is active and still a dispatcher there."""
    qs = DutyShift.objects.active().covering(at).filter(_still_dispatcher(), user__is_active=True)
    if unit is not None:
        qs = qs.for_place(unit)
    return qs.select_related("user", "unit").order_by("starts_at", "pk")


def on_duty(unit: Unit | None, at: datetime) -> list[Any]:
    """The dispatchers on duty for this place at `at`, each once, earliest shift first."""
    users = {shift.user.pk: shift.user for shift in on_duty_shifts(unit, at)}
    return list(users.values())


def shifts_between(
    unit: Unit | None,
    start: datetime,
    end: datetime,
    *,
    viewer: Any | None = None,
    cancelled: bool = False,
) -> DutyShiftQuerySet:
    """Shifts overlapping [start, end): those covering `unit` (held for it or an ancestor), or,
    without a unit, every shift in `viewer`'s roster scope. Cancelled ones only if asked."""
    qs = DutyShift.objects.overlapping(start, end)
    if not cancelled:
        qs = qs.active()
    if unit is not None:
        qs = qs.for_place(unit)
    elif viewer is not None:
        qs = qs.filter(roster_scope(viewer))
    return qs.select_related("user", "unit").order_by("starts_at", "pk")


def roster_scope(user: Any) -> Q:
    """A filter for shifts held for units whose roster the user may read."""
    return scope_q(user, ROSTER_VIEWERS, field="unit")


def rosterable(unit: Unit) -> QuerySet[Any]:
    """The active people who may be put on duty for this unit (dispatchers at it or above)."""
    ids = Membership.objects.filter(
        role=Role.DISPATCHER, unit_id__in=[*unit.ancestor_ids, unit.pk]
    ).values("user_id")
    return get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("username")


def roster_unit(user: Any, code: str, *, edit: bool = False) -> Unit:
    """The active unit with this code if the user may read (or, with `edit`, change) its
    roster: 404 when unknown or out of the user's scope, 403 when readable only."""
    unit = Unit.objects.filter(code=code, is_active=True).first()
    if unit is None or not may_view_roster(user, unit):
        raise OrganizationError(
            Code.UNIT_NOT_FOUND, _("No unit “%s” in your roster.") % code, status=404
        )
    if edit and not may_edit_roster(user, unit):
        raise OrganizationError(
            Code.ROSTER_FORBIDDEN, _("Only supervisors change the duty roster."), status=403
        )
    return unit


def access_shift(user: Any, shift_id: int, *, edit: bool = False) -> DutyShift:
    """The shift if the user may see it (404 otherwise) and, with `edit`, change it (403)."""
    shift = DutyShift.objects.select_related("user", "unit").filter(pk=shift_id).first()
    if shift is None or not may_view_roster(user, shift.unit):
        raise OrganizationError(Code.SHIFT_NOT_FOUND, _("No such duty shift."), status=404)
    if edit and not may_edit_roster(user, shift.unit):
        raise OrganizationError(
            Code.ROSTER_FORBIDDEN, _("Only supervisors change the duty roster."), status=403
        )
    return shift
