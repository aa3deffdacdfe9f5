"""Fixtures for the pages: a small city with areas, the usual staff, and a logged-in client."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.factories.cases import staff
from tests.factories.geo import box, unit_with_area
from tests.factories.organizations import UnitFactory


@pytest.fixture
def city(db: Any) -> dict[str, Any]:
    """City → district → two streets with areas (west and east halves), plus a department."""
    c = unit_with_area("WCITY", "city", box(116.0, 39.0, 117.0, 40.0))
    d1 = unit_with_area("WD1", "district", box(116.0, 39.0, 117.0, 40.0), parent=c)
    s1 = unit_with_area("WS1", "street", box(116.0, 39.0, 116.5, 40.0), parent=d1)
    s2 = unit_with_area("WS2", "street", box(116.5, 39.0, 117.0, 40.0), parent=d1)
    c1 = unit_with_area("WC1", "community", box(116.0, 39.0, 116.5, 39.5), parent=s1)
    g1 = unit_with_area("WG1", "grid", box(116.0, 39.0, 116.25, 39.25), parent=c1)
    dept = UnitFactory(code="WDEPT", level="department", parent=c)
    return {"city": c, "d1": d1, "d2": d1, "s1": s1, "s2": s2, "c1": c1, "g1": g1, "dept": dept}


@pytest.fixture
def people(city: dict[str, Any]) -> dict[str, Any]:
    return staff(city)


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client
