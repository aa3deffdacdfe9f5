from __future__ import annotations

from enum import StrEnum

from grassroots.core.errors import DomainError


class CaseErrorCode(StrEnum):
    NOT_FOUND = "case_not_found"  # no such case, or the user may not see it
    FORBIDDEN = "case_action_forbidden"  # the user sees the case but may not take this action
    ILLEGAL_TRANSITION = "illegal_transition"  # the action does not apply in the current state
    INVALID = "invalid_case"  # input that does not validate (with the field in the message)
    UNKNOWN_CATEGORY = "unknown_category"  # no active category with this code
    UNKNOWN_UNIT = "unknown_unit"  # no active unit with this code
    IDEMPOTENCY_CONFLICT = "idempotency_key_reused"  # same key, different submission
    BAD_SECRET = "bad_tracking_secret"  # noqa: S105 - an error code  # tracking code and secret do not match
    RATE_LIMITED = "rate_limited"  # too many submissions from this client


class CaseError(DomainError):
    status = 422
