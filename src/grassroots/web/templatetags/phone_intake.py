"""Template helpers of the phone intake pages."""

from __future__ import annotations

from typing import Any

from django import template

from grassroots.cases.permissions import CENTRE_ROLES, Scope

register = template.Library()


@register.filter
def takes_calls(user: Any) -> bool:
    """Whether the user holds a centre role (dispatcher, supervisor, administrator)."""
    return bool(Scope.of(user).paths.keys() & CENTRE_ROLES)
