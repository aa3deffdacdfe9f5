"""Admin for triage: the deployment edits urgency phrases and the responsibility matrix here;
classifier models are activated through `activate_model`; suggestions and overrides are the
record of what triage proposed and what dispatchers chose, and stay read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from grassroots.core.admin import ReadOnlyAdmin

from . import services
from .models import (
    ClassifierModel,
    Override,
    RoutingRule,
    Suggestion,
    TimelineNote,
    UrgencyRule,
)


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


@admin.action(description=_("Activate the selected model"))
def activate(modeladmin: Any, request: HttpRequest, queryset: QuerySet[ClassifierModel]) -> None:
    if queryset.count() != 1:
        modeladmin.message_user(request, _("Select exactly one model."), messages.ERROR)
        return
    model = services.activate_model(queryset.get().version, actor=request.user)
    modeladmin.message_user(request, _("Model %s is now active.") % model.version)


@admin.register(ClassifierModel)
class ClassifierModelAdmin(ReadOnlyAdmin):
    list_display = ("version", "is_active", "created_at")
    actions = [activate]


admin.site.register(Suggestion, ReadOnlyAdmin)
admin.site.register(Override, ReadOnlyAdmin)
admin.site.register(TimelineNote, ReadOnlyAdmin)
