from __future__ import annotations

from enum import StrEnum

from grassroots.core.errors import DomainError


class AccountErrorCode(StrEnum):
    BAD_CREDENTIALS = "bad_credentials"  # unknown user, wrong password or inactive account
    THROTTLED = "login_throttled"  # too many failed attempts; wait and retry


class AccountError(DomainError):
    status = 401
