"""The duty roster page: a week per unit, who is on duty when, and the gaps nobody covers.

Who: centre roles over the unit read it (dispatchers, supervisors, admins); supervisors and
admins add and cancel shifts (`organizations.permissions.ROSTER_EDITORS`). Anyone else gets a
404. Every read and write goes through `organizations.duty`; the form only parses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from grassroots.core import clock
from grassroots.core.errors import DomainError
from grassroots.organizations import duty
from grassroots.organizations.enums import UnitLevel
from grassroots.organizations.errors import OrganizationError
from grassroots.organizations.errors import OrganizationErrorCode as Code
from grassroots.organizations.models import DutyShift, Membership, Unit
from grassroots.organizations.permissions import (
    ROSTER_VIEWERS,
    may_edit_roster,
    may_view_roster,
    units_for_user,
)

from .console import _console, current_unit
from .errors import staff_view

# The levels offered in the unit picker: where a centre rosters its dispatchers. A deeper
# unit can still be opened with ?unit=CODE.
PICKER_LEVELS = (UnitLevel.CITY, UnitLevel.DISTRICT, UnitLevel.STREET)
DAYS = 7


class ShiftForm(forms.Form):
    """One shift: a dispatcher, a day, a start and an end time (an end at or before the
    start means the next day, so a night shift is 20:00 → 08:00)."""

    user = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), label=gettext_lazy("Dispatcher")
    )
    day = forms.DateField(
        label=gettext_lazy("Day"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    start = forms.TimeField(
        label=gettext_lazy("From"),
        initial=time(8, 0),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    end = forms.TimeField(
        label=gettext_lazy("Until"),
        initial=time(20, 0),
        help_text=gettext_lazy("An end at or before the start means the next day."),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=200)

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = self.fields["user"]
        people.queryset = duty.rosterable(unit)  # type: ignore[attr-defined]
        people.label_from_instance = _person  # type: ignore[attr-defined]

    def times(self) -> tuple[datetime, datetime]:
        """The shift's start and end, aware in the deployment's zone."""
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        start = datetime.combine(data["day"], data["start"], zone)
        end_day = data["day"] + timedelta(days=1 if data["end"] <= data["start"] else 0)
        return start, datetime.combine(end_day, data["end"], zone)


def _person(user: Any) -> str:
    name = getattr(user, "display_name", "")
    return f"{name} ({user.username})" if name else str(user.username)


@dataclass
class Entry:
    """A shift as one day shows it: "…" where it began the day before or goes on after."""

    shift: DutyShift
    starts: str
    ends: str
    inherited: bool  # held for an ancestor of the page's unit
    cancellable: bool


@dataclass
class Day:
    day: date
    is_today: bool
    entries: list[Entry] = field(default_factory=list)
    gaps: list[tuple[str, str]] = field(default_factory=list)  # nobody on duty, local times


def _clock(moment: datetime, day_end: datetime) -> str:
    if moment == day_end:
        return "24:00"
    return timezone.localtime(moment).strftime("%H:%M")


def _gaps(intervals: list[tuple[datetime, datetime]], lo: datetime, hi: datetime) -> list[Any]:
    """The parts of [lo, hi) that no interval covers."""
    gaps, cursor = [], lo
    for start, end in sorted(intervals):
        if start > cursor:
            gaps.append((cursor, min(start, hi)))
        cursor = max(cursor, end)
    if cursor < hi:
        gaps.append((cursor, hi))
    return [(_clock(a, hi), _clock(b, hi)) for a, b in gaps if a < b]


def build_week(unit: Unit, monday: date, user: Any, now: datetime) -> list[Day]:
    """Seven days from `monday` (local), each with its shifts and its uncovered hours."""
    zone = timezone.get_current_timezone()
    starts = [datetime.combine(monday + timedelta(days=i), time(0), zone) for i in range(DAYS + 1)]
    shifts = list(duty.shifts_between(unit, starts[0], starts[-1]))
    editable = {s.unit_id: may_edit_roster(user, s.unit) for s in shifts}
    today = timezone.localdate(now)
    days = []
    for lo, hi in pairwise(starts):
        day = Day(lo.date(), lo.date() == today)
        covering = [s for s in shifts if s.starts_at < hi and s.ends_at > lo]
        for s in covering:
            day.entries.append(
                Entry(
                    s,
                    _clock(s.starts_at, hi) if s.starts_at >= lo else "…",
                    _clock(s.ends_at, hi) if s.ends_at <= hi else "…",
                    s.unit_id != unit.pk,
                    editable[s.unit_id] and s.ends_at > now,
                )
            )
        day.gaps = _gaps([(s.starts_at, s.ends_at) for s in covering], lo, hi)
        days.append(day)
    return days


def _picker(user: Any, unit: Unit) -> list[Unit]:
    units = list(
        units_for_user(user, ROSTER_VIEWERS).filter(level__in=PICKER_LEVELS).order_by("path")
    )
    return units if unit in units else [unit, *units]


def _default_code(request: HttpRequest) -> str:
    """The console's current unit if it has a roster for the user, else their highest one."""
    chosen = current_unit(request)
    if chosen is not None and may_view_roster(request.user, chosen):
        return chosen.code
    first = (
        Membership.objects.filter(user_id=int(request.user.pk or 0), role__in=ROSTER_VIEWERS)
        .select_related("unit")
        .order_by("unit__path")
        .first()
    )
    if first is None:
        raise OrganizationError(Code.UNIT_NOT_FOUND, _("Page not found."), status=404)
    return first.unit.code


