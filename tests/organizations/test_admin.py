from __future__ import annotations

import pytest
from django.test import Client

from grassroots.core.models import AuditEntry
from grassroots.organizations.models import Unit
from tests.factories.organizations import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


def test_adding_a_unit_in_the_admin_goes_through_the_service(admin_client: Client) -> None:
    city = UnitFactory(code="CITY", level="city")

    response = admin_client.post(
        "/admin/organizations/unit/add/",
        {
            "code": "D9",
            "name_zh": "区",
            "name_en": "District 9",
            "level": "district",
            "parent": city.pk,
            "is_active": "on",
        },
    )

    assert response.status_code == 302, response.content[:500]
    unit = Unit.objects.get(code="D9")
    assert unit.path == city.path + str(unit.pk).zfill(10)
    assert AuditEntry.objects.filter(action="organizations.unit.created", summary="D9").exists()


def test_admin_pages_for_every_model_answer(admin_client: Client) -> None:
    UnitFactory(code="CITY", level="city")
    for url in (
        "/admin/",
        "/admin/organizations/unit/",
        "/admin/organizations/membership/",
        "/admin/accounts/user/",
        "/admin/core/auditentry/",
        "/admin/geo/area/",
        "/admin/cases/case/",
        "/admin/cases/category/",
        "/admin/cases/deadlinepolicy/",
        "/admin/cases/caseevent/",
        "/admin/cases/resident/",
        "/admin/accounts/apitoken/",
        "/admin/accounts/notification/",
        "/admin/core/calendarday/",
    ):
        assert admin_client.get(url).status_code == 200, url
