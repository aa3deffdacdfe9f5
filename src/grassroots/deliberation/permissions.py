"""Who may moderate what.

Moderators of a conversation or a call are the owning unit's own staff: people holding
`MODERATOR_ROLES` at that unit or above it (a role covers its subtree), plus superusers.
Dispatchers, mediators and volunteer organizers work on other flows and do not moderate.
Participation (voting, proposing, supporting) is open to anyone who can see the item.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from grassroots.organizations.enums import Role
from grassroots.organizations.models import Unit
from grassroots.organizations.permissions import has_role, scope_q

from .errors import forbidden

MODERATOR_ROLES = (Role.ADMIN, Role.SUPERVISOR, Role.HANDLER, Role.GRID_WORKER)


def is_superuser(user: Any) -> bool:
    """Superusers moderate everywhere."""
    return bool(getattr(user, "is_authenticated", False) and user.is_superuser)


def may_moderate(user: Any, unit: Unit) -> bool:
    """Whether the user moderates items owned by `unit`."""
    return is_superuser(user) or has_role(user, unit, MODERATOR_ROLES)


def require_moderator(user: Any, unit: Unit) -> None:
    """Raise a 403 unless the user moderates items owned by `unit`."""
    if not may_moderate(user, unit):
        raise forbidden(_("Only the owning unit's staff may do this."))


def moderated_q(user: Any, field: str = "unit") -> Q:
    """Rows (with a Unit foreign key `field`) the user moderates."""
    if is_superuser(user):
        return Q()
    return scope_q(user, MODERATOR_ROLES, field=field)
