"""Admin pages for units, roles and duty shifts. Saves go through the services, so paths and
audit stay right."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms import ModelForm
from django.http import HttpRequest

from grassroots.core import clock

from . import duty, services
from .errors import OrganizationError
from .models import DutyShift, Membership, Unit


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


class DutyShiftForm(ModelForm[DutyShift]):
    """Runs the roster's checks so that a refused shift is a form error, not a crash."""

    class Meta:
        model = DutyShift
        fields = ("user", "unit", "starts_at", "ends_at", "note")

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if self.instance.pk is None and all(
            data.get(k) for k in ("user", "unit", "starts_at", "ends_at")
        ):
            try:
                duty.check_shift(
                    data["user"],
                    unit=data["unit"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    note=data.get("note", ""),
                )
            except OrganizationError as error:
                raise ValidationError(error.message, code=error.code) from None
        return data


@admin.register(DutyShift)
class DutyShiftAdmin(admin.ModelAdmin[DutyShift]):
    """Shifts are added through the service (checks and audit); an edit would bypass the
    overlap check, so existing shifts are read-only and "delete" cancels them."""

    list_display = ("user", "unit", "starts_at", "ends_at", "note", "cancelled_at")
    list_filter = ("cancelled_at",)
    search_fields = ("user__username", "unit__code", "unit__name_zh", "unit__name_en", "note")
    autocomplete_fields = ("user", "unit")
    date_hierarchy = "starts_at"
    form = DutyShiftForm
    fields = ("user", "unit", "starts_at", "ends_at", "note")

    def get_readonly_fields(self, request: HttpRequest, obj: DutyShift | None = None) -> Any:
        return self.fields if obj is not None else ()

    def save_model(
        self, request: HttpRequest, obj: DutyShift, form: ModelForm[DutyShift], change: bool
    ) -> None:
        if change:
            return
        data = form.cleaned_data
        created = duty.add_shift(
            data["user"],
            unit=data["unit"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            note=data.get("note", ""),
            actor=request.user,
        )
        obj.pk = created.pk

    def has_delete_permission(self, request: HttpRequest, obj: DutyShift | None = None) -> bool:
        live = obj is None or (obj.cancelled_at is None and obj.ends_at > clock.now())
        return live and super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a bulk delete would remove the record
        return actions

    def delete_model(self, request: HttpRequest, obj: DutyShift) -> None:
        duty.cancel_shift(obj, actor=request.user)
