"""Security headers for every response: a strict Content-Security-Policy.

Pages carry no inline script or style (JavaScript lives in static files and reads its
configuration from data- attributes), so the policy can forbid both. The only other origin
a page may load from is the map tile server, when the deployment sets `MAP_TILE_URL`.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def tile_origin(url: str) -> str:
    """The scheme and host of a tile URL template (`https://{s}.tile.example/{z}/…`)."""
    parts = urlsplit(url.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def content_security_policy() -> str:
    """The policy, built from the settings (read per call so that tests may override them)."""
    images = " ".join(filter(None, ["'self'", "data:", tile_origin(settings.MAP_TILE_URL)]))
    return "; ".join(
        [
            "default-src 'self'",
            f"img-src {images}",
            "script-src 'self'",
            "style-src 'self'",
            "frame-ancestors 'none'",
            "form-action 'self'",
            "base-uri 'self'",
            "object-src 'none'",
        ]
    )


class SecurityHeadersMiddleware:
    """Adds the CSP (frame denial and HSTS come from Django's own settings)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", content_security_policy())
        return response
