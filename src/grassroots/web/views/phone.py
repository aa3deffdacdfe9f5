"""Phone intake for hotline operators: a keyboard-first form that starts from the caller's number.

As the operator types, htmx asks for the caller's earlier cases (matched on the normalised
number, shown masked) and for triage's hints on the text (category, urgency, likely duplicates
near the place). Submitting creates the case through `submit_case` with channel=phone and
shows the tracking code and secret to read out. Without JavaScript the same form posts plainly;
a "check" button fills the same hints server-side.

Only centre roles (dispatcher, supervisor, administrator) take calls here. Nothing unmasked is
shown, so nothing is logged as a look at personal data; the number is sent in POST bodies only,
never in a URL.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grassroots.cases import services
from grassroots.cases.enums import Channel, Priority
from grassroots.cases.errors import CaseError, CaseErrorCode
from grassroots.cases.masking import mask_name, mask_phone
from grassroots.cases.models import Case, Category
from grassroots.cases.permissions import CENTRE_ROLES, Scope, cases_showing_resident, visible_cases
from grassroots.core import clock
from grassroots.geo import index as geo_index
from grassroots.triage import reasons as r
from grassroots.triage.classify import propose_category
from grassroots.triage.duplicates import case_text, find_duplicates
from grassroots.triage.urgency import assess_urgency

from ..forms import PhoneIntakeForm
from .common import case_draft, map_config
from .console import _console
from .errors import staff_view

RECEIPT = "phone_receipt"  # session key: the id of the case this operator just took
CALLER_LIMIT = 10  # earlier cases shown for one number
MIN_DIGITS = 5  # a shorter number is still being typed: no lookup
MIN_TEXT = 4  # characters of text before triage is asked


def normalise_phone(raw: str) -> str:
    """The number as intake stores it: no spaces, dashes, dots or brackets."""
    return re.sub(r"[\s\-().]", "", raw or "")


def phone_variants(raw: str) -> list[str]:
    """The stored forms one caller's number may have: with and without China's +86 prefix."""
    number = normalise_phone(raw)
    if not number:
        return []
    out = [number]
    for prefix in ("+86", "0086"):
        if number.startswith(prefix) and len(number) > len(prefix):
            out.append(number[len(prefix) :])
    if re.fullmatch(r"1\d{10}", number):
        out += ["+86" + number, "0086" + number]
    return list(dict.fromkeys(out))


def require_operator(user: Any) -> None:
    """Phone intake and caller lookup are for the centre's roles only (403 otherwise)."""
    if not Scope.of(user).paths.keys() & CENTRE_ROLES:
        raise CaseError(
            CaseErrorCode.FORBIDDEN, _("Only the service centre takes calls here."), status=403
        )


def caller_cases(user: Any, raw: str) -> dict[str, Any]:
    """The caller's earlier cases this user may see, newest first, the caller masked."""
    number = normalise_phone(raw)
    if len(re.sub(r"\D", "", number)) < MIN_DIGITS:
        return {"searched": False}
    qs = (
        cases_showing_resident(user)  # a number must not lead to a confidential case
        .filter(resident__phone__in=phone_variants(raw))
        .select_related("resident", "unit", "category")
        .order_by("-received_at", "-id")
    )
    found = list(qs[: CALLER_LIMIT + 1])
    national = [v for v in phone_variants(raw) if v[0] not in "+0"]  # 138…, not +86138…
    return {
        "searched": True,
        "masked": mask_phone(national[0] if national else number),
        "more": len(found) > CALLER_LIMIT,
        "cases": [
            {
                "case": c,
                "name": mask_name(c.resident.name) if c.resident else "",
            }
            for c in found[:CALLER_LIMIT]
        ],
    }


def _float(raw: Any) -> float | None:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    return value if -180 <= value <= 180 else None


