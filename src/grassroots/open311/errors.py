"""Errors of the Open311 endpoints; each becomes the spec's `<errors>` document."""

from __future__ import annotations

from enum import StrEnum

from grassroots.core.errors import DomainError


class Open311ErrorCode(StrEnum):
    BAD_KEY = "open311_bad_api_key"  # missing, unknown or revoked api_key, or a missing scope
    JURISDICTION = "open311_unknown_jurisdiction"  # jurisdiction_id is not this deployment's
    UNKNOWN_SERVICE = "open311_unknown_service"  # no active category with this service_code
    NOT_FOUND = "open311_not_found"  # no such request, token or resource
    INVALID = "open311_invalid"  # a parameter missing or not valid (named in the message)
    RATE_LIMITED = "open311_rate_limited"  # the key passed its requests per minute
    METHOD = "open311_method_not_allowed"  # e.g. DELETE on requests


class Open311Error(DomainError):
    status = 400
