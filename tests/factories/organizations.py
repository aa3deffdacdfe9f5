"""Factories that build units and people through the services, so paths are always right."""

from __future__ import annotations

from typing import Any

import factory

from grassroots.accounts.models import User
from grassroots.organizations import services
from grassroots.organizations.enums import UnitLevel
from grassroots.organizations.models import Unit


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw")


class UnitFactory(factory.Factory[Unit]):
    """`UnitFactory(level="street", parent=district)`; a city root when no parent is given."""

    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:05d}")
    level = UnitLevel.CITY
    name_zh = factory.LazyAttribute(lambda o: f"单位{o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Unit {o.code}")
    parent = None

    @classmethod
    def _create(cls, model_class: type[Unit], *args: Any, **kwargs: Any) -> Unit:
        code = kwargs.pop("code")
        return services.create_unit(code, actor=None, **kwargs)

    @classmethod
    def _build(cls, model_class: type[Unit], *args: Any, **kwargs: Any) -> Unit:
        return cls._create(model_class, *args, **kwargs)


def make_tree(prefix: str = "T") -> dict[str, Unit]:
    """A small territorial tree: one city, two districts, a street in each, communities, grids."""
    city = UnitFactory(code=f"{prefix}CITY", level=UnitLevel.CITY)
    d1 = UnitFactory(code=f"{prefix}D1", level=UnitLevel.DISTRICT, parent=city)
    d2 = UnitFactory(code=f"{prefix}D2", level=UnitLevel.DISTRICT, parent=city)
    s1 = UnitFactory(code=f"{prefix}S1", level=UnitLevel.STREET, parent=d1)
    s2 = UnitFactory(code=f"{prefix}S2", level=UnitLevel.STREET, parent=d2)
    c1 = UnitFactory(code=f"{prefix}C1", level=UnitLevel.COMMUNITY, parent=s1)
    g1 = UnitFactory(code=f"{prefix}G1", level=UnitLevel.GRID, parent=c1)
    dept = UnitFactory(code=f"{prefix}DEPT", level=UnitLevel.DEPARTMENT, parent=city)
    return {"city": city, "d1": d1, "d2": d2, "s1": s1, "s2": s2, "c1": c1, "g1": g1, "dept": dept}
