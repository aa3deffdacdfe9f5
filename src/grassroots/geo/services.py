"""The only code that writes areas and the address library. Each area write tells the
in-memory index to rebuild."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import shapely
from django.db import transaction
from django.utils.translation import gettext as _
from shapely.geometry import mapping, shape

from grassroots.core import audit
from grassroots.organizations.models import Unit
from grassroots.organizations.services import create_unit, move_unit, update_unit

from .datum import Datum, geometry_to_wgs84
from .errors import GeoError, GeoErrorCode
from .models import AddressPoint, Area

if TYPE_CHECKING:
    from .address_import import AddressRow
    from .importer import PlannedArea

ADDRESS_BATCH = 1000


@dataclass
class ImportResult:
    """How many units an import created and how many it updated."""

    created: int = 0
    updated: int = 0


def clean_geometry(
    geojson: dict[str, Any], *, label: str = "", datum: Datum | str = Datum.WGS84
) -> shapely.Geometry:
    """Parse a GeoJSON (multi)polygon in `datum` into WGS84; repair self-intersections;
    refuse anything else."""
    try:
        geom = geometry_to_wgs84(shape(geojson), datum)
    except Exception as exc:  # shapely raises several types for malformed GeoJSON
        raise GeoError(
            GeoErrorCode.INVALID_GEOMETRY,
            _("%(label)s: unreadable geometry (%(err)s).") % {"label": label, "err": exc},
        ) from exc
    if geom.geom_type not in ("Polygon", "MultiPolygon") or geom.is_empty:
        raise GeoError(
            GeoErrorCode.INVALID_GEOMETRY,
            _("%(label)s: expected a Polygon or MultiPolygon, got %(type)s.")
            % {"label": label, "type": geom.geom_type},
        )
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
        polys = [
            g for g in getattr(geom, "geoms", [geom]) if g.geom_type in ("Polygon", "MultiPolygon")
        ]
        if not polys:
            raise GeoError(GeoErrorCode.INVALID_GEOMETRY, _("%s: the polygon has no area.") % label)
        geom = shapely.union_all(polys)
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise GeoError(
            GeoErrorCode.INVALID_GEOMETRY,
            _("%s: coordinates are not longitude/latitude in degrees.") % label,
        )
    return geom


@transaction.atomic
def set_area(
    unit: Unit, *, geometry: dict[str, Any] | shapely.Geometry, source: str = "", actor: Any | None
) -> Area:
    """Give a unit its area (WGS84), replacing any earlier one; the index rebuilds after commit."""
    geom = (
        geometry
        if isinstance(geometry, shapely.Geometry)
        else clean_geometry(geometry, label=unit.code)
    )
    minx, miny, maxx, maxy = geom.bounds
    area, created = Area.objects.update_or_create(
        unit=unit,
        defaults={
            "geometry": mapping(geom),
            "min_lng": minx,
            "min_lat": miny,
            "max_lng": maxx,
            "max_lat": maxy,
            "source": source[:300],
        },
    )
    audit.record(
        "geo.area.created" if created else "geo.area.updated",
        actor=actor,
        target=area,
        summary=unit.code,
    )
    transaction.on_commit(_invalidate_index)
    return area


def _invalidate_index() -> None:
    from .index import invalidate

    invalidate()


@transaction.atomic
def import_areas(
    plan: Iterable[PlannedArea],
    *,
    level: str,
    source: str,
    actor: Any | None,
    progress: Callable[[Iterable[PlannedArea]], Iterable[PlannedArea]] = iter,
) -> ImportResult:
    """Write a checked import plan (see `geo.importer.plan_import`) in one transaction.

    A unit with the same code is updated (names, parent), not duplicated; every area is set.
    """
    result = ImportResult()
    for item in progress(plan):
        if item.existing is None:
            unit = create_unit(
                item.code,
                level=level,
                name_zh=item.name_zh,
                name_en=item.name_en,
                parent=item.parent,
                actor=actor,
            )
            result.created += 1
        else:
            unit = _update_imported(item, actor=actor)
            result.updated += 1
        set_area(unit, geometry=item.geometry, source=source, actor=actor)
    return result


def _update_imported(item: PlannedArea, *, actor: Any | None) -> Unit:
    unit = item.existing
    assert unit is not None
    changes = {
        key: value
        for key, value in (("name_zh", item.name_zh), ("name_en", item.name_en))
        if value and getattr(unit, key) != value
    }
    if changes:
        unit = update_unit(unit, actor=actor, **changes)
    if item.parent is not None and unit.parent_id != item.parent.pk:
        unit = move_unit(unit, parent=item.parent, actor=actor)
    return unit


def import_addresses(
    rows: Iterable[AddressRow],
    *,
    source: str,
    actor: Any | None,
    batch_size: int = ADDRESS_BATCH,
    progress: Callable[[int], object] = lambda n: None,
) -> int:
    """Write checked rows (`geo.address_import`) to the address library; return how many.

    An address already in the library (same key) gets the new point and source; within the
    rows the last one of a key wins. One transaction per batch of `batch_size` rows, so that a
    large library does not hold the database's write lock for the whole import (a re-run is
    harmless: rows are matched by key). One audit entry for the import.
    """
    imported = 0
    batch: dict[str, AddressRow] = {}
    for row in rows:
        batch[row.key] = row
        if len(batch) >= batch_size:
            imported += _write_addresses(batch, source)
            progress(len(batch))
            batch = {}
    if batch:
        imported += _write_addresses(batch, source)
        progress(len(batch))
    audit.record(
        "geo.addresses.imported",
        actor=actor,
        summary=source[:200],
        data={"source": source, "imported": imported},
    )
    return imported


def _write_addresses(batch: dict[str, AddressRow], source: str) -> int:
    points = [
        AddressPoint(key=key, address=row.address, lat=row.lat, lng=row.lng, source=source[:300])
        for key, row in batch.items()
    ]
    with transaction.atomic():
        AddressPoint.objects.bulk_create(
            points,
            update_conflicts=True,
            unique_fields=["key"],
            update_fields=["address", "lat", "lng", "source", "updated_at"],
        )
    return len(points)
