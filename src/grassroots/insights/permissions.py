"""Who sees which figures: staff see the units of their memberships' subtrees (any role);
a role held at the root of the tree sees the whole city."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from grassroots.organizations.models import Membership, Unit
from grassroots.organizations.querysets import PATH_STEP

from .errors import InsightsError, InsightsErrorCode
from .kpis import Scope


def viewer_scope(user: Any) -> Scope:
    """The unit paths `user` may see figures for."""
    if not getattr(user, "is_authenticated", False):
        return Scope(paths=())
    paths = set(Membership.objects.filter(user=user).values_list("unit__path", flat=True))
    if any(len(p) == PATH_STEP for p in paths):
        return Scope(paths=None)
    return Scope(paths=tuple(sorted(paths)))


def visible_unit(scope: Scope, code: str) -> Unit:
    """The unit with `code` if the viewer may see it; else 404 (whether or not it exists)."""
    # A NUL byte cannot be in a code, and PostgreSQL refuses it in a query.
    unit = Unit.objects.filter(code=code).first() if "\x00" not in code else None
    if unit is None or not scope.covers(unit.path):
        raise InsightsError(InsightsErrorCode.NOT_FOUND, _("No such unit."), status=404)
    return unit
