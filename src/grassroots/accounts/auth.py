"""How API requests say who they are: a bearer token, the web session, or nobody."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from .services import user_for_token


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class Session(SessionAuth):
    """The web session, CSRF-checked; requests without a session cookie skip it entirely.

    Ninja checks CSRF before looking for a session, which would refuse every anonymous
    resident's POST; with no session cookie there is no session to forge.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)


def anonymous(request: HttpRequest) -> Any:
    """Lets a request through without credentials (residents); `request.auth` is anonymous."""
    if request.headers.get("Authorization"):
        return None  # a bad credential must not silently become an anonymous request
    return AnonymousUser()


STAFF = [BearerToken(), Session()]
ANYONE = [BearerToken(), Session(), anonymous]
