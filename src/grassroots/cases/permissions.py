"""Who sees a case and who may act on it.

- Centre roles (dispatcher, supervisor, admin) see the cases located in, handled in, or
  co-handled in their units' subtrees; at the root of the tree they see every case.
- Handling roles (handler, grid worker) see the cases their units lead or co-handle.
- A resident sees only their own case (tracking code + secret, or their account).
- A confidential case shows who its resident is only to the centre at the root of the tree
  (`shows_resident`): masked or in full, nobody below it learns the name or the number.
Anything else is a 404; a visible case with a forbidden action is a 403.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from grassroots.organizations.enums import Role
from grassroots.organizations.models import Membership, Unit
from grassroots.organizations.permissions import units_for_user
from grassroots.organizations.querysets import PATH_STEP

from .enums import STAFF_ENTERED_CHANNELS, AssignmentRole, AssignmentStatus
from .errors import CaseError, CaseErrorCode
from .models import Case, CaseAssignment
from .querysets import CaseQuerySet
from .workflow import Action

CENTRE_ROLES = frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN})
SUPERVISING_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})
HANDLING_ROLES = frozenset({Role.HANDLER, Role.GRID_WORKER})

CENTRE_ACTIONS = {
    Action.DISPATCH,
    Action.COHANDLE,
    Action.MERGE,
    Action.REJECT,
    Action.CLOSE,
    Action.FOLLOW_UP,
    Action.REOPEN,
    Action.TRANSFER,
    Action.SUMMON,
}
SUPERVISOR_ACTIONS = {Action.SUPERVISE, Action.APPROVE_EXTENSION}
LEAD_UNIT_ACTIONS = {
    Action.ACCEPT,
    Action.RETURN,
    Action.REPLY,
    Action.EXTEND,
    Action.TRANSFER,
    Action.SUMMON,
    Action.COHANDLE,
}
RESIDENT_ACTIONS = {Action.FOLLOW_UP, Action.REOPEN}


@dataclass
class Scope:
    """A user's roles with the paths of the units they hold them at (read once)."""

    paths: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, user: Any) -> Scope:
        scope = cls()
        if getattr(user, "is_authenticated", False):
            for role, path in Membership.objects.filter(user=user).values_list(
                "role", "unit__path"
            ):
                scope.paths.setdefault(role, []).append(path)
        return scope

    def covers(self, unit: Unit | None, roles: frozenset[str]) -> bool:
        if unit is None:
            return self.at_root(roles)
        return any(unit.path.startswith(p) for r in roles for p in self.paths.get(r, ()))

    def at_root(self, roles: frozenset[str]) -> bool:
        """Whether one of `roles` is held at the root of the tree (covers every case)."""
        return any(len(p) == PATH_STEP for r in roles for p in self.paths.get(r, ()))


def visible_cases(user: Any) -> CaseQuerySet:
    """Every case the user may see, as one queryset (no per-case checks)."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    if Scope.of(user).at_root(CENTRE_ROLES):
        return Case.objects.all()
    # The user's units as id lists, read first: each condition then meets an index on the case
    # side, and an empty one drops out. (A correlated EXISTS over assignments with path ranges,
    # as this was, made SQLite test every case: 0.5-1.1 s for a handler's inbox at 100k cases.)
    centre = list(units_for_user(user, CENTRE_ROLES).values_list("pk", flat=True))
    staff = list(units_for_user(user, CENTRE_ROLES | HANDLING_ROLES).values_list("pk", flat=True))
    assigned = (
        CaseAssignment.objects.filter(unit_id__in=staff)
        .exclude(status=AssignmentStatus.WITHDRAWN)
        .values("case_id")
    )
    return Case.objects.filter(
        Q(place_unit_id__in=centre) | Q(unit_id__in=staff) | Q(pk__in=assigned)
    )


def cases_showing_resident(user: Any) -> CaseQuerySet:
    """The visible cases whose resident the user may learn about (`shows_resident` as a
    queryset): below the root's centre, no confidential case."""
    cases = visible_cases(user)
    if Scope.of(user).at_root(CENTRE_ROLES):
        return cases
    return cases.exclude(confidential=True)


def is_owner(user: Any, case: Case) -> bool:
    """Whether a logged-in resident submitted this case."""
    return bool(
        getattr(user, "is_authenticated", False)
        and (
            (case.submitted_by_id == user.pk and case.channel not in STAFF_ENTERED_CHANNELS)
            or (case.resident is not None and case.resident.user_id == user.pk)
        )
    )


