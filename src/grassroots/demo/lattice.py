"""Cut an area into pieces along a regular longitude/latitude lattice (pure geometry).

The demo has real boundaries down to the community districts only; its communities and grids
are made by clipping a lattice to each parent area. Pieces smaller than a minimum area
(slivers along the parent's edge) are merged into the neighbour they share most border with,
so that the pieces still cover the parent exactly and each piece lies inside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

# Metres per degree of latitude; longitude degrees shrink by cos(latitude).
METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class Lattice:
    """A regular lattice: cells of `step_lng` × `step_lat` degrees anchored at the origin."""

    origin_lng: float
    origin_lat: float
    step_lng: float
    step_lat: float

    @classmethod
    def of_metres(cls, size_m: float, *, origin: tuple[float, float]) -> Lattice:
        """Square cells of about `size_m` metres at the origin's latitude."""
        lng, lat = origin
        step_lat = size_m / METRES_PER_DEGREE
        return cls(lng, lat, step_lat / math.cos(math.radians(lat)), step_lat)

    def refined(self, factor: int) -> Lattice:
        """The lattice whose cells split each of this one's into factor × factor."""
        return Lattice(
            self.origin_lng, self.origin_lat, self.step_lng / factor, self.step_lat / factor
        )

    def cells_over(self, geom: BaseGeometry) -> list[tuple[int, int, BaseGeometry]]:
        """(row, column, box) of every cell meeting the geometry's bounding box."""
        minx, miny, maxx, maxy = geom.bounds
        cols = range(
            math.floor((minx - self.origin_lng) / self.step_lng),
            math.ceil((maxx - self.origin_lng) / self.step_lng),
        )
        rows = range(
            math.floor((miny - self.origin_lat) / self.step_lat),
            math.ceil((maxy - self.origin_lat) / self.step_lat),
        )
        return [(r, c, self._box(r, c)) for r in rows for c in cols]

    def _box(self, row: int, col: int) -> BaseGeometry:
        x0 = self.origin_lng + col * self.step_lng
        y0 = self.origin_lat + row * self.step_lat
        return shapely.box(x0, y0, x0 + self.step_lng, y0 + self.step_lat)


def area_m2(geom: BaseGeometry) -> float:
    """Approximate area in square metres (equirectangular at the geometry's latitude)."""
    if geom.is_empty:
        return 0.0
    lat = geom.centroid.y
    return float(geom.area) * METRES_PER_DEGREE**2 * math.cos(math.radians(lat))


def clip(parent: BaseGeometry, lattice: Lattice, *, min_area_m2: float) -> list[BaseGeometry]:
    """The parent cut along the lattice, slivers merged; ordered north to south, west to east."""
    cells = lattice.cells_over(parent)
    boxes = np.array([box for _r, _c, box in cells], dtype=object)
    parts = shapely.intersection(boxes, parent)
    pieces = [
        (-row, col, _polygonal(part))
        for (row, col, _box), part in zip(cells, parts, strict=True)
        if not part.is_empty
    ]
    pieces = [(r, c, g) for r, c, g in pieces if g is not None]
    pieces.sort(key=lambda p: (p[0], p[1]))
    return merge_slivers([g for _r, _c, g in pieces], min_area_m2=min_area_m2)


def _polygonal(geom: BaseGeometry) -> BaseGeometry | None:
    """Keep only the areal part of an intersection (drop touching lines and points)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom if geom.area > 0 else None
    polys = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polys) if polys else None


def merge_slivers(pieces: list[BaseGeometry], *, min_area_m2: float) -> list[BaseGeometry]:
    """Merge each piece under the minimum area into the kept piece it borders most.

    A sliver touching no kept piece goes to the nearest one. When every piece is small the
    parent stays whole: one piece, the union of all.
    """
    areas = [area_m2(p) for p in pieces]
    kept = [i for i, a in enumerate(areas) if a >= min_area_m2]
    if not kept:
        return [shapely.union_all(pieces)] if pieces else []
    merged: dict[int, list[BaseGeometry]] = {i: [pieces[i]] for i in kept}
    for i in sorted(set(range(len(pieces))) - set(kept), key=areas.__getitem__):
        merged[_best_neighbour(pieces[i], [pieces[k] for k in kept], kept)].append(pieces[i])
    return [_union(merged[i]) for i in kept]


def _best_neighbour(sliver: BaseGeometry, others: list[BaseGeometry], ids: list[int]) -> int:
    shared = shapely.length(shapely.intersection(sliver.boundary, shapely.boundary(others)))
    if float(np.max(shared)) > 0:
        return ids[int(np.argmax(shared))]
    return ids[int(np.argmin(shapely.distance(sliver, others)))]


def _union(parts: list[BaseGeometry]) -> BaseGeometry:
    geom = parts[0] if len(parts) == 1 else shapely.union_all(parts)
    return geom if geom.is_valid else shapely.make_valid(geom)
