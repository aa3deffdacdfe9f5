"""Admin: the deployment edits categories and deadline policies here; cases are read-only
(every change to a case goes through a service and its timeline)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from grassroots.core.admin import ReadOnlyAdmin

from .models import (
    Attachment,
    Case,
    CaseAssignment,
    CaseEvent,
    Category,
    DeadlinePolicy,
    ExtensionRequest,
    IdempotencyRecord,
    Resident,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ("code", "name_zh", "name_en", "parent", "is_active", "sort")
    list_filter = ("is_active",)
    search_fields = ("code", "name_zh", "name_en", "keywords")
    autocomplete_fields = ("parent",)


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin[DeadlinePolicy]):
    list_display = (
        "category",
        "priority",
        "respond_within",
        "respond_unit",
        "resolve_within",
        "resolve_unit",
        "note",
    )
    list_filter = ("priority", "resolve_unit")
    autocomplete_fields = ("category",)


class EventInline(admin.TabularInline[CaseEvent, Case]):
    model = CaseEvent
    extra = 0
    fields = ("at", "type", "actor_label", "unit", "from_status", "to_status", "note", "public")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = (
        "tracking_code",
        "subject",
        "status",
        "priority",
        "unit",
        "received_at",
        "resolve_due",
    )
    list_filter = ("status", "priority", "kind", "channel")
    search_fields = ("tracking_code", "subject")
    date_hierarchy = "received_at"
    # The resident and the secret stay out of the admin: the API's logged reveal is the way.
    exclude = ("resident", "secret")
    inlines = [EventInline]


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ("case", "type", "at", "actor_label", "unit", "public")
    list_filter = ("type", "public")


for model in (CaseAssignment, ExtensionRequest, Attachment, IdempotencyRecord):
    admin.site.register(model, ReadOnlyAdmin)


@admin.register(Resident)
class ResidentAdmin(ReadOnlyAdmin):
    """Listed without personal data; the fields are not shown here at all."""

    list_display = ("__str__", "created_at")
    fields = ("created_at",)
    readonly_fields = ("created_at",)
