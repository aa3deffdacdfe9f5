"""Insights' tables in the admin, read-only: the projection is rebuilt, never edited, and
marks change only through their services (audited)."""

from __future__ import annotations

from django.contrib import admin

from grassroots.core.admin import ReadOnlyAdmin

from .models import (
    CaseFact,
    DemandMark,
    FoldState,
    GovernanceProject,
    HotIssue,
    HotIssueCase,
    ProjectAction,
    ProjectMilestone,
    UnitDay,
    UnitMonth,
)


@admin.register(DemandMark)
class DemandMarkAdmin(ReadOnlyAdmin):
    list_display = ("case", "reason", "marked_by", "marked_at", "withdrawn_at")
    list_select_related = ("case", "marked_by")
    raw_id_fields = ("case",)


@admin.register(CaseFact)
class CaseFactAdmin(ReadOnlyAdmin):
    list_display = ("case_id", "unit", "day", "received", "closed", "excluded")
    list_select_related = ("unit",)
    show_full_result_count = False


@admin.register(UnitDay)
class UnitDayAdmin(ReadOnlyAdmin):
    list_display = ("unit", "day", "received", "closed")
    list_select_related = ("unit",)


@admin.register(UnitMonth)
class UnitMonthAdmin(ReadOnlyAdmin):
    list_display = ("unit", "month", "received", "closed")
    list_select_related = ("unit",)


@admin.register(FoldState)
class FoldStateAdmin(ReadOnlyAdmin):
    list_display = ("id", "last_event_id", "folded_at")


@admin.register(HotIssue)
class HotIssueAdmin(ReadOnlyAdmin):
    list_display = ("period", "rank", "title", "unit", "reports", "heat")
    list_select_related = ("unit",)
    list_filter = ("period",)


@admin.register(HotIssueCase)
class HotIssueCaseAdmin(ReadOnlyAdmin):
    list_display = ("issue", "case", "closeness")
    raw_id_fields = ("issue", "case")


@admin.register(GovernanceProject)
class GovernanceProjectAdmin(ReadOnlyAdmin):
    list_display = ("month", "title", "status", "lead_unit", "area", "category")
    list_select_related = ("lead_unit", "area", "category")


@admin.register(ProjectAction)
class ProjectActionAdmin(ReadOnlyAdmin):
    list_display = ("project", "text", "unit", "due", "done_at")


@admin.register(ProjectMilestone)
class ProjectMilestoneAdmin(ReadOnlyAdmin):
    list_display = ("project", "title", "due", "reached_at")
