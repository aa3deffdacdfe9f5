"""Errors triage raises; clients switch on the code."""

from __future__ import annotations

from enum import StrEnum

from grassroots.core.errors import DomainError


class TriageErrorCode(StrEnum):
    NO_ACTIVE_MODEL = "no_active_model"  # no classifier has been activated yet
    UNKNOWN_MODEL = "unknown_model"  # no registered model with this version
    MODEL_UNREADABLE = "model_unreadable"  # the model file is missing or of another format
    INVALID = "invalid_triage_input"  # input that does not validate
    NO_SUGGESTION = "no_suggestion"  # the dispatcher chose a unit but there was no proposal


class TriageError(DomainError):
    status = 422