def _centre_covers(scope: Scope, case: Case, roles: frozenset[str]) -> bool:
    units = [case.unit, case.place_unit, *(a.unit for a in _current_assignments(case))]
    if case.unit is None and case.place_unit is None:
        return scope.at_root(roles)
    return any(scope.covers(u, roles) for u in units if u is not None)


def _current_assignments(case: Case) -> list[CaseAssignment]:
    return [a for a in case.assignments.all() if a.status != AssignmentStatus.WITHDRAWN]


def _open_parts(case: Case) -> list[CaseAssignment]:
    done = (AssignmentStatus.DONE, AssignmentStatus.WITHDRAWN, AssignmentStatus.ENDED)
    return [
        a
        for a in case.assignments.all()
        if a.role == AssignmentRole.SUPPORT and a.status not in done
    ]


def _handles(scope: Scope, case: Case) -> bool:
    units = [case.unit, *(a.unit for a in _current_assignments(case))]
    return any(scope.covers(u, HANDLING_ROLES) for u in units if u is not None)


def can_see(user: Any, case: Case, scope: Scope | None = None) -> bool:
    """The per-case form of `visible_cases`: the staff who may see the case.

    The resident who submitted it is not among them: the staff view carries staff names,
    internal notes and staff-only events. They follow, rate and reopen it through the
    resident's view (`/api/v1/track/...`, the portal), which checks `is_owner` or the secret."""
    scope = scope or Scope.of(user)
    return _centre_covers(scope, case, CENTRE_ROLES) or _handles(scope, case)


def may(
    user: Any,
    case: Case,
    action: Action,
    *,
    target: Unit | None = None,
    scope: Scope | None = None,
    as_resident: bool = False,
) -> bool:
    """Whether the user may take `action` on `case` (not whether the state allows it)."""
    if as_resident:
        return action in RESIDENT_ACTIONS
    scope = scope or Scope.of(user)
    if action in SUPERVISOR_ACTIONS:
        return _centre_covers(scope, case, SUPERVISING_ROLES)
    if action in CENTRE_ACTIONS and _centre_covers(scope, case, CENTRE_ROLES):
        return True
    if action in LEAD_UNIT_ACTIONS and case.unit and scope.covers(case.unit, HANDLING_ROLES):
        # A handler may transfer only down into units it also covers (street → community).
        return action != Action.TRANSFER or (
            target is not None and scope.covers(target, HANDLING_ROLES)
        )
    if action == Action.PART_DONE:  # a supporting unit with its part still open
        return any(scope.covers(a.unit, HANDLING_ROLES) for a in _open_parts(case))
    return action in RESIDENT_ACTIONS and is_owner(user, case)


def shows_resident(case: Case, scope: Scope) -> bool:
    """Whether the viewer learns who the resident is at all, even masked.

    A confidential case names its resident only to the service centre at the root of the
    tree (its dispatchers, supervisors and admins): any unit below it, a district's centre
    included, may be the one the complaint is about. Everyone else sees that the case is
    confidential and no one behind it."""
    return not case.confidential or scope.at_root(CENTRE_ROLES)


def may_reveal(user: Any, case: Case, scope: Scope | None = None) -> bool:
    """Who may see the resident in full (a logged look): the centre roles covering the case
    and the lead unit's handlers; for a confidential case, only the centre at the root."""
    scope = scope or Scope.of(user)
    if case.confidential:
        return shows_resident(case, scope)
    if _centre_covers(scope, case, CENTRE_ROLES):
        return True
    return case.unit is not None and scope.covers(case.unit, HANDLING_ROLES)


def access_case(user: Any, case_id: int, action: Action | None = None, **kw: Any) -> Case:
    """Fetch a case the user may see (else 404) and may act on with `action` (else 403)."""
    case = (
        Case.objects.select_related("unit", "place_unit", "category", "resident", "parent")
        .prefetch_related("assignments__unit")
        .filter(pk=case_id)
        .first()
    )
    scope = Scope.of(user)
    if case is None or not can_see(user, case, scope):
        raise CaseError(CaseErrorCode.NOT_FOUND, _("No such case."), status=404)
    if action is not None and not may(user, case, action, scope=scope, **kw):
        raise CaseError(CaseErrorCode.FORBIDDEN, _("You may not do this on this case."), status=403)
    return case
