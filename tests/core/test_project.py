"""The project's own invariants: migrations, OpenAPI, settings, database mode."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from grassroots.core.management.commands.export_openapi import DEFAULT_PATH, openapi_text

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_models_and_migrations_agree() -> None:
    out = io.StringIO()

    call_command("makemigrations", "--check", "--dry-run", stdout=out)

    assert "No changes detected" in out.getvalue()


def test_committed_openapi_document_matches_the_code() -> None:
    committed = DEFAULT_PATH.read_text(encoding="utf-8")

    assert committed == openapi_text(), (
        "docs/api/openapi.json is out of date: run `grassroots export-openapi`"
    )


def _start_production(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = "import django; django.setup()"
    full_env = {
        **{k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS")},
        "DJANGO_SETTINGS_MODULE": "grassroots.settings.production",
        "PYTHONPATH": str(REPO / "src"),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", code], env=full_env, capture_output=True, text=True, check=False
    )


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = _start_production({"ALLOWED_HOSTS": "example.org"})

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts() -> None:
    result = _start_production({"SECRET_KEY": "x" * 50})

    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_production_starts_when_both_are_set() -> None:
    result = _start_production({"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.org"})

    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_foreign_keys() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        foreign_keys = cursor.fetchone()[0]

    # The test database is in memory (which has no WAL), so check the file settings instead.
    assert "journal_mode=WAL" in connection.settings_dict["OPTIONS"]["init_command"]
    assert "synchronous=FULL" in connection.settings_dict["OPTIONS"]["init_command"]
    assert foreign_keys == 1


def test_database_is_stored_in_utc_and_shown_in_the_deployment_zone() -> None:
    from django.conf import settings

    assert settings.USE_TZ is True
    assert os.environ.get("TIME_ZONE", "Asia/Shanghai") == settings.TIME_ZONE
