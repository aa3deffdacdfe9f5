"""The in-memory point → unit index of this process, rebuilt when areas change.

`locate(lat, lng)` answers from memory: no database query on a hit. The index is built lazily
from every `Area` of an active unit. It is dropped by `invalidate()` (which `set_area` calls
after commit) and, for changes made by other processes, by a cheap version check — the count
and latest change time of areas and units — done at most once per
`settings.GEO_INDEX_REFRESH_SECONDS`.

The winner among nested or touching areas is the deepest unit, then the lowest code: see
`grassroots.geo.spatial` and docs/domain/geo.md.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from django.conf import settings
from django.db.models import Count, Max
from django.utils.translation import get_language
from shapely.geometry import shape

from grassroots.organizations.models import Unit

from .models import Area
from .spatial import AreaIndex, area_ranks

Version = tuple[Any, ...]
AREA_FIELDS = (
    "geometry",
    *(f"unit__{f}" for f in ("code", "name_zh", "name_en", "level", "path", "depth")),
)


@dataclass(frozen=True)
class UnitRef:
    """A unit as the index knows it: both names kept, one picked at read time."""

    id: int
    code: str
    name_zh: str
    name_en: str
    level: str

    @property
    def name(self) -> str:
        """The name in the active language, falling back to the other one (as `Unit.name`)."""
        if (get_language() or "").startswith("zh"):
            return self.name_zh or self.name_en
        return self.name_en or self.name_zh


@dataclass(frozen=True)
class Located(UnitRef):
    """The unit found at a point, with its ancestors from the root down to its parent."""

    depth: int = 0
    ancestors: tuple[UnitRef, ...] = field(default=())

    @property
    def path(self) -> tuple[UnitRef, ...]:
        """From the root down to this unit, the unit itself last."""
        return (*self.ancestors, self)


class UnitIndex:
    """One built index: the spatial engine plus the unit behind each of its areas."""

    def __init__(
        self, located: Sequence[Located], geometries: Sequence[shapely.Geometry], version: Version
    ) -> None:
        self.version = version
        self.located = tuple(located)
        self.unit_ids = np.array([loc.id for loc in located] + [-1], dtype=np.int64)
        ranks = area_ranks([loc.depth for loc in located], [loc.code for loc in located])
        # A deployment that has imported no areas yet has nothing to index.
        self.engine = AreaIndex(geometries, ranks) if located else None

    def locate(self, lat: float, lng: float) -> Located | None:
        """The unit at a WGS84 point, or None outside every area."""
        if self.engine is None:
            return None
        found = self.engine.lookup(lng, lat)
        return self.located[found] if found >= 0 else None

    def locate_many(self, lats: npt.ArrayLike, lngs: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Unit ids for arrays of WGS84 points, -1 where no area covers the point."""
        if self.engine is None:
            return np.full(np.shape(lats), -1, dtype=np.int64)
        found = self.engine.lookup_many(lngs, lats)
        ids: npt.NDArray[np.int64] = self.unit_ids[found]  # -1 picks the trailing -1
        return ids


def current_version() -> Version:
    """A cheap fingerprint of everything the index is built from (two aggregate queries)."""
    areas = Area.objects.aggregate(n=Count("pk"), t=Max("updated_at"))
    units = Unit.objects.aggregate(n=Count("pk"), t=Max("updated_at"))
    return (areas["n"], areas["t"], units["n"], units["t"])


def build_index() -> UnitIndex:
    """Read every area of an active unit and build a fresh index from it."""
    version = current_version()
    areas = list(
        Area.objects.filter(unit__is_active=True).select_related("unit").only(*AREA_FIELDS)
    )
    units = [area.unit for area in areas]
    refs = _ancestor_refs(units)
    located = [_located(unit, refs) for unit in units]
    geometries = [shape(area.geometry) for area in areas]
    return UnitIndex(located, geometries, version)


def _ref(unit: Unit) -> UnitRef:
    return UnitRef(unit.pk, unit.code, unit.name_zh, unit.name_en, unit.level)


def _ancestor_refs(units: Sequence[Unit]) -> dict[int, UnitRef]:
    ids = {pk for unit in units for pk in unit.ancestor_ids}
    return {u.pk: _ref(u) for u in Unit.objects.filter(pk__in=ids)}


def _located(unit: Unit, refs: dict[int, UnitRef]) -> Located:
    ancestors = tuple(refs[pk] for pk in unit.ancestor_ids if pk in refs)
    return Located(
        unit.pk, unit.code, unit.name_zh, unit.name_en, unit.level, unit.depth, ancestors
    )


class IndexHolder:
    """A process's index, the time of its last version check, and the rebuild lock.

    `clock` is injectable so that tests can move time forward.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.index: UnitIndex | None = None
        self.checked_at = 0.0
        self.clock = clock
        self.lock = threading.Lock()

    def get(self) -> UnitIndex:
        """The index, after a version check if the last one is older than the interval.

        Only the first build blocks; later rebuilds happen while other threads keep using the
        previous index.
        """
        index = self.index
        if index is not None and not self._due():
            return index
        if index is None:
            with self.lock:
                return self._refresh()
        # A rebuild takes seconds on a city's areas: while another thread does it, lookups keep
        # answering from the index they have rather than queueing behind the lock.
        if not self.lock.acquire(blocking=False):
            return index
        try:
            return self._refresh()
        finally:
            self.lock.release()

    def _due(self) -> bool:
        return self.clock() - self.checked_at >= settings.GEO_INDEX_REFRESH_SECONDS

    def _refresh(self) -> UnitIndex:
        index = self.index
        if index is not None and not self._due():
            return index  # another thread refreshed while this one waited for the lock
        now = self.clock()
        if index is None or current_version() != index.version:
            index = build_index()
        self.index, self.checked_at = index, now
        return index

    def locate(self, lat: float, lng: float) -> Located | None:
        """See `locate`."""
        return self.get().locate(lat, lng)

    def drop(self) -> None:
        """Forget the index; the next lookup builds a new one."""
        with self.lock:
            self.index = None


_holder = IndexHolder()


def get_index() -> UnitIndex:
    """This process's index, rebuilt first if it was dropped or the areas changed."""
    return _holder.get()


def locate(lat: float, lng: float) -> Located | None:
    """The deepest active unit whose area covers a WGS84 point, or None.

    On a border shared by areas of the same depth, the unit with the lowest code wins.
    """
    return _holder.get().locate(lat, lng)


def locate_many(lats: npt.ArrayLike, lngs: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """`locate` for arrays of WGS84 points at once: unit ids, -1 outside every area."""
    return _holder.get().locate_many(lats, lngs)


def invalidate() -> None:
    """Drop this process's index now; the next lookup rebuilds it."""
    _holder.drop()
