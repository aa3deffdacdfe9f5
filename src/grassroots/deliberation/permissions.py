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

from .errors import forbidden, not_found

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


def may_follow_decision(user: Any, meeting_unit: Unit, owner_unit: Unit) -> bool:
    """Whether the user updates a meeting decision: the meeting's moderators, or the staff
    of the unit that owns the decision."""
    return may_moderate(user, meeting_unit) or may_moderate(user, owner_unit)


def require_decision_follower(user: Any, meeting_unit: Unit, owner_unit: Unit) -> None:
    """Raise a 403 unless the user may update the decision."""
    if not may_follow_decision(user, meeting_unit, owner_unit):
        raise forbidden(_("Only the meeting's or the owner unit's staff may do this."))


def access_call(user: Any, call_id: int) -> Any:
    """A call for suggestions (all are public), or a 404."""
    from .models import SuggestionCall

    call = SuggestionCall.objects.select_related("unit", "area").filter(pk=call_id).first()
    if call is None:
        raise not_found(_("No such call for suggestions."))
    return call


def access_proposal(user: Any, proposal_id: int, *, moderate: bool = False) -> Any:
    """A proposal the user may see (hidden ones only for moderators), else a 404; with
    `moderate`, a 403 unless the user moderates its call."""
    from .models import Proposal

    proposal = Proposal.objects.select_related("call__unit", "case").filter(pk=proposal_id).first()
    if proposal is None:
        raise not_found(_("No such proposal."))
    moderator = may_moderate(user, proposal.call.unit)
    if proposal.hidden and not moderator:
        raise not_found(_("No such proposal."))
    if moderate and not moderator:
        raise forbidden(_("Only the owning unit's staff may do this."))
    return proposal


def access_meeting(user: Any, meeting_id: int) -> Any:
    """A meeting the user may see: its unit's staff, or staff of a unit owning one of its
    decisions. Anyone else gets a 404 (participants' names are personal data)."""
    from .models import Decision, Meeting

    meeting = Meeting.objects.select_related("unit").filter(pk=meeting_id).first()
    if meeting is None:
        raise not_found(_("No such meeting."))
    if may_moderate(user, meeting.unit):
        return meeting
    owned = Decision.objects.filter(meeting=meeting).filter(moderated_q(user, field="owner_unit"))
    if not owned.exists():
        raise not_found(_("No such meeting."))
    return meeting
