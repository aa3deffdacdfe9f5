"""Triage endpoints: a case's proposals, and classifying a text without creating a case."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from grassroots.accounts.auth import STAFF
from grassroots.cases.errors import CaseError, CaseErrorCode
from grassroots.cases.permissions import access_case, is_owner

from . import schemas as s
from .classify import propose_category
from .errors import TriageError, TriageErrorCode
from .models import Suggestion
from .presenters import category_out, suggestion_out, urgency_out
from .services import compute_suggestion
from .urgency import assess_urgency

router = Router(tags=["triage"])


@router.get("/cases/{case_id}/suggestions", response=s.SuggestionOut, auth=STAFF)
def suggestions(request: HttpRequest, case_id: int) -> dict[str, Any]:
    """Triage's proposals for a case: category, urgency, unit, likely duplicates, each with a
    confidence and a reason. Staff who can see the case only; computed now if not yet stored."""
    user: Any = getattr(request, "auth", None)
    case = access_case(user, case_id)
    if is_owner(user, case) and not user.memberships.exists():
        raise CaseError(CaseErrorCode.FORBIDDEN, _("You may not do this on this case."), status=403)
    stored = Suggestion.objects.select_related("unit", "category").filter(case=case).first()
    return suggestion_out(stored or compute_suggestion(case), stored=stored is not None)


@router.post("/triage/classify", response=s.ClassifyOut, auth=STAFF)
def classify(request: HttpRequest, body: s.ClassifyIn) -> dict[str, Any]:
    """The category and urgency triage would propose for a text; creates nothing."""
    proposal = propose_category(body.text)
    if proposal is None:
        raise TriageError(
            TriageErrorCode.NO_ACTIVE_MODEL, _("No classifier model is active."), status=409
        )
    return {"category": category_out(proposal), "urgency": urgency_out(assess_urgency(body.text))}
