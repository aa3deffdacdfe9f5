"""Admin for triage: the deployment edits urgency phrases and the responsibility matrix here;
classifier models are activated through `activate_model`; suggestions and overrides are the
record of what triage proposed and what dispatchers chose, and stay read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import services
from .models import ClassifierModel, Override, RoutingRule, Suggestion, UrgencyRule


@admin.register(UrgencyRule)
class UrgencyRuleAdmin(admin.ModelAdmin[UrgencyRule]):
    list_display = ("phrase", "language", "priority", "is_active")
    list_filter = ("language", "priority", "is_active")
    search_fields = ("phrase",)


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin[RoutingRule]):
    list_display = ("category", "level", "unit")
    list_filter = ("level",)
    autocomplete_fields = ("category", "unit")


class ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.action(description=_("Activate the selected model"))
def activate(modeladmin: Any, request: HttpRequest, queryset: QuerySet[ClassifierModel]) -> None:
    if queryset.count() != 1:
        modeladmin.message_user(request, _("Select exactly one model."), messages.ERROR)
        return
    model = services.activate_model(queryset.get().version, actor=request.user)
    modeladmin.message_user(request, _("Model %s is now active.") % model.version)


@admin.register(ClassifierModel)
class ClassifierModelAdmin(ReadOnly):
    list_display = ("version", "is_active", "created_at")
    actions = [activate]


admin.site.register(Suggestion, ReadOnly)
admin.site.register(Override, ReadOnly)
