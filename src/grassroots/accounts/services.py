"""Issuing and checking API tokens; throttling failed logins."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core import audit

from .errors import AccountError, AccountErrorCode
from .models import ApiToken, User

MAX_FAILURES = 10
FAILURE_WINDOW = 15 * 60


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _failures_key(username: str, client: str) -> str:
    return f"login-failures:{hashlib.sha256(f'{username}|{client}'.encode()).hexdigest()}"


def check_credentials(username: str, password: str, *, client: str = "") -> User:
    """The active user with these credentials, or a clear error; failures are throttled."""
    key = _failures_key(username, client)
    if (cache.get(key) or 0) >= MAX_FAILURES:
        raise AccountError(
            AccountErrorCode.THROTTLED,
            _("Too many failed attempts. Try again in 15 minutes."),
            status=429,
        )
    user = authenticate(username=username, password=password)
    if user is None or not user.is_active:
        cache.set(key, (cache.get(key) or 0) + 1, FAILURE_WINDOW)
        raise AccountError(AccountErrorCode.BAD_CREDENTIALS, _("Wrong username or password."))
    cache.delete(key)
    assert isinstance(user, User)
    return user


@transaction.atomic
def issue_token(user: User, *, name: str = "", actor: Any) -> tuple[str, ApiToken]:
    """A new bearer token for `user`; returns the clear key (shown once) and its record."""
    key = "gr_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        key_hash=_hash(key),
        prefix=key[3:9],
        name=name[:100],
        expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_DAYS),
    )
    audit.record("accounts.token.issued", actor=actor, target=token, summary=user.username)
    return key, token


def user_for_token(key: str) -> User | None:
    """The user a valid, unexpired, unrevoked token belongs to."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(key), revoked=False, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def revoke_token(token: ApiToken, *, actor: Any) -> None:
    token.revoked = True
    token.save(update_fields=["revoked"])
    audit.record("accounts.token.revoked", actor=actor, target=token, summary=token.prefix)


def notify(
    users: Any, *, kind: str, title: str, body: str = "", link: str = "", dedupe: str
) -> int:
    """Put a message in each user's inbox once: a repeated `dedupe` key adds nothing.

    Returns how many messages were new. Safe to call from concurrent workers.
    """
    from django.db import IntegrityError

    from .models import Notification

    created = 0
    for user in users:
        try:
            with transaction.atomic():
                Notification.objects.create(
                    user=user,
                    kind=kind,
                    title=title[:200],
                    body=body,
                    link=link[:300],
                    dedupe_key=f"{dedupe}:{user.pk}"[:200],
                )
            created += 1
        except IntegrityError:
            continue  # already delivered by another worker or an earlier run
    return created
