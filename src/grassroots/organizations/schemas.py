"""Request and response shapes of the duty roster endpoints."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema


class UnitRefOut(Schema):
    code: str
    name: str
    level: str


class ShiftIn(Schema):
    """A shift to add: who (user name), for which unit (code), from when to when (with a
    time zone), and an optional note."""

    user: str = Field(min_length=1, max_length=150)
    unit: str = Field(min_length=1, max_length=64)
    starts_at: datetime
    ends_at: datetime
    note: str = Field(default="", max_length=200)


class ShiftOut(Schema):
    id: int
    user: str
    display_name: str
    unit: UnitRefOut
    starts_at: datetime
    ends_at: datetime
    note: str
    cancelled_at: datetime | None


class OnDutyOut(Schema):
    """The shifts running now for a place (held for the unit or an ancestor); empty when
    nobody is on duty, in which case emergencies alert every dispatcher of the area."""

    at: datetime
    unit: UnitRefOut | None
    shifts: list[ShiftOut]
