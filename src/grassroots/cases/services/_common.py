"""Plumbing shared by the case services: locking, timeline events, audit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from grassroots.core import audit, clock
from grassroots.organizations.models import Unit

from ..enums import CaseEventType
from ..models import Case, CaseEvent
from ..workflow import Action, require


@dataclass(frozen=True)
class ResidentActor:
    """The resident acting on their own case (by tracking code + secret, or logged in)."""

    username: str = "resident"
    is_authenticated: bool = False


RESIDENT = ResidentActor()


def lock(case: Case) -> Case:
    """Re-read the case under a row lock so concurrent actions apply one after another."""
    return Case.objects.select_for_update().get(pk=case.pk)


def step(case: Case, action: Action) -> tuple[Case, str, str | None]:
    """Lock the case and check the transition; returns (locked case, old status, new status)."""
    locked = lock(case)
    target = require(action, locked.status)
    return locked, locked.status, target


def _actor_user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def record(
    case: Case,
    event_type: CaseEventType,
    *,
    actor: Any,
    from_status: str = "",
    to_status: str = "",
    unit: Unit | None = None,
    note: str = "",
    public: bool = True,
    public_note: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """Append a timeline event and the matching audit entry (`cases.case.<event>`)."""
    event = CaseEvent.objects.create(
        case=case,
        type=event_type,
        at=clock.now(),
        actor=_actor_user(actor),
        actor_label=str(getattr(actor, "username", "") or "system")[:150],
        unit=unit,
        from_status=from_status,
        to_status=to_status,
        note=note,
        public=public,
        public_note=public_note,
        data=data or {},
    )
    audit.record(
        f"cases.case.{event_type}",
        actor=actor,
        target=case,
        summary=case.tracking_code,
        data={"from": from_status, "to": to_status, **(data or {})},
    )
    return event
