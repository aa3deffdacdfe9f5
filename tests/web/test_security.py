"""Security headers, login throttling and session rotation."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from grassroots.accounts.services import MAX_FAILURES
from tests.factories.organizations import UserFactory

pytestmark = pytest.mark.django_db


def test_every_page_forbids_inline_scripts_and_framing() -> None:
    response = Client().get("/report/")
    assert response.headers["Content-Security-Policy"] == (
        "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
    )
    assert response.headers["X-Frame-Options"] == "DENY"


def test_tile_server_host_is_allowed_for_images_only(settings: Any) -> None:
    settings.MAP_TILE_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    csp = Client().get("/report/").headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://*.tiles.example.org;" in csp
    assert "script-src 'self';" in csp


def test_templates_hold_no_inline_script_or_style() -> None:
    from pathlib import Path

    import grassroots.web

    root = Path(grassroots.web.__file__).parent / "templates"
    offenders = [
        str(p)
        for p in root.rglob("*.html")
        if " style=" in p.read_text() or "<style" in p.read_text() or "<script>" in p.read_text()
    ]
    assert offenders == []


def test_login_rotates_the_session_key() -> None:
    UserFactory(username="ann")
    client = Client()
    client.get("/login/")
    client.session.save()
    before = client.session.session_key
    response = client.post("/login/", {"username": "ann", "password": "pw"})
    assert response.status_code == 302
    assert client.session.session_key != before
    assert client.session["_auth_user_id"]


def test_login_is_throttled_after_repeated_failures() -> None:
    cache.clear()
    UserFactory(username="bob")
    client = Client(headers={"Accept-Language": "en"})
    for _ in range(MAX_FAILURES):
        client.post("/login/", {"username": "bob", "password": "wrong"})
    response = client.post("/login/", {"username": "bob", "password": "pw"})
    assert response.status_code == 200
    assert "Too many failed attempts. Try again in 15 minutes." in response.content.decode()
    assert "_auth_user_id" not in client.session
    cache.clear()


def test_forms_need_the_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/report/", {"kind": "complaint", "subject": "x"})
    assert response.status_code == 403
