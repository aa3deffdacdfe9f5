"""Who may act for which units. A role held at a unit covers its whole subtree."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Length, Substr

from .enums import Role
from .models import Membership, Unit
from .querysets import UnitQuerySet, subtree_q

# Who changes the duty roster: the shift leaders (supervisors) and administrators of the unit or
# an ancestor. Dispatchers read it but do not roster themselves: taking oneself off duty is a
# supervisor's decision.
ROSTER_EDITORS = frozenset({Role.SUPERVISOR, Role.ADMIN})
ROSTER_VIEWERS = ROSTER_EDITORS | {Role.DISPATCHER}


def _memberships(user: Any, roles: Iterable[str] | None) -> Any:
    qs = Membership.objects.filter(user=user)
    return qs.filter(role__in=list(roles)) if roles is not None else qs


def units_for_user(user: Any, roles: Iterable[str] | None = None) -> UnitQuerySet:
    """Every unit the user may act for with one of `roles` (any role if None), in one query.

    A unit qualifies when the path of one of the user's membership units is a prefix of its
    own path: the membership's unit or one of its ancestors.
    """
    if not getattr(user, "is_authenticated", False):
        return Unit.objects.none()
    held = _memberships(user, roles).filter(
        unit__path=Substr(OuterRef("path"), 1, Length("unit__path"))
    )
    return Unit.objects.filter(Exists(held))


def scope_q(user: Any, roles: Iterable[str] | None = None, *, field: str = "unit") -> Q:
    """A filter for rows whose `field` (a Unit foreign key) lies in the user's scope.

    Reads the user's membership paths (one small query) and turns them into range conditions
    on the indexed path, so the filter stays cheap on big tables.
    """
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    paths = sorted(set(_memberships(user, roles).values_list("unit__path", flat=True)))
    # A path under another held path adds nothing.
    kept: list[str] = []
    for path in paths:
        if not any(path.startswith(p) for p in kept):
            kept.append(path)
    q = Q(pk__in=[])
    for path in kept:
        q |= subtree_q(path, field=f"{field}__path")
    return q


def has_role(user: Any, unit: Unit, roles: Iterable[str] | None = None) -> bool:
    """Whether the user holds one of `roles` at this unit or at one of its ancestors."""
    if not getattr(user, "is_authenticated", False):
        return False
    ids = [*unit.ancestor_ids, unit.pk]
    return bool(_memberships(user, roles).filter(unit_id__in=ids).exists())


def may_view_roster(user: Any, unit: Unit) -> bool:
    """Whether the user may read the duty roster of this unit (a centre role over it)."""
    return has_role(user, unit, ROSTER_VIEWERS)


def may_edit_roster(user: Any, unit: Unit) -> bool:
    """Whether the user may add or cancel duty shifts for this unit."""
    return has_role(user, unit, ROSTER_EDITORS)
