"""Admin pages for units and roles. Saves go through the services, so paths and audit stay right."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from . import services
from .models import Membership, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    list_display = ("code", "name_zh", "name_en", "level", "parent", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("code", "name_zh", "name_en")
    readonly_fields = ("path", "depth", "created_at", "updated_at")
    autocomplete_fields = ("parent",)

    def save_model(
        self, request: HttpRequest, obj: Unit, form: ModelForm[Unit], change: bool
    ) -> None:
        data: dict[str, Any] = form.cleaned_data
        if not change:
            created = services.create_unit(
                data["code"],
                level=data["level"],
                name_zh=data.get("name_zh", ""),
                name_en=data.get("name_en", ""),
                parent=data.get("parent"),
                actor=request.user,
                **{k: data.get(k, "") for k in services.CONTACT_FIELDS},
            )
            obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth
            return
        editable = {"code", "name_zh", "name_en", "is_active", *services.CONTACT_FIELDS}
        changes = {k: data[k] for k in form.changed_data if k in editable}
        if changes:
            services.update_unit(Unit.objects.get(pk=obj.pk), actor=request.user, **changes)
        if "parent" in form.changed_data and data.get("parent") is not None:
            services.move_unit(
                Unit.objects.get(pk=obj.pk), parent=data["parent"], actor=request.user
            )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ("user", "unit", "role")
    list_filter = ("role",)
    search_fields = ("user__username", "unit__code", "unit__name_zh", "unit__name_en")
    autocomplete_fields = ("user", "unit")

    def save_model(
        self, request: HttpRequest, obj: Membership, form: ModelForm[Membership], change: bool
    ) -> None:
        data = form.cleaned_data
        if change:
            old = Membership.objects.get(pk=obj.pk)
            services.revoke_role(old.user, unit=old.unit, role=old.role, actor=request.user)
        created = services.grant_role(
            data["user"], unit=data["unit"], role=data["role"], actor=request.user
        )
        obj.pk = created.pk

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        services.revoke_role(obj.user, unit=obj.unit, role=obj.role, actor=request.user)
