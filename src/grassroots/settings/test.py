"""Settings for the test suite: same database choice as base (SQLite or DATABASE_URL)."""

from __future__ import annotations

from .base import *  # noqa: F403

SECRET_KEY = "test-only-secret-key-not-for-production-use-000000"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
GEO_INDEX_REFRESH_SECONDS = 0.0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Several suites may run at once against one PostgreSQL server (CI, benches, developers):
# TEST_DATABASE_NAME keeps their test databases apart.
DATABASES["default"].setdefault("TEST", {})  # noqa: F405
if env.str("TEST_DATABASE_NAME", default=""):  # noqa: F405
    DATABASES["default"]["TEST"]["NAME"] = env.str("TEST_DATABASE_NAME")  # noqa: F405
