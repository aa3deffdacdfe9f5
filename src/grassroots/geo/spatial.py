"""Which of many nested polygons is the deepest one covering a point: the engine of `geo.index`.

Pure shapely and numpy, no Django, so that it can be built and measured on its own.

Two layers answer a lookup:

- a raster over the bounding box of all areas. A cell that no ring of any polygon touches is
  covered by the same set of areas everywhere, and so is every cell of its 4-connected
  component (two such neighbours share an edge no ring crosses). One exact lookup per component
  fills the raster; a point in such a cell costs one array read.
- the exact layer, for points in cells a ring passes through: every polygon is cut into pieces
  of at most `MAX_PIECE_VERTICES` vertices, prepared, and kept in a shapely `STRtree`.

The rule (the same in both layers): a point belongs to every area whose closed polygon covers
it, boundary included, holes excluded. Among those the winner is the deepest, then the one with
the lowest code, so a point on a border shared by two areas of the same depth always resolves
to the area with the lower code.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from scipy import ndimage

MAX_PIECE_VERTICES = 64
BOUNDARY = -2  # raster value: a ring passes through this cell, ask the exact layer
NOWHERE = -1  # raster value / result: no area covers the point
MAX_CACHED_CELLS = 200_000
_EPS_CELLS = 1e-6  # slack, in cells, against rounding when marking ring cells

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Grid:
    """A raster of nx × ny cells; cell (ix, iy) holds x in [x0 + ix/sx, x0 + (ix+1)/sx)."""

    x0: float
    y0: float
    sx: float  # cells per degree of longitude
    sy: float  # cells per degree of latitude
    nx: int
    ny: int

    @classmethod
    def around(cls, bounds: Sequence[float], n_areas: int) -> Grid:
        """A square-count grid over `bounds` with a margin, finer when there are more areas."""
        side = 2 ** min(11, max(7, math.ceil(math.log2(48 * math.sqrt(max(n_areas, 1))))))
        minx, miny, maxx, maxy = bounds
        mx = max((maxx - minx) * 0.01, 1e-6)
        my = max((maxy - miny) * 0.01, 1e-6)
        x0, y0 = minx - mx, miny - my
        sx, sy = side / (maxx + mx - x0), side / (maxy + my - y0)
        return cls(x0=x0, y0=y0, sx=sx, sy=sy, nx=side, ny=side)

    def cell_box(self, ix: int, iy: int) -> shapely.Geometry:
        """The cell as a polygon, a hair larger so that rounding never loses a candidate."""
        pad = _EPS_CELLS
        return shapely.box(
            self.x0 + (ix - pad) / self.sx,
            self.y0 + (iy - pad) / self.sy,
            self.x0 + (ix + 1 + pad) / self.sx,
            self.y0 + (iy + 1 + pad) / self.sy,
        )


def area_ranks(depths: Sequence[int], codes: Sequence[str]) -> IntArray:
    """Rank of each area, higher wins: deeper first, then the lower code (the border rule)."""
    order = sorted(range(len(codes)), key=lambda i: (-depths[i], codes[i]))  # best first
    ranks = np.empty(len(codes), dtype=np.int64)
    ranks[order] = np.arange(len(codes) - 1, -1, -1)
    return ranks


def cut_into_pieces(
    geometries: Sequence[shapely.Geometry], max_vertices: int = MAX_PIECE_VERTICES
) -> tuple[npt.NDArray[Any], IntArray]:
    """Halve each polygon along its longer side until every piece has few vertices.

    Returns the pieces and, for each, the position of the polygon it came from.
    """
    done: list[npt.NDArray[Any]] = []
    owners: list[IntArray] = []
    geoms = np.asarray(geometries, dtype=object)
    owner = np.arange(len(geoms), dtype=np.int64)
    while len(geoms):
        small = shapely.get_num_coordinates(geoms) <= max_vertices
        done.append(geoms[small])
        owners.append(owner[small])
        geoms, owner = _halve(geoms[~small], owner[~small])
    return np.concatenate(done), np.concatenate(owners)


def _halve(geoms: npt.NDArray[Any], owner: IntArray) -> tuple[npt.NDArray[Any], IntArray]:
    halves: list[shapely.Geometry] = []
    owners: list[int] = []
    rects: list[tuple[float, float, float, float]] = []
    for geom, own, (x0, y0, x1, y1) in zip(geoms, owner, shapely.bounds(geoms), strict=True):
        if x1 - x0 >= y1 - y0:
            pair = ((x0, y0, (x0 + x1) / 2, y1), ((x0 + x1) / 2, y0, x1, y1))
        else:
            pair = ((x0, y0, x1, (y0 + y1) / 2), (x0, (y0 + y1) / 2, x1, y1))
        for rect in pair:
            halves.append(shapely.clip_by_rect(geom, *rect))
            owners.append(int(own))
            rects.append(rect)
    pieces = np.array(halves, dtype=object)
    # clip_by_rect is several times faster than intersection, but its output may be invalid
    # and then answer point tests wrongly: redo those few exactly.
    dirty = np.flatnonzero(~shapely.is_valid(pieces))
    if len(dirty):
        parents = np.repeat(geoms, 2)[dirty]
        boxes = shapely.box(*np.array(rects)[dirty].T)
        pieces[dirty] = shapely.intersection(parents, boxes)
    keep = shapely.area(pieces) > 0
    return pieces[keep], np.array(owners, dtype=np.int64)[keep]


class AreaIndex:
    """Answers "which area covers this point" for polygons given once; immutable after build."""

    def __init__(self, geometries: Sequence[shapely.Geometry], ranks: IntArray) -> None:
        self.size = len(geometries)
        self.ranks = np.asarray(ranks, dtype=np.int64)
        self._by_rank = np.full(self.size + 1, NOWHERE, dtype=np.int64)
        self._by_rank[self.ranks] = np.arange(self.size)
        self.pieces, self.owner = cut_into_pieces(geometries)
        shapely.prepare(self.pieces)
        self.tree = shapely.STRtree(self.pieces)
        bounds = shapely.total_bounds(np.asarray(geometries, dtype=object))
        self.grid = Grid.around(bounds if self.size else (0, 0, 1, 1), self.size)
        self.cells = self._raster(geometries)
        self._flat = self.cells.ravel()
        self._cache: dict[int, tuple[npt.NDArray[Any], IntArray]] = {}

    # -- lookups -------------------------------------------------------------------------------

    def lookup(self, x: float, y: float) -> int:
        """Position of the winning area at longitude x, latitude y, or -1."""
        g = self.grid
        fx, fy = (x - g.x0) * g.sx, (y - g.y0) * g.sy
        if not (0.0 <= fx < g.nx and 0.0 <= fy < g.ny):
            return NOWHERE
        cell = int(fy) * g.nx + int(fx)
        found: int = self._flat.item(cell)
        return found if found != BOUNDARY else self._lookup_exact(x, y, cell)

    def lookup_many(self, xs: npt.ArrayLike, ys: npt.ArrayLike) -> IntArray:
        """Positions of the winning areas for arrays of longitudes and latitudes (-1: none)."""
        x = np.asarray(xs, dtype=np.float64)
        y = np.asarray(ys, dtype=np.float64)
        g = self.grid
        fx, fy = (x - g.x0) * g.sx, (y - g.y0) * g.sy
        inside = (fx >= 0) & (fx < g.nx) & (fy >= 0) & (fy < g.ny)  # also false for NaN
        result = np.full(x.shape, NOWHERE, dtype=np.int64)
        cell = fy[inside].astype(np.int64) * g.nx + fx[inside].astype(np.int64)
        result[inside] = self._flat[cell]
        todo = np.flatnonzero(result == BOUNDARY)
        result[todo] = self._exact_many(x[todo], y[todo])
        return result

    def _lookup_exact(self, x: float, y: float, cell: int) -> int:
        pieces, owners = self._candidates(cell)
        if not len(pieces):
            return NOWHERE
        hits = shapely.intersects_xy(pieces, x, y)
        k = int(hits.argmax())
        return int(owners[k]) if hits[k] else NOWHERE

    def _candidates(self, cell: int) -> tuple[npt.NDArray[Any], IntArray]:
        """Pieces near a raster cell, best-ranked owner first; cached per cell."""
        found = self._cache.get(cell)
        if found is None:
            near = self.tree.query(self.grid.cell_box(cell % self.grid.nx, cell // self.grid.nx))
            owners = self.owner[near]
            order = np.argsort(-self.ranks[owners], kind="stable")
            found = (self.pieces[near[order]], owners[order])
            if len(self._cache) < MAX_CACHED_CELLS:
                self._cache[cell] = found
        return found

    def _exact_many(self, x: FloatArray, y: FloatArray) -> IntArray:
        """The exact layer for a batch: candidates from the tree, then one vectorised test."""
        point_ix, piece_ix = self.tree.query(shapely.points(x, y))
        hit = shapely.intersects_xy(self.pieces[piece_ix], x[point_ix], y[point_ix])
        best = np.full(len(x), NOWHERE, dtype=np.int64)
        np.maximum.at(best, point_ix[hit], self.ranks[self.owner[piece_ix[hit]]])
        result: IntArray = self._by_rank[best]  # rank -1 maps to the trailing NOWHERE
        return result

    # -- build ---------------------------------------------------------------------------------

    def _raster(self, geometries: Sequence[shapely.Geometry]) -> npt.NDArray[np.signedinteger[Any]]:
        g = self.grid
        ring_cells = _ring_cells(geometries, g)
        labels, count = ndimage.label(~ring_cells)
        _, first = np.unique(labels.ravel(), return_index=True)
        # labels are 0 (ring cells) then 1..count; `first` holds one cell of each, in order
        centers = first[1:] if (labels.ravel()[first[0]] == 0) else first
        cx = np.asarray(g.x0 + (centers % g.nx + 0.5) / g.sx, dtype=np.float64)
        cy = np.asarray(g.y0 + (centers // g.nx + 0.5) / g.sy, dtype=np.float64)
        small = self.size < np.iinfo(np.int16).max  # halves the raster's memory (8 MB)
        answer = np.empty(count + 1, dtype=np.int16 if small else np.int32)
        answer[0] = BOUNDARY
        answer[1:] = self._exact_many(cx, cy) if count else []
        cells: npt.NDArray[np.signedinteger[Any]] = answer[labels]
        return cells


def _ring_cells(geometries: Sequence[shapely.Geometry], g: Grid) -> npt.NDArray[np.bool_]:
    """Cells any ring touches (a superset: each short segment marks its bounding cells)."""
    mask = np.zeros((g.ny, g.nx), dtype=bool)
    if not len(geometries):
        return mask
    rings = shapely.get_rings(shapely.get_parts(np.asarray(geometries, dtype=object)))
    rings = shapely.segmentize(rings, 0.5 * min(1 / g.sx, 1 / g.sy))
    coords, ring = shapely.get_coordinates(rings, return_index=True)
    same = ring[1:] == ring[:-1]
    fx, fy = (coords[:, 0] - g.x0) * g.sx, (coords[:, 1] - g.y0) * g.sy
    lo_x = np.minimum(fx[:-1], fx[1:])[same] - _EPS_CELLS
    hi_x = np.maximum(fx[:-1], fx[1:])[same] + _EPS_CELLS
    lo_y = np.minimum(fy[:-1], fy[1:])[same] - _EPS_CELLS
    hi_y = np.maximum(fy[:-1], fy[1:])[same] + _EPS_CELLS
    cols = [
        np.clip(np.floor(v), 0, n - 1).astype(np.int64)
        for v, n in ((lo_x, g.nx), (hi_x, g.nx), (lo_y, g.ny), (hi_y, g.ny))
    ]
    for cx in (cols[0], cols[1]):
        for cy in (cols[2], cols[3]):
            mask[cy, cx] = True
    return mask
