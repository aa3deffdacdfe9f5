"""Domain refusals on pages: a 404 or 403 page with the service's message, never a 500."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from grassroots.core.errors import DomainError

View = Callable[..., HttpResponse]


def staff_view(view: View) -> View:
    """Login required; a `DomainError` that escapes the view becomes a small error page."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            context = {"message": error.message, "status": error.status}
            return render(request, "web/error.html", context, status=error.status)

    return wrapped


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (it then wants a fragment, not a page)."""
    return request.headers.get("HX-Request") == "true"
