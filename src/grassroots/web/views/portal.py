"""The resident portal: report a problem, keep the receipt, follow the case, rate the answer.

Everything works without JavaScript. The tracking secret never appears in a URL: the
receipt and the track form put it in the resident's session, and the case page reads it there.
"""

from __future__ import annotations

import hmac
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from grassroots.cases import presenters, services
from grassroots.cases.codes import normalize_tracking_code
from grassroots.cases.enums import Channel
from grassroots.cases.errors import CaseError
from grassroots.cases.models import Case, Category
from grassroots.cases.permissions import is_owner, visible_cases
from grassroots.core import ratelimit
from grassroots.core.errors import DomainError
from grassroots.triage.classify import propose_category

from ..forms import RateForm, ReasonForm, ReportForm, TrackForm
from ..plainwords import plain_steps
from .common import case_draft, map_config, serve_attachment

TRACKED = "tracked_cases"  # session key: {tracking code: secret} this browser may follow
HINTS_PER_MINUTE = 30  # category hints per client address (REPORT_HINTS_RATE_PER_MINUTE)
HINT_MIN_TEXT = 4  # characters typed before triage is asked
HINT_FLOOR = 0.15  # a label less probable than this is noise to a resident: not shown


def _remember(request: HttpRequest, case: Case) -> None:
    tracked = dict(request.session.get(TRACKED, {}))
    tracked[case.tracking_code] = case.secret
    request.session[TRACKED] = dict(list(tracked.items())[-20:])


def _rate_limited(request: HttpRequest, bucket: str, per_minute: int) -> bool:
    if getattr(request.user, "is_authenticated", False):
        return False
    return not ratelimit.allow(request, bucket, per_minute)


def report(request: HttpRequest) -> HttpResponse:
    """The report form; a valid submission leads to the receipt."""
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if _rate_limited(request, "intake", settings.CASE_INTAKE_RATE_PER_MINUTE):
            form.add_error(None, _("Too many submissions; wait a minute."))
        else:
            try:
                return _submitted(request, form)
            except CaseError as error:
                form.add_error(None, error.message)
    context = {
        "form": form,
        "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex,
        "map": map_config(),
    }
    return render(request, "web/portal/report.html", context, status=400 if form.errors else 200)


def confidence_word(probability: float) -> tuple[str, str]:
    """A resident-friendly word for a model probability, and its level (a CSS class)."""
    if probability >= 0.7:
        return "high", pgettext("triage confidence", "very likely")
    if probability >= 0.4:
        return "medium", pgettext("triage confidence", "likely")
    return "low", pgettext("triage confidence", "possibly")


def category_hints(subject: str, description: str) -> list[dict[str, Any]]:
    """Triage's top categories for the text typed so far, best first, in the active language.

    Only labels that name an active category of this deployment and reach `HINT_FLOOR`; none
    when the text is too short or no classifier is active (or its file cannot be read).
    """
    text = f"{subject}\n{description}".strip()
    if len(text) < HINT_MIN_TEXT:
        return []
    try:
        proposal = propose_category(text)
    except DomainError:
        return []
    if proposal is None:
        return []
    ranked = [
        (str(row["category"]), float(str(row["probability"])))
        for row in proposal.top
        if row.get("category") and float(str(row["probability"])) >= HINT_FLOOR
    ]
    found = Category.objects.filter(
        is_active=True, code__in=[code for code, _p in ranked]
    ).select_related("parent")
    by_code = {c.code: c for c in found}
    hints: list[dict[str, Any]] = []
    for code, probability in ranked:
        category = by_code.get(code)
        if category is None or any(h["code"] == code for h in hints):
            continue
        name = f"{category.parent.name} › {category.name}" if category.parent else category.name
        level, word = confidence_word(probability)
        hints.append({"code": code, "name": name, "level": level, "word": word})
    return hints


def _too_long(field: str, value: str) -> bool:
    """Longer than the report form's field takes (the same limits as a submission)."""
    limit = getattr(ReportForm.base_fields[field], "max_length", None)
    return limit is not None and len(value) > limit


@require_POST
def report_hints(request: HttpRequest) -> HttpResponse:
    """htmx: categories triage suggests for the report typed so far (anyone may ask).

    Limited per client address; an over-long text is a 400 fragment; no model, no hints.
    """
    template = "web/portal/_hints.html"
    per_minute = getattr(settings, "REPORT_HINTS_RATE_PER_MINUTE", HINTS_PER_MINUTE)
    if not ratelimit.allow(request, "report_hints", per_minute):
        refusal = _("Too many requests; suggestions pause for a minute.")
        return render(request, template, {"error": refusal}, status=429)
    subject = request.POST.get("subject", "")
    description = request.POST.get("description", "")
    if _too_long("subject", subject) or _too_long("description", description):
        refusal = _("The text is too long for suggestions.")
        return render(request, template, {"error": refusal}, status=400)
    hints = category_hints(subject, description)
    return render(request, template, {"hints": hints, "chosen": request.POST.get("category", "")})


