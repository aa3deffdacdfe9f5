"""Admin pages for areas (read-mostly: a saved geometry goes through `set_area`) and the
address library (read-only: it is loaded with `grassroots import-addresses`)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.core.errors import DomainError

from .models import AddressPoint, Area
from .services import set_area


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin[Area]):
    list_display = ("unit", "shape_summary", "bbox", "source", "updated_at")
    list_select_related = ("unit",)
    list_filter = ("unit__level",)
    search_fields = ("unit__code", "unit__name_zh", "unit__name_en", "source")
    autocomplete_fields = ("unit",)
    fields = ("unit", "geometry", "source", "shape_summary", "bbox", "created_at", "updated_at")
    readonly_fields = ("shape_summary", "bbox", "created_at", "updated_at")

    @admin.display(description=gettext_lazy("shape"))
    def shape_summary(self, obj: Area) -> str:
        """'MultiPolygon: 3 parts, 1,204 points' instead of the raw GeoJSON."""
        geometry: dict[str, Any] = obj.geometry or {}
        kind = geometry.get("type", "?")
        polygons = geometry.get("coordinates", [])
        if kind == "Polygon":
            polygons = [polygons]
        points = sum(len(ring) for polygon in polygons for ring in polygon)
        return _("%(type)s: %(parts)s parts, %(points)s points") % {
            "type": kind,
            "parts": len(polygons),
            "points": points,
        }

    @admin.display(description=gettext_lazy("bounding box"))
    def bbox(self, obj: Area) -> str:
        """West, south, east, north in degrees."""
        if obj.pk is None:
            return "-"
        return f"{obj.min_lng:.5f}, {obj.min_lat:.5f} — {obj.max_lng:.5f}, {obj.max_lat:.5f}"

    def save_model(
        self, request: HttpRequest, obj: Area, form: ModelForm[Area], change: bool
    ) -> None:
        """Write through the service, so the geometry is checked, audited and indexed."""
        data: dict[str, Any] = form.cleaned_data
        try:
            saved = set_area(
                data["unit"],
                geometry=data["geometry"],
                source=data.get("source", ""),
                actor=request.user,
            )
        except DomainError as exc:
            self.message_user(request, exc.message, level=messages.ERROR)
            return
        obj.pk = saved.pk


@admin.register(AddressPoint)
class AddressPointAdmin(admin.ModelAdmin[AddressPoint]):
    """Look up what the library holds; entries come from `grassroots import-addresses`."""

    list_display = ("address", "key", "lat", "lng", "source", "updated_at")
    list_filter = ("source",)
    search_fields = ("key", "address")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AddressPoint | None = None) -> bool:
        return False
