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
