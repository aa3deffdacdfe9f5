from __future__ import annotations

from enum import StrEnum

from grassroots.core.errors import DomainError


class GeoErrorCode(StrEnum):
    INVALID_GEOMETRY = "invalid_geometry"  # not a valid (multi)polygon
    INVALID_COORDINATE = "invalid_coordinate"  # latitude/longitude out of range or not numbers
    OUTSIDE_ALL_AREAS = "outside_all_areas"  # the point lies in no unit's area
    IMPORT_FAILED = "import_failed"  # a feature of an import file could not be used
    INVALID_DATUM = "invalid_datum"  # a datum other than wgs84 or gcj02
    NO_AREA = "no_area"  # no unit with this code, or the unit has no area


class GeoError(DomainError):
    status = 422
