"""The area each unit covers, stored as GeoJSON so that SQLite and PostgreSQL behave the same."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from grassroots.core.models import TimeStampedModel
from grassroots.organizations.models import Unit


class Area(TimeStampedModel):
    """The polygon or multipolygon of one unit, in WGS84 longitude/latitude.

    Imports in GCJ-02 are converted on the way in; the database holds one datum only.
    The bounding box is kept beside the geometry for cheap map queries.
    """

    unit = models.OneToOneField(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="area"
    )
    geometry = models.JSONField(_("geometry (GeoJSON, WGS84)"))
    min_lng = models.FloatField(_("west"))
    min_lat = models.FloatField(_("south"))
    max_lng = models.FloatField(_("east"))
    max_lat = models.FloatField(_("north"))
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self) -> str:
        return f"{self.unit.code}"


class AddressPoint(TimeStampedModel):
    """One entry of the standard address library (标准地址库): an address and its point.

    Loaded by the deployment (`grassroots import-addresses`); looked up by `key`, the address
    normalized by `geo.addresskeys.address_key`, so that spelling variants meet.
    """

    key = models.CharField(_("normalized address"), max_length=300, unique=True)
    address = models.CharField(_("address"), max_length=300)
    lat = models.FloatField(_("latitude (WGS84)"))
    lng = models.FloatField(_("longitude (WGS84)"))
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("library address")
        verbose_name_plural = _("address library")

    def __str__(self) -> str:
        return self.address
