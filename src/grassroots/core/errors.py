"""The one error type the domain raises; the API and the CLI turn it into a clear message.

Each app defines `<App>ErrorCode(StrEnum)` and a subclass of `DomainError`. Clients switch on
the code; the message is translated for people.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class DomainError(Exception):
    """A request the domain refuses, with a stable code and a human message.

    `status` is the HTTP status the API answers with: 400 for bad input, 403 for an action the
    user may not take, 404 for something the user cannot see, 409 for a conflict with the
    current state, 422 for input that parses but does not validate.
    """

    status: int = 400

    def __init__(
        self,
        code: StrEnum | str,
        message: str,
        *,
        status: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = str(code)
        self.message = str(message)
        if status is not None:
            self.status = status
        self.details = details or {}

    def as_dict(self) -> dict[str, Any]:
        """The JSON body clients receive."""
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return body


class CoreErrorCode(StrEnum):
    NOT_FOUND = "not_found"  # the thing does not exist or the user may not see it
    FORBIDDEN = "forbidden"  # the user sees it but may not act
    INVALID = "invalid"  # input that does not validate
    NOT_AUTHENTICATED = "not_authenticated"  # no or a bad credential


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403
