"""Fixtures shared by every test package."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import translation

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public data set beside the checkout; skips the test when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"needs ../shared/data (not found at {SHARED_DATA})")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """Tests assert English wording; the product's default (zh-hans) is tested per request.

    Requests still choose their language through the middleware (Accept-Language, cookie),
    so `tests/core/test_i18n.py` sees Chinese by default over HTTP.
    """
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with an empty cache: rate-limit counters (per client address and
    minute) would otherwise carry over from earlier tests and refuse a submission."""
    from django.core.cache import cache

    cache.clear()