def _submitted(request: HttpRequest, form: ReportForm) -> HttpResponse:
    channel = Channel.MOBILE if "Mobile" in request.headers.get("User-Agent", "") else Channel.WEB
    user = request.user if request.user.is_authenticated else None
    key = (request.POST.get("idempotency_key") or "")[:64] or None
    result = services.submit_case(
        case_draft(form.cleaned_data, channel=channel), actor=user, idempotency_key=key
    )
    case = result.case
    photo = form.cleaned_data.get("photo")
    if photo and result.created:
        try:
            services.attach_file(case, upload=photo, actor=services.RESIDENT, public=True)
        except CaseError as error:
            # The case is stored and has its code; only the photo is refused: say so.
            messages.warning(request, _("The photo was not attached: %s") % error.message)
    _remember(request, case)
    request.session["receipt"] = case.tracking_code
    return redirect("web:receipt")


def receipt(request: HttpRequest) -> HttpResponse:
    """The tracking code and secret, shown once and clearly, with the way to follow the case."""
    code = request.session.get("receipt")
    secret = request.session.get(TRACKED, {}).get(code)
    if not code or not secret:
        return redirect("web:report")
    case = Case.objects.select_related("place_unit").get(tracking_code=code)
    return render(request, "web/portal/receipt.html", {"case": case, "secret": secret})


def track_lookup(request: HttpRequest) -> HttpResponse:
    """Find a case by its code and secret; the secret then stays in the session."""
    form = TrackForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        if _rate_limited(request, "track", 60):
            form.add_error(None, _("Too many lookups; wait a minute."))
        else:
            case = _by_code_and_secret(form.cleaned_data["code"], form.cleaned_data["secret"])
            if case is not None:
                _remember(request, case)
                return redirect("web:track", code=case.tracking_code)
            form.add_error(None, _("No case with this tracking code and secret."))
    return render(request, "web/portal/track_lookup.html", {"form": form})


def _by_code_and_secret(code: str, secret: str) -> Case | None:
    case = Case.objects.filter(tracking_code=normalize_tracking_code(code)).first()
    given = secret.strip().upper()
    return case if case is not None and hmac.compare_digest(case.secret, given) else None


def _own_case(request: HttpRequest, code: str) -> Case | None:
    """The case if this browser holds its secret or its submitter is logged in."""
    case = Case.objects.select_related("unit", "category").filter(tracking_code=code).first()
    if case is None:
        return None
    secret = request.session.get(TRACKED, {}).get(code, "")
    if (secret and hmac.compare_digest(case.secret, secret)) or is_owner(request.user, case):
        return case
    return None


def _photos(case: Case) -> list[dict[str, Any]]:
    """The resident's photos of the case, as links to the session-checked photo view."""
    rows = case.attachments.filter(public=True, content_type__startswith="image/").order_by("id")
    return [
        {"url": reverse("web:track_photo", args=[case.tracking_code, a.pk]), "n": n}
        for n, a in enumerate(rows, start=1)
    ]


def _track_page(request: HttpRequest, case: Case, **forms: Any) -> HttpResponse:
    data = presenters.track(case)
    context = {
        "case": case,
        "t": data,
        "photos": _photos(case),
        "steps": plain_steps(data["timeline"]),
        "rate_form": forms.get("rate_form") or RateForm(),
        "reopen_form": forms.get("reopen_form") or ReasonForm(),
    }
    return render(request, "web/portal/track.html", context, status=400 if forms else 200)


def track(request: HttpRequest, code: str) -> HttpResponse:
    """The resident's view of their case: plain-words timeline, unit, deadline, reply."""
    case = _own_case(request, code)
    if case is None:
        return redirect(reverse("web:track_lookup") + f"?code={code}")
    return _track_page(request, case)


@require_POST
def track_rate(request: HttpRequest, code: str) -> HttpResponse:
    """The resident rates the answer (was it solved, how satisfied)."""
    case = _own_case(request, code)
    if case is None:
        return redirect("web:track_lookup")
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            services.follow_up_case(
                case,
                resolved=form.cleaned_data["resolved"] == "yes",
                satisfaction=form.cleaned_data["satisfaction"],
                comment=form.cleaned_data["comment"],
                actor=services.RESIDENT,
            )
        except CaseError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Thank you: your rating is recorded."))
            return redirect("web:track", code=code)
    return _track_page(request, case, rate_form=form)


@require_POST
def track_reopen(request: HttpRequest, code: str) -> HttpResponse:
    """It was not solved: the resident reopens the case with a comment."""
    case = _own_case(request, code)
    if case is None:
        return redirect("web:track_lookup")
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.reopen_case(case, reason=form.cleaned_data["reason"], actor=services.RESIDENT)
        except CaseError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your case is open again; the unit will look at it."))
            return redirect("web:track", code=code)
    return _track_page(request, case, reopen_form=form)


def track_photo(request: HttpRequest, code: str, attachment_id: int) -> HttpResponseBase:
    """One photo of a case, for the resident holding its secret (or its submitter) and for
    staff who may see the case; anyone else gets a 404, never the file."""
    case = _own_case(request, code)
    if case is not None:
        attachment = case.attachments.filter(pk=attachment_id, public=True).first()
    else:
        staff_case = Case.objects.filter(tracking_code=code).only("id").first()
        if staff_case is None or not visible_cases(request.user).filter(pk=staff_case.pk).exists():
            raise Http404(_("No such file."))
        attachment = staff_case.attachments.filter(pk=attachment_id).first()
    if attachment is None or not attachment.content_type.startswith("image/"):
        raise Http404(_("No such file."))
    return serve_attachment(attachment)
