"""Helpers for hostile-input tests: what a rejected request must leave untouched."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db.models import Model

from grassroots.accounts.models import ApiToken, Notification
from grassroots.cases.models import (
    Attachment,
    Case,
    CaseAssignment,
    CaseEvent,
    ExtensionRequest,
    IdempotencyRecord,
    Resident,
)
from grassroots.core.models import AuditEntry
from grassroots.open311.models import Open311Submission

WRITTEN: tuple[type[Model], ...] = (
    Case,
    CaseEvent,
    CaseAssignment,
    ExtensionRequest,
    Resident,
    IdempotencyRecord,
    Attachment,
    AuditEntry,
    Notification,
    ApiToken,
    Open311Submission,
)


def row_counts() -> dict[str, int]:
    """How many rows each table a request may write holds now."""
    return {model.__name__: model.objects.count() for model in WRITTEN}


@pytest.fixture(autouse=True)
def media(tmp_path: Path, settings: Any) -> Path:
    """Uploaded files go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def _no_intake_rate(settings: Any) -> None:
    """Hundreds of submissions and reads in a row must reach validation, not the rate limits."""
    settings.CASE_INTAKE_RATE_PER_MINUTE = 0
    settings.OPEN311_READ_RATE_PER_MINUTE = 0
