"""Errors of the insights app; clients switch on the code."""

from __future__ import annotations

from enum import StrEnum

from grassroots.core.errors import DomainError


class InsightsErrorCode(StrEnum):
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    UNKNOWN_KPI = "unknown_kpi"
    BAD_PERIOD = "bad_period"
    ALREADY_MARKED = "already_marked"
    NOT_MARKED = "not_marked"
    CONFLICT = "conflict"


class InsightsError(DomainError):
    """A refused insights request."""