def _draft_case(data: Any, now: datetime) -> Case:
    """An unsaved case holding what was typed so far, for triage's read-only finders."""
    lat, lng = _float(data.get("lat")), _float(data.get("lng"))
    if lat is None or lng is None or not -90 <= lat <= 90:
        lat = lng = None
    located = geo_index.locate(lat, lng) if lat is not None and lng is not None else None
    return Case(
        subject=str(data.get("subject", ""))[:200],
        description=str(data.get("description", ""))[:5000],
        lat=lat,
        lng=lng,
        place_unit_id=located.id if located else None,
        received_at=now,
    )


def triage_hints(user: Any, data: Any) -> dict[str, Any]:
    """Triage's category, urgency and likely duplicates for the text typed so far."""
    draft = _draft_case(data, clock.now())
    text = case_text(draft)
    if len(text) < MIN_TEXT:
        return {"asked": False}
    proposal = propose_category(text)
    urgency = assess_urgency(text)
    duplicates = find_duplicates(draft)
    visible = set(
        visible_cases(user)
        .filter(pk__in=[d.case_id for d in duplicates])
        .values_list("pk", flat=True)
    )
    return {
        "asked": True,
        "proposal": proposal,
        "category": proposal.category if proposal else None,
        "category_pct": round(proposal.confidence * 100) if proposal else 0,
        "urgency": urgency if urgency.priority != Priority.NORMAL else None,
        "urgency_label": Priority(urgency.priority).label,
        "urgency_reasons": urgency.reason_texts,
        "duplicates": [
            {**d.__dict__, "percent": round(d.similarity * 100), "reason": r.render(d.reason)}
            for d in duplicates
            if d.case_id in visible
        ],
        "place": draft.place_unit if draft.place_unit_id else None,
    }


@staff_view
def phone_intake(request: HttpRequest) -> HttpResponse:
    """The operator's form; a valid post creates the case and leads to the read-out page."""
    require_operator(request.user)
    form = PhoneIntakeForm(request.POST or None)
    checking = request.method == "POST" and "check" in request.POST
    if request.method == "POST" and not checking and form.is_valid():
        key = (request.POST.get("idempotency_key") or "")[:64] or None
        try:
            result = services.submit_case(
                case_draft(
                    form.cleaned_data, channel=Channel.PHONE, priority=form.cleaned_data["priority"]
                ),
                actor=request.user,
                idempotency_key=key,
            )
        except CaseError as error:
            form.add_error(None, error.message)
        else:
            request.session[RECEIPT] = result.case.pk
            return redirect("web:phone_receipt")
    context = _console(
        request,
        form=form,
        idempotency_key=request.POST.get("idempotency_key") or uuid.uuid4().hex,
        map=map_config(),
        caller=caller_cases(request.user, request.POST.get("phone", "")) if request.POST else {},
        hints=triage_hints(request.user, request.POST) if request.POST else {},
        categories={c.code: c for c in Category.objects.filter(is_active=True)},
    )
    status = 400 if request.method == "POST" and not checking and form.errors else 200
    return render(request, "web/phone/intake.html", context, status=status)


@require_POST
@staff_view
def phone_caller(request: HttpRequest) -> HttpResponse:
    """htmx: the caller's earlier cases for the number typed so far (masked)."""
    require_operator(request.user)
    caller = caller_cases(request.user, request.POST.get("phone", ""))
    return render(request, "web/phone/_caller.html", {"caller": caller})


@require_POST
@staff_view
def phone_hints(request: HttpRequest) -> HttpResponse:
    """htmx: triage's category, urgency and likely duplicates for the text typed so far."""
    require_operator(request.user)
    return render(
        request, "web/phone/_hints.html", {"hints": triage_hints(request.user, request.POST)}
    )


@staff_view
def phone_receipt(request: HttpRequest) -> HttpResponse:
    """The tracking code and secret to read out to the caller (this operator's last call)."""
    require_operator(request.user)
    case_id = request.session.get(RECEIPT)
    case = (
        Case.objects.select_related("place_unit", "category").filter(pk=case_id).first()
        if case_id
        else None
    )
    if case is None or case.submitted_by_id != request.user.pk:
        return redirect("web:phone")
    secret = " ".join(case.secret[i : i + 4] for i in range(0, len(case.secret), 4))
    context = _console(request, case=case, secret=secret)
    return render(request, "web/phone/receipt.html", context)
