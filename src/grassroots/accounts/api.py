"""`POST /api/v1/auth/token`: a bearer token for API clients (the web uses sessions)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status

from .services import check_credentials, issue_token

router = Router()


class TokenIn(Schema):
    username: str
    password: str
    name: str = ""


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"  # noqa: S105 - the scheme name, not a secret
    expires_at: datetime
    username: str


@router.post("/token", response={201: TokenOut}, auth=None)
def create_token(request: HttpRequest, body: TokenIn) -> Status[dict[str, object]]:
    """Exchange a username and password for a bearer token (`Authorization: Bearer …`)."""
    client = request.META.get("REMOTE_ADDR", "")
    user = check_credentials(body.username, body.password, client=client)
    key, token = issue_token(user, name=body.name, actor=user)
    return Status(201, {"token": key, "expires_at": token.expires_at, "username": user.username})
