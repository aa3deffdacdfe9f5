"""Triage in the dispatch queue and on the case page: suggestions, and one-click actions.

Each row of the queue shows triage's stored proposal (category, unit, confidence, reason,
urgency) and its likely duplicates that are still open and visible to the dispatcher. One
click dispatches to the proposed unit (`dispatch_case`; triage reads the dispatcher's
decisions back from the timeline) or merges into a duplicate (`merge_case`). With htmx the
row is swapped in place; without it, the plain form posts and the browser returns to the
queue.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grassroots.cases import services
from grassroots.cases.enums import CaseStatus, Priority
from grassroots.cases.errors import CaseError
from grassroots.cases.models import Case
from grassroots.cases.permissions import access_case, visible_cases
from grassroots.cases.workflow import Action
from grassroots.core import clock
from grassroots.triage import reasons as r
from grassroots.triage.models import Suggestion
from grassroots.triage.services import compute_suggestion

from .. import forms as f
from .actions import _into, _unit
from .errors import is_htmx, staff_view

MERGEABLE = (CaseStatus.RECEIVED, CaseStatus.DISPATCHED, CaseStatus.ACCEPTED)
SHOWN_DUPLICATES = 3


def _present(suggestion: Suggestion, open_ids: set[int]) -> dict[str, Any]:
    """A proposal as the templates show it: percentages, the duplicates one may merge into,
    reasons worded in the language of this request (they are stored as data)."""
    return {
        "category_label": suggestion.category.name
        if suggestion.category
        else suggestion.category_label,
        "category_pct": round(suggestion.category_confidence * 100),
        "category_reason": r.join(suggestion.category_reasons),
        "unit": suggestion.unit,
        "unit_pct": round(suggestion.unit_confidence * 100),
        "unit_reason": r.join(suggestion.unit_reasons),
        "priority": suggestion.priority,
        "priority_label": Priority(suggestion.priority).label,
        "urgency_reasons": r.render_all(suggestion.urgency_reasons),
        "duplicates": [
            {
                **d,
                "percent": round(d["similarity"] * 100),
                "reason": r.render(d.get("reason") or ""),
            }
            for d in suggestion.duplicates
            if d["case_id"] in open_ids
        ][:SHOWN_DUPLICATES],
    }


def _open_duplicates(user: Any, suggestions: list[Suggestion]) -> set[int]:
    ids = {d["case_id"] for s in suggestions for d in s.duplicates}
    if not ids:
        return set()
    return set(
        visible_cases(user).filter(pk__in=ids, status__in=MERGEABLE).values_list("pk", flat=True)
    )


def queue_suggestions(user: Any, cases: list[Case]) -> dict[int, dict[str, Any]]:
    """Stored proposals for the cases of one page (two queries, whatever the page size)."""
    stored = list(
        Suggestion.objects.filter(case_id__in=[c.pk for c in cases]).select_related(
            "unit", "category"
        )
    )
    open_ids = _open_duplicates(user, stored)
    return {s.case_id: _present(s, open_ids) for s in stored}


def case_suggestion(user: Any, case: Case, *, compute: bool) -> dict[str, Any] | None:
    """The proposal for a case in the queue: the stored one, else (with `compute`) one
    computed now and not saved. Computing searches for duplicates, which can take a second
    on a busy street: the case page asks for it after loading (`case_triage`)."""
    if case.status != CaseStatus.RECEIVED:
        return None
    stored = Suggestion.objects.select_related("unit", "category").filter(case=case).first()
    if stored is None and not compute:
        return None
    suggestion = stored or compute_suggestion(case)
    return _present(suggestion, _open_duplicates(user, [suggestion]))


@staff_view
def case_triage(request: HttpRequest, case_id: int) -> HttpResponse:
    """htmx: triage's proposal for one case in the queue, computed now when not stored."""
    case = access_case(request.user, case_id, Action.DISPATCH)
    triage = case_suggestion(request.user, case, compute=True)
    if triage is None:
        return HttpResponse("")
    return render(request, "web/console/_triage.html", {"case": case, "triage": triage})


def _back(request: HttpRequest, raw: str) -> HttpResponse:
    if raw and url_has_allowed_host_and_scheme(raw, {request.get_host()}):
        return redirect(raw)
    return redirect("/console/?tab=dispatch")


def _answer(
    request: HttpRequest, case_id: int, form: Any, *, done: str = "", error: str = ""
) -> HttpResponse:
    """htmx: the row again, with the outcome; otherwise a message and back to the queue."""
    if is_htmx(request):
        case = (
            visible_cases(request.user)
            .select_related("unit", "place_unit", "category")
            .filter(pk=case_id)
            .first()
        )
        triage = queue_suggestions(request.user, [case]) if case else {}
        context = {
            "c": case,
            "t": triage.get(case_id),
            "tab": "dispatch",
            "now": clock.now(),
            "done": done,
            "error": error,
            "next": form.data.get("next", ""),
        }
        return render(request, "web/console/_row.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return _back(request, form.data.get("next", ""))


@require_POST
@staff_view
def quick_dispatch(request: HttpRequest, case_id: int) -> HttpResponse:
    """Dispatch a case in the queue to the unit triage proposed, in one click."""
    form = f.QuickDispatchForm(request.POST)
    if not form.is_valid():
        return _answer(request, case_id, form, error=_("Choose a unit."))
    case = access_case(request.user, case_id, Action.DISPATCH)
    try:
        unit = _unit(form.cleaned_data["unit"])
        services.dispatch_case(case, unit=unit, actor=request.user)
    except CaseError as error:
        if error.status in (403, 404):
            raise
        return _answer(request, case_id, form, error=error.message)
    return _answer(request, case_id, form, done=_("Dispatched to %s.") % unit.name)


@require_POST
@staff_view
def quick_merge(request: HttpRequest, case_id: int) -> HttpResponse:
    """Merge a case in the queue into a likely duplicate, in one click."""
    form = f.QuickMergeForm(request.POST)
    if not form.is_valid():
        return _answer(request, case_id, form, error=_("Name the main case."))
    case = access_case(request.user, case_id, Action.MERGE)
    try:
        into = _into(form.cleaned_data["into"], request.user)
        services.merge_case(case, into=into, actor=request.user)
    except CaseError as error:
        if error.status == 403:
            raise
        return _answer(request, case_id, form, error=error.message)
    return _answer(request, case_id, form, done=_("Merged into %s.") % into.tracking_code)
