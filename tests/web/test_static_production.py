"""Pages work with the production static storage, which gives files hashed names."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


def test_map_pages_name_leaflets_images_by_their_hashed_urls(tmp_path: Path, settings: Any) -> None:
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)

    html = Client().get("/report/").content.decode()

    icon = re.search(r'data-icon="/static/([^"]+)"', html)
    assert icon is not None and re.search(r"marker-icon\.[0-9a-f]{12}\.png$", icon.group(1))
    assert (tmp_path / icon.group(1)).is_file()
    # map.js must not guess image paths from leaflet.css's address (hashed in production).
    assert "link[href*=" not in (tmp_path / "web" / "map.js").read_text()
