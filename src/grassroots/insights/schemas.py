"""Shapes of the insights API."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema


class KpiRow(Schema):
    unit: str
    name: str
    level: str
    received: int
    dispatched: int
    excluded: int
    response_base: int
    responded_on_time: int
    followed_up: int
    resolved: int
    rated: int
    satisfied: int
    basic: int
    unsatisfied: int
    closed: int
    closed_on_time: int
    overdue_open: int
    returned: int
    reopened: int
    handled: int
    response_rate: float | None
    response_adjusted: float | None
    resolution_rate: float | None
    resolution_adjusted: float | None
    satisfaction_rate: float | None
    satisfaction_adjusted: float | None
    on_time_rate: float | None
    on_time_adjusted: float | None
    handling_median_seconds: int | None
    handling_p90_seconds: int | None
    score: float | None
    previous_score: float | None
    score_change: float | None
    ranked: bool
    rank: int | None


class KpiTable(Schema):
    level: str
    period: str
    unit: str | None
    rows: list[KpiRow]


class MarkOut(Schema):
    reason: str
    marked_by: str
    marked_at: datetime
    active: bool


class CaseBehind(Schema):
    id: int
    tracking_code: str
    subject: str
    status: str
    unit: str
    received_at: datetime
    closed_at: datetime | None
    handling_seconds: int | None
    hit: bool | None
    unreasonable: MarkOut | None


class CasesBehind(Schema):
    unit: str
    kpi: str
    period: str
    count: int
    hits: int | None
    cases: list[CaseBehind]


class MarkIn(Schema):
    reason: str


class MarkState(Schema):
    case: int
    tracking_code: str
    unreasonable: MarkOut
