"""Settings shared by every deployment; each value comes from the environment.

Every variable is documented in `.env.example`. The embedded default is SQLite (WAL) under
`var/`; `DATABASE_URL` switches to PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import environ
from django.utils.translation import gettext_lazy as _

SRC_DIR = Path(__file__).resolve().parents[2]
PACKAGE_DIR = SRC_DIR / "grassroots"
BASE_DIR = SRC_DIR.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

VAR_DIR = Path(env.str("GRASSROOTS_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG: bool = env.bool("DEBUG", default=False)
SECRET_KEY: str = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "grassroots.core",
    "grassroots.accounts",
    "grassroots.organizations",
    "grassroots.geo",
    "grassroots.cases",
    "grassroots.triage",
    "grassroots.insights",
    "grassroots.deliberation",
    "grassroots.open311",
    "grassroots.web",
    "grassroots.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "grassroots.core.nul.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "grassroots.web.middleware.SecurityHeadersMiddleware",
    "grassroots.api.JsonMethodNotAllowedMiddleware",
]

ROOT_URLCONF = "grassroots.urls"
WSGI_APPLICATION = "grassroots.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "grassroots.web.context_processors.site",
            ],
        },
    },
]


# FULL: a commit is on disk before the app answers, so a 201 survives a power cut too.
# NORMAL is faster, but an OS crash may lose the last commits: a deployment's explicit choice.
SQLITE_SYNCHRONOUS: str = env.str("SQLITE_SYNCHRONOUS", default="FULL").upper()
if SQLITE_SYNCHRONOUS not in ("FULL", "NORMAL"):
    raise ValueError("SQLITE_SYNCHRONOUS must be FULL or NORMAL")


def _database() -> dict[str, Any]:
    """PostgreSQL from DATABASE_URL, or a SQLite file in WAL mode: the embedded default, or
    one that DATABASE_URL names (`sqlite:////path/file.sqlite3`), with the same settings."""
    if env.str("DATABASE_URL", default=""):
        db: dict[str, Any] = env.db_url("DATABASE_URL")
        if db.get("ENGINE") == "django.db.backends.sqlite3" and db.get("NAME") != ":memory:":
            return _sqlite(str(db["NAME"]))
        db.setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
        db["CONN_HEALTH_CHECKS"] = True
        return db
    return _sqlite(str(VAR_DIR / "grassroots.sqlite3"))


def _sqlite(name: str) -> dict[str, Any]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": name,
        "OPTIONS": {
            # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at
            # BEGIN so that concurrent writers queue on the timeout instead of failing with
            # "database is locked" half-way through a transaction.
            "init_command": (
                f"PRAGMA journal_mode=WAL; PRAGMA synchronous={SQLITE_SYNCHRONOUS}; "
                "PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        },
        # Keep each server thread's connection between requests: opening one costs the
        # connect, the three PRAGMAs above and Django's function registrations on every
        # request otherwise (bench/intake.py; docs/domain/cases.md "Intake speed").
        "CONN_MAX_AGE": env.int("DATABASE_CONN_MAX_AGE", default=600),
        "CONN_HEALTH_CHECKS": True,
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: Simplified Chinese first, English beside it. UTC in the database,
# the deployment's zone on screen.
LANGUAGE_CODE: str = env.str("LANGUAGE_CODE", default="zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE: str = env.str("TIME_ZONE", default="Asia/Shanghai")

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Request bodies beyond this many bytes are refused (uploads included).
DATA_UPLOAD_MAX_MEMORY_SIZE: int = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2 * 2**20)
FILE_UPLOAD_PERMISSIONS = 0o640

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# How often a process checks whether the areas changed (another process may have imported).
GEO_INDEX_REFRESH_SECONDS: float = env.float("GEO_INDEX_REFRESH_SECONDS", default=5.0)
# Working time for case deadlines (core.worktime): country of the public-holiday calendar,
# office hours as comma-separated HH:MM-HH:MM spans, and the zone they are read in.
WORKING_CALENDAR_COUNTRY: str = env.str("WORKING_CALENDAR_COUNTRY", default="CN")
OFFICE_HOURS: str = env.str("OFFICE_HOURS", default="09:00-12:00,13:30-18:00")
WORKING_TIME_ZONE: str = env.str("WORKING_TIME_ZONE", default="") or TIME_ZONE
# Days an API bearer token stays valid.
API_TOKEN_DAYS: int = env.int("API_TOKEN_DAYS", default=30)
# Anonymous case submissions allowed per client address per minute (0: no limit).
CASE_INTAKE_RATE_PER_MINUTE: int = env.int("CASE_INTAKE_RATE_PER_MINUTE", default=30)
# Category hints while a resident types on /report/ (each runs the model), per address per minute.
REPORT_HINTS_RATE_PER_MINUTE: int = env.int("REPORT_HINTS_RATE_PER_MINUTE", default=30)
# Open311 GET requests (search, one request, services) allowed per client address per minute:
# reads are public and a search can return 1,000 requests, so scrapers are slowed (0: no limit).
OPEN311_READ_RATE_PER_MINUTE: int = env.int("OPEN311_READ_RATE_PER_MINUTE", default=300)
# Remind the handling unit this many hours before the respond / resolve deadline.
CASE_REMIND_RESPOND_HOURS: float = env.float("CASE_REMIND_RESPOND_HOURS", default=1.0)
CASE_REMIND_RESOLVE_HOURS: float = env.float("CASE_REMIND_RESOLVE_HOURS", default=24.0)
# Close a replied case automatically when the resident has not answered for this long.
CASE_AUTO_CLOSE_AFTER_HOURS: float = env.float("CASE_AUTO_CLOSE_AFTER_HOURS", default=72.0)
# Seconds between deadline sweeps enqueued by `grassroots scheduler` (part of `serve`).
SWEEP_INTERVAL_SECONDS: int = env.int("SWEEP_INTERVAL_SECONDS", default=60)
PERIODIC_TASKS = [("grassroots.cases.tasks.sweep_deadlines", SWEEP_INTERVAL_SECONDS)]
PERIODIC_TASKS.append(("grassroots.insights.tasks.fold_kpis", SWEEP_INTERVAL_SECONDS))
# Seconds between recomputations of this month's hot issues (insights.hot; docs/insights.md).
HOT_ISSUES_INTERVAL_SECONDS: int = env.int("HOT_ISSUES_INTERVAL_SECONDS", default=3600)
PERIODIC_TASKS.append(("grassroots.insights.tasks.refresh_hot_issues", HOT_ISSUES_INTERVAL_SECONDS))
# Triage (docs/triage.md): trained classifier files, how often a process looks for a newly
# activated model, and the thresholds above which triage dispatches or merges on its own.
TRIAGE_MODEL_DIR = Path(env.str("TRIAGE_MODEL_DIR", default=str(VAR_DIR / "models")))
TRIAGE_MODEL_REFRESH_SECONDS: float = env.float("TRIAGE_MODEL_REFRESH_SECONDS", default=30.0)
TRIAGE_AUTO_DISPATCH_CATEGORY: float = env.float("TRIAGE_AUTO_DISPATCH_CATEGORY", default=0.9)
TRIAGE_AUTO_DISPATCH_UNIT: float = env.float("TRIAGE_AUTO_DISPATCH_UNIT", default=0.9)
TRIAGE_AUTO_MERGE_SIMILARITY: float = env.float("TRIAGE_AUTO_MERGE_SIMILARITY", default=0.95)
TRIAGE_DUPLICATE_MIN_SIMILARITY: float = env.float("TRIAGE_DUPLICATE_MIN_SIMILARITY", default=0.5)
TRIAGE_DUPLICATE_DAYS: int = env.int("TRIAGE_DUPLICATE_DAYS", default=30)
TRIAGE_DUPLICATE_RADIUS_M: float = env.float("TRIAGE_DUPLICATE_RADIUS_M", default=500.0)
TRIAGE_LEARNED_DAYS: int = env.int("TRIAGE_LEARNED_DAYS", default=365)
# The urgency rules' soft view calls a text an emergency from this score up (docs/triage.md).
TRIAGE_EMERGENCY_PROBABILITY: float = env.float("TRIAGE_EMERGENCY_PROBABILITY", default=0.8)
PERIODIC_TASKS.append(("grassroots.triage.tasks.sweep_new_cases", SWEEP_INTERVAL_SECONDS))
# Photos and files per case: the largest size in bytes and how many.
CASE_ATTACHMENT_MAX_BYTES: int = env.int("CASE_ATTACHMENT_MAX_BYTES", default=10 * 2**20)
CASE_ATTACHMENT_MAX_COUNT: int = env.int("CASE_ATTACHMENT_MAX_COUNT", default=9)
# Open311 GeoReport v2: this deployment's jurisdiction_id (another value is answered with 404).
OPEN311_JURISDICTION_ID: str = env.str("OPEN311_JURISDICTION_ID", default="grassroots.local")
# Days after closure during which a resident may still reopen a case.
CASE_REOPEN_WINDOW_DAYS: int = env.int("CASE_REOPEN_WINDOW_DAYS", default=30)
# Days after a case ended before its address, exact point and (once all their cases are
# erased) the resident's identity are erased; 0 keeps them forever (docs/domain/cases.md).
PERSONAL_DATA_RETENTION_DAYS: int = env.int("PERSONAL_DATA_RETENTION_DAYS", default=3 * 365)
PERIODIC_TASKS.append(("grassroots.cases.tasks.erase_expired_personal_data", 24 * 3600))
# A tile URL template for maps; empty means the unit boundaries are the base layer.
MAP_TILE_URL: str = env.str("MAP_TILE_URL", default="")
# A process rebuilds its cached Polis engine at most this often once a worker stored new math.
DELIBERATION_ENGINE_REFRESH_SECONDS: float = env.float(
    "DELIBERATION_ENGINE_REFRESH_SECONDS", default=30.0
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

SITE_NAME = _("Grassroots")
