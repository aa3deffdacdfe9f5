"""The staff console: the inbox with its tabs, the unit switcher, and the case page.

Every case read goes through `visible_cases` or `access_case`; every write through one
service. Actions post to one view per action; with htmx they swap the case panel in place,
without it they redirect back to the case page (post/redirect/get).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case as When_
from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet, When
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from grassroots.cases import presenters
from grassroots.cases.codes import normalize_tracking_code
from grassroots.cases.enums import AssignmentRole, AssignmentStatus, CaseStatus, Priority
from grassroots.cases.models import Case, CaseAssignment, Category
from grassroots.cases.permissions import (
    Scope,
    access_case,
    may_reveal,
    visible_cases,
)
from grassroots.core import clock
from grassroots.organizations.models import Membership, Unit
from grassroots.organizations.permissions import scope_q
from grassroots.organizations.querysets import subtree_q

from ..context_processors import nav_of
from .common import map_config
from .errors import staff_view

CURRENT_UNIT = "console_unit"  # session key: the id of the unit the inbox is narrowed to
PAGE_SIZE = 50
TABS: dict[str, Any] = {
    "dispatch": gettext_lazy("Dispatch queue"),
    "mine": gettext_lazy("My units' cases"),
    "cohandled": gettext_lazy("Co-handled"),
    "overdue": gettext_lazy("Overdue"),
    "followup": gettext_lazy("Awaiting follow-up"),
    "all": gettext_lazy("All cases"),
}
PRIORITY_RANK = When_(
    When(priority=Priority.EMERGENCY, then=0),
    When(priority=Priority.URGENT, then=1),
    default=2,
    output_field=IntegerField(),
)
SORTS = {
    "received": ("received_at", "id"),
    "-received": ("-received_at", "-id"),
    "due": ("resolve_due", "id"),
    "-due": ("-resolve_due", "-id"),
    "priority": ("priority_rank", "received_at"),
    "status": ("status", "-received_at"),
}


def memberships(user: Any) -> list[Membership]:
    """The user's roles, one per unit and role, for the switcher."""
    return list(
        Membership.objects.filter(user=user).select_related("unit").order_by("unit__path", "role")
    )


def current_unit(request: HttpRequest) -> Unit | None:
    """The unit the inbox is narrowed to, if the user still holds a role there."""
    unit_id = request.session.get(CURRENT_UNIT)
    if not unit_id:
        return None
    member = Membership.objects.filter(user_id=int(request.user.pk or 0), unit_id=unit_id)
    first = member.select_related("unit").first()
    return first.unit if first else None


def _console(request: HttpRequest, **context: Any) -> dict[str, Any]:
    return {
        "memberships": memberships(request.user),
        "current_unit": current_unit(request),
        **context,
    }


@login_required
@require_POST
def switch_unit(request: HttpRequest) -> HttpResponse:
    """Narrow the console to one of the user's units (or to all of them)."""
    raw = request.POST.get("unit", "")
    held = {m.unit_id for m in memberships(request.user)}
    if raw in {str(pk) for pk in held}:  # not isdigit(): "²" passes it and int() refuses it
        request.session[CURRENT_UNIT] = int(raw)
    else:
        request.session.pop(CURRENT_UNIT, None)
    return redirect(request.POST.get("next") or "web:inbox")


def _tab_queryset(tab: str, base: QuerySet[Case], user: Any, unit: Unit | None) -> QuerySet[Case]:
    mine = subtree_q(unit.path, field="unit__path") if unit else scope_q(user, field="unit")
    if tab == "dispatch":
        return base.filter(status=CaseStatus.RECEIVED)
    if tab == "mine":
        return (
            base.filter(mine)
            .exclude(status__in=(CaseStatus.RECEIVED,))
            .filter(status__in=(CaseStatus.DISPATCHED, CaseStatus.ACCEPTED, CaseStatus.REPLIED))
        )
    if tab == "cohandled":
        where = subtree_q(unit.path, field="unit__path") if unit else scope_q(user, field="unit")
        support = CaseAssignment.objects.filter(
            where, case=OuterRef("pk"), role=AssignmentRole.SUPPORT
        ).exclude(status__in=(AssignmentStatus.WITHDRAWN, AssignmentStatus.ENDED))
        return base.filter(Exists(support))
    if tab == "overdue":
        return base.overdue(clock.now())  # type: ignore[attr-defined]
    if tab == "followup":
        return base.filter(status=CaseStatus.REPLIED)
    return base


