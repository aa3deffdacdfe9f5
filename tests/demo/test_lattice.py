"""Cutting an area along a lattice: pieces cover the parent, stay inside it, slivers merge."""

from __future__ import annotations

import shapely

from grassroots.demo.lattice import Lattice, area_m2, clip, merge_slivers

ORIGIN = (-74.0, 40.7)
LATTICE = Lattice.of_metres(1000, origin=ORIGIN)


def _square_km(km: float, *, dx: float = 0.0) -> shapely.Geometry:
    """A square of `km` kilometres whose south-west corner is `dx` cells east of the origin."""
    x0 = ORIGIN[0] + dx * LATTICE.step_lng
    return shapely.box(x0, ORIGIN[1], x0 + km * LATTICE.step_lng, ORIGIN[1] + km * LATTICE.step_lat)


def test_a_cell_is_about_the_requested_size() -> None:
    assert abs(area_m2(_square_km(1)) - 1_000_000) < 1_000


def test_an_aligned_square_is_cut_into_whole_cells_north_to_south_west_to_east() -> None:
    pieces = clip(_square_km(2), LATTICE, min_area_m2=100_000)

    assert len(pieces) == 4
    centres = [(round(p.centroid.x, 4), round(p.centroid.y, 4)) for p in pieces]
    assert centres == sorted(centres, key=lambda c: (-c[1], c[0]))


def test_a_sliver_joins_the_neighbour_it_borders() -> None:
    parent = _square_km(2.05)  # a 50 m strip sticks out east and north of the 2 × 2 cells

    pieces = clip(parent, LATTICE, min_area_m2=100_000)

    assert len(pieces) == 4
    assert abs(sum(p.area for p in pieces) - parent.area) < 1e-12
    assert all(p.difference(parent).area < 1e-15 for p in pieces)
    assert abs(shapely.union_all(pieces).area - parent.area) < 1e-12


def test_a_parent_smaller_than_the_minimum_stays_whole() -> None:
    parent = _square_km(0.2, dx=0.9)  # straddles a cell edge, both halves under the minimum

    pieces = clip(parent, LATTICE, min_area_m2=100_000)

    assert len(pieces) == 1
    assert pieces[0].symmetric_difference(parent).area < 1e-15


def test_a_detached_sliver_goes_to_the_nearest_piece() -> None:
    big, near, far = _square_km(1), _square_km(0.1, dx=1.5), _square_km(1, dx=5)

    merged = merge_slivers([big, near, far], min_area_m2=100_000)

    assert len(merged) == 2
    assert merged[0].contains(near)
