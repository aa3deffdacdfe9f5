"""Insights' tables in the admin, read-only: the projection is rebuilt, never edited, and
marks change only through their services (audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import CaseFact, DemandMark, FoldState, UnitDay, UnitMonth


class ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(DemandMark)
class DemandMarkAdmin(ReadOnly):
    list_display = ("case", "reason", "marked_by", "marked_at", "withdrawn_at")
    list_select_related = ("case", "marked_by")
    raw_id_fields = ("case",)


@admin.register(CaseFact)
class CaseFactAdmin(ReadOnly):
    list_display = ("case_id", "unit", "day", "received", "closed", "excluded")
    list_select_related = ("unit",)
    show_full_result_count = False


@admin.register(UnitDay)
class UnitDayAdmin(ReadOnly):
    list_display = ("unit", "day", "received", "closed")
    list_select_related = ("unit",)


@admin.register(UnitMonth)
class UnitMonthAdmin(ReadOnly):
    list_display = ("unit", "month", "received", "closed")
    list_select_related = ("unit",)


@admin.register(FoldState)
class FoldStateAdmin(ReadOnly):
    list_display = ("id", "last_event_id", "folded_at")