def _tabs(request: HttpRequest) -> dict[str, Any]:
    """The inbox's tabs for this user: the dispatch queue only for the centre roles, who
    dispatch (the request's roles, read once for the navigation too)."""
    if nav_of(request).takes_calls:
        return TABS
    return {k: v for k, v in TABS.items() if k != "dispatch"}


def _filtered(request: HttpRequest, qs: QuerySet[Case]) -> QuerySet[Case]:
    text = request.GET.get("q", "").strip()
    if text:
        code = normalize_tracking_code(text)
        qs = qs.filter(Q(subject__icontains=text) | Q(tracking_code=code))
    if request.GET.get("priority") in Priority.values:
        qs = qs.filter(priority=request.GET["priority"])
    if request.GET.get("category"):
        code = request.GET["category"]
        qs = qs.filter(Q(category__code=code) | Q(category__parent__code=code))
    return qs


@staff_view
def inbox(request: HttpRequest) -> HttpResponse:
    """The inbox: one tab per queue, filters and sort order kept in the URL."""
    user = request.user
    tabs = _tabs(request)
    tab = request.GET.get("tab") or next(iter(tabs))
    if tab not in tabs:
        return HttpResponseBadRequest(_("No such tab."))
    unit = current_unit(request)
    base = visible_cases(user)
    if unit is not None:
        base = base.filter(
            subtree_q(unit.path, field="unit__path")
            | subtree_q(unit.path, field="place_unit__path")
        )
    sort = request.GET.get("sort", {"dispatch": "priority", "all": "-received"}.get(tab, "due"))
    qs = _filtered(request, _tab_queryset(tab, base, user, unit))
    order: tuple[str, ...] = SORTS.get(sort, SORTS["due"])
    if tab == "dispatch":
        # Emergencies first, whatever the chosen sort; the sort orders within each rank.
        order = ("priority_rank", *(o for o in order if o != "priority_rank"))
    qs = qs.annotate(priority_rank=PRIORITY_RANK)
    page = Paginator(
        qs.select_related("unit", "place_unit", "category").order_by(*order), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    from .queue import queue_suggestions  # queue imports the actions, which import this module

    triage = queue_suggestions(user, list(page)) if tab == "dispatch" else {}
    context = _console(
        request,
        tab=tab,
        tabs=tabs,
        sort=sort,
        page=page,
        query=request.GET,
        categories=Category.objects.filter(is_active=True, parent=None),
        priorities=Priority.choices,
        now=clock.now(),
        rows=[(c, triage.get(c.pk)) for c in page],
    )
    return render(request, "web/console/inbox.html", context)


def case_context(request: HttpRequest, case: Case, **extra: Any) -> dict[str, Any]:
    """Everything the case panel shows, for this user, now."""
    user = request.user
    scope = Scope.of(user)
    detail = presenters.detail(case, user, scope)
    from .actions import action_forms  # the forms are built from the actions allowed now
    from .queue import case_suggestion

    dispatching = "dispatch" in detail["actions"]
    computed = request.GET.get("triage") == "1"  # without JS: compute it in the page
    triage = case_suggestion(user, case, compute=computed) if dispatching else None
    return _console(
        request,
        case=case,
        d=detail,
        forms=action_forms(case, detail["actions"], user, extra.pop("bound", None)),
        triage=triage,
        triage_later=dispatching and triage is None and case.status == CaseStatus.RECEIVED,
        may_reveal=may_reveal(user, case, scope) and case.resident is not None,
        map=map_config(lat=case.lat or "", lng=case.lng or ""),
        now=clock.now(),
        **extra,
    )


@staff_view
def case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    """One case: text, photos, map, masked resident, timeline, and the actions allowed now."""
    case = access_case(request.user, case_id)
    return render(request, "web/console/case.html", case_context(request, case))
