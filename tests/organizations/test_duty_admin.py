"""Duty shifts in the admin: added through the service (a refusal is a form error), "deleted"
by cancelling, never changed in place."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from grassroots.core.models import AuditEntry
from grassroots.organizations import duty
from grassroots.organizations.enums import Role
from grassroots.organizations.models import DutyShift
from tests.factories.organizations import UserFactory, make_tree
from tests.organizations.test_duty import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def form(user: Any, unit: Any, start: Any, end: Any) -> dict[str, Any]:
    local = [timezone.localtime(t) for t in (start, end)]
    return {
        "user": user.pk,
        "unit": unit.pk,
        "starts_at_0": local[0].strftime("%Y-%m-%d"),
        "starts_at_1": local[0].strftime("%H:%M"),
        "ends_at_0": local[1].strftime("%Y-%m-%d"),
        "ends_at_1": local[1].strftime("%H:%M"),
        "note": "",
    }


def test_adding_a_shift_in_the_admin_goes_through_the_service(admin_client: Client) -> None:
    tree = make_tree()
    ana = person("ana", Role.DISPATCHER, tree["city"])
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(hours=1)

    response = admin_client.post(
        "/admin/organizations/dutyshift/add/",
        form(ana, tree["d1"], start, start + timedelta(hours=8)),
    )

    assert response.status_code == 302, response.content[:800]
    assert DutyShift.objects.get().unit == tree["d1"]
    assert AuditEntry.objects.filter(action="organizations.duty_shift.added").count() == 1


def test_a_refused_shift_is_a_form_error_in_the_admin(admin_client: Client) -> None:
    tree = make_tree()
    handler = person("handler", Role.HANDLER, tree["city"])
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(hours=1)

    response = admin_client.post(
        "/admin/organizations/dutyshift/add/",
        form(handler, tree["d1"], start, start + timedelta(hours=8)),
    )

    assert response.status_code == 200
    assert "handler holds no dispatcher role at TD1 or above it." in response.content.decode()
    assert DutyShift.objects.count() == 0


def test_deleting_a_shift_in_the_admin_cancels_it(admin_client: Client) -> None:
    tree = make_tree()
    ana = person("ana", Role.DISPATCHER, tree["city"])
    start = timezone.now() + timedelta(hours=1)
    shift = duty.add_shift(
        ana, unit=tree["d1"], starts_at=start, ends_at=start + timedelta(hours=8), actor=None
    )

    listing = admin_client.get("/admin/organizations/dutyshift/")
    response = admin_client.post(
        f"/admin/organizations/dutyshift/{shift.pk}/delete/", {"post": "yes"}
    )

    assert listing.status_code == 200
    assert response.status_code == 302
    shift.refresh_from_db()
    assert shift.cancelled_at is not None
    page = admin_client.get(f"/admin/organizations/dutyshift/{shift.pk}/change/")
    assert page.status_code == 200
    assert admin_client.get(f"/admin/organizations/dutyshift/{shift.pk}/delete/").status_code == 403
