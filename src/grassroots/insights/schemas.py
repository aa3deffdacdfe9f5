"""Shapes of the insights API."""

from __future__ import annotations

from datetime import date, datetime

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
    overdue_rate: float | None
    overdue_adjusted: float | None
    handling_median_seconds: int | None
    handling_p90_seconds: int | None
    score_before_overdue: float | None
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


class HotCase(Schema):
    id: int
    tracking_code: str
    subject: str
    status: str
    unit: str
    received_at: datetime
    closeness: float


class HotIssueOut(Schema):
    id: int
    rank: int
    title: str
    keywords: list[str]
    unit: str | None
    unit_name: str
    lat: float | None
    lng: float | None
    first_at: datetime
    last_at: datetime
    reports: int
    residents: int
    support: int
    growth: float
    open_reports: int
    open_days: float
    heat: float
    computed_at: datetime
    cases: list[HotCase]


class HotIssues(Schema):
    period: str
    unit: str | None
    computed_at: datetime | None
    issues: list[HotIssueOut]


class ProjectIn(Schema):
    title: str
    month: str  # YYYY-MM
    lead_unit: str
    area: str
    category: str
    description: str = ""


class ProjectFromIssueIn(Schema):
    lead_unit: str
    month: str  # YYYY-MM
    title: str = ""
    category: str | None = None


class ActionIn(Schema):
    text: str
    unit: str | None = None
    due: date | None = None


class MilestoneIn(Schema):
    title: str
    due: date


class StatusIn(Schema):
    status: str


class ActionOut(Schema):
    id: int
    text: str
    unit: str | None
    due: date | None
    done_at: datetime | None


class MilestoneOut(Schema):
    id: int
    title: str
    due: date
    reached_at: datetime | None


class MonthCount(Schema):
    month: str
    cases: int


class Figures(Schema):
    months: list[MonthCount]
    before_average: float | None
    after_average: float | None
    change: float | None


class ProjectOut(Schema):
    id: int
    title: str
    description: str
    month: str
    status: str
    lead_unit: str
    lead_unit_name: str
    area: str
    area_name: str
    category: str
    category_name: str
    hot_issue: int | None
    actions: list[ActionOut]
    milestones: list[MilestoneOut]
    figures: Figures | None
