from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import AuditEntry, CalendarDay
from .services import delete_calendar_day, set_calendar_day


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Shown for inspection only: rows change through the services, never in the admin."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The audit log is read-only, even for superusers."""

    list_display = ("at", "actor_label", "action", "target_type", "target_id", "summary")
    list_filter = ("action", "target_type")
    search_fields = ("actor_label", "action", "target_id", "summary")
    date_hierarchy = "at"


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin[CalendarDay]):
    """The deployment's working-calendar overrides; every save goes through the service."""

    list_display = ("date", "is_workday", "note", "updated_at")
    list_filter = ("is_workday",)
    search_fields = ("note",)
    date_hierarchy = "date"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The date is the override's identity: change another date by adding a row.
        return ("date",) if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        saved = set_calendar_day(
            obj.date, is_workday=obj.is_workday, note=obj.note, actor=request.user
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        delete_calendar_day(obj.date, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarDay]) -> None:
        for day in queryset.values_list("date", flat=True):
            delete_calendar_day(day, actor=request.user)
