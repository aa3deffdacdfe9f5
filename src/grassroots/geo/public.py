"""What the public may see of a case's place: its point snapped to a coarse grid.

Every public output (the nearby map, Open311 GET) shows a case at the centre of its cell of
`CELL` degrees (about 220 x 170 m at 40 N), never at the point the resident gave: a complaint
about a neighbour is often made from home. Snapping, not random jitter: repeated jittered
answers average back to the true point.
"""

from __future__ import annotations

import math

CELL = 0.002  # degrees


def cells(value: float) -> float:
    """The value in cells (rounded first, so that 116.1 is cell 58050, not 58049.999...)."""
    return round(value / CELL, 9)


def snap(value: float) -> float:
    """The centre of the value's cell: what the public sees of a coordinate."""
    return round((math.floor(cells(value)) + 0.5) * CELL, 6)
