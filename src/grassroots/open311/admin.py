"""Admin pages for partners, keys, service attributes and (read-only) submissions.

Saves go through the services so that each change is audited; a new key is shown once, in
the message after the "Issue a new key" action.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import services
from .models import ApiKey, Open311Submission, Partner, Scope, ServiceAttribute


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin[Partner]):
    list_display = ("name", "contact", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "contact")
    actions = ["issue_key"]

    def save_model(
        self, request: HttpRequest, obj: Partner, form: ModelForm[Partner], change: bool
    ) -> None:
        data: dict[str, Any] = form.cleaned_data
        if not change:
            created = services.create_partner(data["name"], contact=data.get("contact", ""),
                                              actor=request.user)  # fmt: skip
            obj.pk = created.pk
            if not data.get("is_active", True):
                services.update_partner(created, actor=request.user, is_active=False)
            return
        changes = {k: data[k] for k in form.changed_data if k in ("name", "contact", "is_active")}
        if changes:
            services.update_partner(Partner.objects.get(pk=obj.pk), actor=request.user, **changes)

    @admin.action(description=gettext_lazy("Issue a new API key (shown once)"))
    def issue_key(self, request: HttpRequest, queryset: QuerySet[Partner]) -> None:
        for partner in queryset:
            clear, _key = services.issue_api_key(partner, scopes=list(Scope.values),
                                                 actor=request.user)  # fmt: skip
            self.message_user(
                request,
                _("New key for %(partner)s (copy it now, it is not shown again): %(key)s")
                % {"partner": partner.name, "key": clear},
                messages.WARNING,
            )


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin[ApiKey]):
    list_display = ("prefix", "partner", "scopes", "rate_per_minute", "created_at",
                    "last_used_at", "revoked_at")  # fmt: skip
    list_filter = ("partner",)
    readonly_fields = ("partner", "key_hash", "prefix", "scopes", "rate_per_minute",
                       "created_at", "last_used_at", "revoked_at")  # fmt: skip
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # keys are issued from the partner page or `grassroots open311-key`

    def has_delete_permission(self, request: HttpRequest, obj: ApiKey | None = None) -> bool:
        return False  # revoke instead, so that submissions keep their key

    @admin.action(description=gettext_lazy("Revoke the selected keys"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for key in queryset:
            services.revoke_api_key(key, actor=request.user)


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(admin.ModelAdmin[ServiceAttribute]):
    list_display = ("category", "code", "datatype", "required", "order", "is_active")
    list_filter = ("datatype", "required", "is_active")
    search_fields = ("code", "category__code", "description_zh", "description_en")
    autocomplete_fields = ("category",)

    def save_model(
        self, request: HttpRequest, obj: ServiceAttribute, form: ModelForm[ServiceAttribute],
        change: bool,
    ) -> None:  # fmt: skip
        services.save_service_attribute(obj, actor=request.user)

    def delete_model(self, request: HttpRequest, obj: ServiceAttribute) -> None:
        services.delete_service_attribute(obj, actor=request.user)


@admin.register(Open311Submission)
class Open311SubmissionAdmin(admin.ModelAdmin[Open311Submission]):
    list_display = ("case", "partner", "api_key", "created_at")
    list_filter = ("partner",)
    search_fields = ("case__tracking_code", "token")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: Open311Submission | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: Open311Submission | None = None
    ) -> bool:
        return False
