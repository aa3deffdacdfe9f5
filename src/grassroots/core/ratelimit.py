"""A fixed-window rate limit per client address, kept in Django's cache."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")


def allow(request: HttpRequest, bucket: str, per_minute: int) -> bool:
    """Count this request; False once the client passed `per_minute` in the current minute."""
    if per_minute <= 0:
        return True
    key = f"rl:{bucket}:{client_address(request)}:{int(time.time() // 60)}"
    if cache.add(key, 1, timeout=70):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=70)
        count = 1
    return count <= per_minute
