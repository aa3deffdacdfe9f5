"""Request and response shapes of the area endpoints."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class UnitBriefOut(Schema):
    code: str
    name: str
    level: str


class LocateOut(Schema):
    """The unit found at a point, and the chain from the city down to it (itself last)."""

    unit: UnitBriefOut
    path: list[UnitBriefOut]


class AreaPropertiesOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None


class AreaFeatureOut(Schema):
    """A unit's area as a GeoJSON Feature (WGS84)."""

    type: str
    geometry: dict[str, Any]
    properties: AreaPropertiesOut
