"""Reads over areas."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .errors import GeoError, GeoErrorCode
from .models import Area


def area_of(code: str) -> Area:
    """The area of the unit with this code, its unit and parent loaded; 404 if there is none."""
    area = Area.objects.select_related("unit", "unit__parent").filter(unit__code=code).first()
    if area is None:
        raise GeoError(
            GeoErrorCode.NO_AREA, _("No unit with the code “%s” has an area.") % code, status=404
        )
    return area
