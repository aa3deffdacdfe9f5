"""Fixtures for the Open311 suite: a service with questions, a partner key, a client."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.core.cache import cache
from django.test import Client

from grassroots.cases.models import Category
from grassroots.open311 import services
from grassroots.open311.models import ApiKey, Partner, Scope, ServiceAttribute
from grassroots.organizations.enums import UnitLevel
from grassroots.organizations.models import Unit
from tests.factories.geo import AreaFactory, box
from tests.factories.organizations import UnitFactory

from .shapes import parse_xml

BASE = "/open311/v2"
SERVICE = "urban.roads"  # from the default category tree (group: Urban construction)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    """Rate-limit counters live in the cache: every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def city(db: Any) -> Unit:
    """A city whose area holds every point these tests send (39.9087 N, 116.3975 E)."""
    unit = UnitFactory(code="O311CITY", level=UnitLevel.CITY)
    AreaFactory(unit=unit, geometry=box(116.0, 39.5, 117.0, 40.5))
    return unit


@pytest.fixture
def roads(city: Unit) -> Category:
    """The roads service with two questions: a required list and an optional number."""
    category = Category.objects.get(code=SERVICE)
    services.save_service_attribute(ServiceAttribute(
        category=category, code="SURFACE", datatype="singlevaluelist", required=True, order=1,
        description_zh="路面类型", description_en="Road surface",
        values=[{"key": "asphalt", "name_zh": "沥青", "name_en": "Asphalt"},
                {"key": "brick", "name_zh": "砖", "name_en": "Brick"}],
    ), actor=None)  # fmt: skip
    services.save_service_attribute(ServiceAttribute(
        category=category, code="DEPTH", datatype="number", required=False, order=2,
        description_zh="深度（厘米）", description_en="Depth (cm)",
    ), actor=None)  # fmt: skip
    return category


@pytest.fixture
def partner(db: Any) -> Partner:
    return services.create_partner("Street app", contact="dev@example.org", actor=None)


@pytest.fixture
def key(partner: Partner) -> str:
    clear, _record = services.issue_api_key(partner, scopes=list(Scope.values), actor=None)
    return clear


@pytest.fixture
def key_record(key: str) -> ApiKey:
    return ApiKey.objects.get(key_hash=services.hash_key(key))


class Open311:
    """A partner app's view of /open311/v2 through Django's test client."""

    def __init__(self) -> None:
        self.client = Client()

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"{BASE}/{path}", params, headers={"accept-language": "en"})

    def post(self, path: str, data: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
        return self.client.post(f"{BASE}/{path}", data, headers={"accept-language": "en",
                                                                  **(headers or {})})  # fmt: skip

    def json(self, path: str, **params: Any) -> Any:
        response = self.get(path, **params)
        return response.status_code, json.loads(response.content)

    def xml(self, path: str, **params: Any) -> tuple[int, ET.Element]:
        response = self.get(path, **params)
        return response.status_code, parse_xml(response.content)


@pytest.fixture
def o311() -> Open311:
    return Open311()


def report(key: str, **overrides: Any) -> dict[str, Any]:
    """A complete, valid POST requests form for the roads service."""
    return {
        "api_key": key, "service_code": SERVICE, "lat": "39.9087", "long": "116.3975",
        "address_string": "东长安街 1 号", "description": "A large pothole in the right lane.",
        "attribute[SURFACE]": "asphalt", "attribute[DEPTH]": "12",
        "first_name": "Mei", "last_name": "Wang", "phone": "13912345678",
        "email": "mei.wang@example.org", "device_id": "dev-42", "account_id": "acct-7",
        "media_url": "https://img.example.org/p/1.jpg", **overrides,
    }  # fmt: skip
