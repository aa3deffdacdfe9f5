"""The database settings: a SQLite file named by DATABASE_URL gets the embedded default's
durability and locking settings, so that concurrent writers queue instead of failing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def _database(tmp_path: Path, url: str | None) -> dict[str, object]:
    code = (
        "import json; from grassroots.settings import base; "
        "print(json.dumps(base.DATABASES['default'], default=str))"
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": "src"}
    if url is not None:
        env["DATABASE_URL"] = url
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("url", [None, "sqlite:////tmp/grassroots-settings-test.sqlite3"])
def test_every_sqlite_database_is_wal_with_immediate_transactions(
    tmp_path: Path, url: str | None
) -> None:
    db = _database(tmp_path, url)

    assert db["ENGINE"] == "django.db.backends.sqlite3"
    options = db["OPTIONS"]
    assert isinstance(options, dict)
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] == 30
    assert "journal_mode=WAL" in options["init_command"]
    assert "synchronous=FULL" in options["init_command"]
    if url is not None:
        assert db["NAME"] == "/tmp/grassroots-settings-test.sqlite3"


def test_postgresql_from_the_url_keeps_its_own_settings(tmp_path: Path) -> None:
    db = _database(tmp_path, "postgres://postgres@127.0.0.1:5432/somewhere")

    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert db["NAME"] == "somewhere" and "transaction_mode" not in db.get("OPTIONS", {})
