"""Plumbing shared by the deliberation services."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ..errors import invalid


def user_of(actor: Any) -> Any:
    """The actor as a stored user, or None for anonymous callers and the system."""
    return actor if getattr(actor, "is_authenticated", False) else None


def clean_text(value: str, field: str, *, limit: int, required: bool = True) -> str:
    """Trimmed text within `limit` characters; raises `invalid` naming the field."""
    text = (value or "").strip()
    if required and not text:
        raise invalid(_("%s: this field is required.") % field)
    if len(text) > limit:
        raise invalid(
            _("%(field)s: at most %(limit)d characters.") % {"field": field, "limit": limit}
        )
    return text
