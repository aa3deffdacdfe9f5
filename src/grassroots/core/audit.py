"""Writing to the audit log. Called by services inside their transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEntry


def entry_row(
    action: str,
    *,
    actor: Any | None,
    target: models.Model | None = None,
    summary: str = "",
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The column values (by attribute name) of one audit entry; `at` is stamped on insert.

    The one definition of the row's shape: `record` saves it through the ORM, the intake hot
    path (`cases.services._rows`) inserts it with its prepared statement."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return {
        "actor": user,
        "actor_label": str(getattr(actor, "username", "") or "system")[:150],
        "action": action,
        "target_type": target._meta.label_lower if target is not None else "",
        "target_id": str(target.pk) if target is not None else "",
        "summary": summary[:300],
        "data": data or {},
    }


def record(
    action: str,
    *,
    actor: Any | None,
    target: models.Model | None = None,
    summary: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry; `action` is dotted and past tense (`organizations.unit.created`)."""
    row = entry_row(action, actor=actor, target=target, summary=summary, data=data)
    return AuditEntry.objects.create(**row)
