"""Writing to the audit log. Called by services inside their transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEntry


def record(
    action: str,
    *,
    actor: Any | None,
    target: models.Model | None = None,
    summary: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry; `action` is dotted and past tense (`organizations.unit.created`)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        actor_label=str(getattr(actor, "username", "") or "system")[:150],
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=summary[:300],
        data=data or {},
    )