def _monday(raw: str | None, now: datetime) -> date:
    try:
        day = date.fromisoformat(raw) if raw else timezone.localdate(now)
    except ValueError:
        raise OrganizationError(
            Code.SHIFT_INVALID_TIMES, _("week: a date such as 2026-11-23."), status=400
        ) from None
    return day - timedelta(days=day.weekday())


def _page(
    request: HttpRequest, unit: Unit, monday: date, form: ShiftForm | None, status: int = 200
) -> HttpResponse:
    now = clock.now()
    here = reverse("web:duty")
    link = lambda d: f"{here}?{urlencode({'unit': unit.code, 'week': d.isoformat()})}"  # noqa: E731
    may_edit = may_edit_roster(request.user, unit)
    if may_edit and form is None:
        form = ShiftForm(unit=unit, initial={"day": max(monday, timezone.localdate(now))})
    context = _console(
        request,
        unit=unit,
        units=_picker(request.user, unit),
        monday=monday,
        sunday=monday + timedelta(days=DAYS - 1),
        days=build_week(unit, monday, request.user, now),
        now_shifts=list(duty.on_duty_shifts(unit, now)),
        may_edit=may_edit,
        form=form if may_edit else None,
        prev_week=link(monday - timedelta(days=7)),
        next_week=link(monday + timedelta(days=7)),
        this_week=link(timezone.localdate(now)),
        back=link(monday),
    )
    return render(request, "web/duty/roster.html", context, status=status)


@staff_view
def roster(request: HttpRequest) -> HttpResponse:
    """A unit's week: who is on duty when (its own shifts and those of the units above it),
    the hours nobody covers, and for supervisors a form to add and buttons to cancel."""
    unit = duty.roster_unit(request.user, request.GET.get("unit") or _default_code(request))
    return _page(request, unit, _monday(request.GET.get("week"), clock.now()), None)


@staff_view
@require_POST
def add(request: HttpRequest) -> HttpResponse:
    """Add a shift for the unit named in the form (supervisors and admins)."""
    unit = duty.roster_unit(request.user, request.POST.get("unit", ""), edit=True)
    form = ShiftForm(request.POST, unit=unit)
    monday = _monday(request.POST.get("week"), clock.now())
    if form.is_valid():
        start, end = form.times()
        try:
            duty.add_shift(
                form.cleaned_data["user"],
                unit=unit,
                starts_at=start,
                ends_at=end,
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The shift is on the roster."))
            week = start.date() - timedelta(days=start.date().weekday())
            return redirect(
                f"{reverse('web:duty')}?{urlencode({'unit': unit.code, 'week': week.isoformat()})}"
            )
    return _page(request, unit, monday, form, status=400)


@staff_view
@require_POST
def cancel(request: HttpRequest, shift_id: int) -> HttpResponse:
    """Cancel a planned or running shift (supervisors and admins); back to the week shown."""
    shift = duty.access_shift(request.user, shift_id, edit=True)
    try:
        duty.cancel_shift(shift, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The shift is cancelled."))
    back = request.POST.get("next", "")
    if not back.startswith(reverse("web:duty")):
        back = f"{reverse('web:duty')}?{urlencode({'unit': shift.unit.code})}"
    return redirect(back)
