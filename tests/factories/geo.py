"""Areas built through `set_area`, and small GeoJSON shapes to give them."""

from __future__ import annotations

from typing import Any

import factory

from grassroots.geo.models import Area
from grassroots.geo.services import set_area
from grassroots.organizations.models import Unit

from .organizations import UnitFactory


def box(x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
    """A GeoJSON rectangle from longitude x0..x1 and latitude y0..y1."""
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


class AreaFactory(factory.Factory[Area]):
    """`AreaFactory(unit=unit, geometry=box(0, 0, 1, 1))`, written by the service."""

    class Meta:
        model = Area

    unit = factory.SubFactory(UnitFactory)
    geometry = factory.LazyFunction(lambda: box(0, 0, 1, 1))
    source = "test"

    @classmethod
    def _create(cls, model_class: type[Area], *args: Any, **kwargs: Any) -> Area:
        return set_area(
            kwargs["unit"], geometry=kwargs["geometry"], source=kwargs["source"], actor=None
        )

    @classmethod
    def _build(cls, model_class: type[Area], *args: Any, **kwargs: Any) -> Area:
        return cls._create(model_class, *args, **kwargs)


def unit_with_area(
    code: str, level: str, geometry: dict[str, Any], parent: Unit | None = None
) -> Unit:
    """A unit (names 单位CODE / Unit CODE) with its area, both through the services."""
    unit: Unit = UnitFactory.create(code=code, level=level, parent=parent)
    AreaFactory(unit=unit, geometry=geometry)
    return unit
