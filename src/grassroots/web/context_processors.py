"""Values every page needs: the site name, the deployment's time zone, and what the
navigation may show to the user (their roles, read once per request)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from grassroots.cases.permissions import CENTRE_ROLES, HANDLING_ROLES, Scope
from grassroots.deliberation.permissions import MODERATOR_ROLES

MEMO = "_grassroots_nav"  # the request attribute holding the user's `Nav`
# Path prefixes of the navigation's sections, most specific first (for aria-current).
SECTIONS = (
    ("/console/phone/", "call"),
    ("/console/board/", "board"),
    ("/console/insights/", "insights"),
    ("/console/suggestions/", "suggestions"),
    ("/console/meetings/", "suggestions"),
    ("/console/decisions/", "suggestions"),
    ("/console/conversations/", "moderation"),
    ("/console/duty/", "duty"),
    ("/console/", "inbox"),
    ("/report/", "report"),
    ("/track/", "track"),
    ("/suggestions/", "suggest"),
    ("/nearby/", "nearby"),
    ("/conversations/", "conversations"),
)
MORE_SECTIONS = frozenset({"suggestions", "moderation", "duty"})


@dataclass
class Nav:
    """Which staff areas the user can use, from one read of their memberships.

    Each flag mirrors the permission of the page it links to (web/views/), so that the
    navigation never offers a page that answers 403 or 404, or one that is always empty."""

    user: Any
    path: str = ""

    @cached_property
    def section(self) -> str:
        """The navigation entry the current page belongs to ("" for none)."""
        return next((name for prefix, name in SECTIONS if self.path.startswith(prefix)), "")

    @property
    def in_more(self) -> bool:
        """Whether the current page is one of the "More" menu's (the menu is then marked)."""
        return self.section in MORE_SECTIONS

    @cached_property
    def scope(self) -> Scope:
        """The user's roles and unit paths (one query, none for an anonymous visitor)."""
        return Scope.of(self.user)

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(self.scope.paths)

    @property
    def is_admin(self) -> bool:
        """May open Django's administration."""
        return bool(getattr(self.user, "is_staff", False))

    @property
    def is_superuser(self) -> bool:
        return bool(getattr(self.user, "is_superuser", False))

    @property
    def takes_calls(self) -> bool:
        """Phone intake: centre roles only (views/phone.py)."""
        return bool(self.roles & CENTRE_ROLES)

    @property
    def handles_cases(self) -> bool:
        """Inbox and board: centre and handling roles see cases (board 403s anyone else)."""
        return bool(self.roles & (CENTRE_ROLES | HANDLING_ROLES))

    @property
    def inbox(self) -> bool:
        return self.handles_cases or self.is_superuser

    @property
    def board(self) -> bool:
        return self.handles_cases

    @property
    def insights(self) -> bool:
        """Any role at any unit sees that unit's figures (insights/permissions.py)."""
        return bool(self.roles)

    @property
    def moderates(self) -> bool:
        """Suggestions, meetings and conversations are moderated by these roles (and
        superusers); for anyone else those staff lists are always empty."""
        return self.is_superuser or bool(self.roles & frozenset(MODERATOR_ROLES))

    @property
    def duty(self) -> bool:
        """The duty roster: read by dispatchers, kept by supervisors and administrators
        (organizations.permissions.ROSTER_VIEWERS, the centre roles); 404 for anyone else."""
        return bool(self.roles & CENTRE_ROLES)

    @property
    def console(self) -> bool:
        """Whether the user sees any staff area (the console menu and error-page links)."""
        return self.inbox or self.insights or self.moderates or self.is_admin


def nav_of(request: HttpRequest) -> Nav:
    """The request's `Nav`, built on first use and kept on the request."""
    nav = getattr(request, MEMO, None)
    if nav is None:
        nav = Nav(getattr(request, "user", None), request.path)
        setattr(request, MEMO, nav)
    return nav


def site(request: HttpRequest) -> dict[str, Any]:
    """Values every page needs: the site name, the deployment's time zone, and `nav`
    (lazy: a page that draws no staff navigation reads no membership)."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "DEPLOYMENT_TIME_ZONE": settings.TIME_ZONE,
        "nav": SimpleLazyObject(lambda: nav_of(request)),
    }
