"""Authentication as real clients meet it: CSRF enforced, as a browser or partner app sees it."""

from __future__ import annotations

import pytest
from django.test import Client

from grassroots.cases.models import Case
from tests.factories.organizations import UserFactory

pytestmark = pytest.mark.django_db
BODY = {"kind": "complaint", "subject": "Broken streetlight"}


def test_an_anonymous_resident_posts_without_any_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post("/api/v1/cases", BODY, content_type="application/json")

    assert response.status_code == 201, response.content
    assert Case.objects.count() == 1


def test_a_logged_in_browser_session_must_send_the_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(username="resident"))

    response = client.post("/api/v1/cases", BODY, content_type="application/json")

    assert response.status_code == 403
    assert Case.objects.count() == 0


def test_a_logged_in_browser_session_with_the_csrf_token_is_accepted() -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(username="resident"))
    client.get("/")  # the language form on every page sets the CSRF cookie
    token = client.cookies["csrftoken"].value

    response = client.post(
        "/api/v1/cases", BODY, content_type="application/json", headers={"X-CSRFToken": token}
    )

    assert response.status_code == 201, response.content
    assert Case.objects.get().submitted_by is not None
