"""The unreasonable-demand mark on the staff case page: a supervisor over the case's unit
marks the case (it leaves the unit's rates) or withdraws the mark, each with a reason.

The insights services decide and record (timeline event, audit entry, roll-ups); this view
only checks the form and shows the panel again.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from grassroots.cases.permissions import access_case
from grassroots.insights import services
from grassroots.insights.errors import InsightsError, InsightsErrorCode

from .console import case_context
from .errors import is_htmx, staff_view


class DemandMarkForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("mark", gettext_lazy("Mark")), ("withdraw", gettext_lazy("Withdraw"))]
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2000, strip=True)


def _panel(request: HttpRequest, case_id: int, status: int = 200, **extra: object) -> HttpResponse:
    case = access_case(request.user, case_id)
    template = "web/console/_panel.html" if is_htmx(request) else "web/console/case.html"
    return render(request, template, case_context(request, case, **extra), status=status)


@require_POST
@staff_view
def demand_mark(request: HttpRequest, case_id: int) -> HttpResponse:
    """Mark or withdraw; without a reason (or on a refused step) the form says why and
    nothing is written. Not a supervisor over the case: the error page (403)."""
    case = access_case(request.user, case_id)
    form = DemandMarkForm(request.POST)
    error_status = 200 if is_htmx(request) else 400  # htmx swaps only 2xx answers
    if not services.may_mark(case, request.user):
        raise InsightsError(
            InsightsErrorCode.FORBIDDEN,
            _("Only a supervisor over the handling unit may mark or unmark a case."),
            status=403,
        )
    if not form.is_valid():
        return _panel(request, case_id, error_status, demand_form=form)
    act = services.withdraw_mark if form.cleaned_data["action"] == "withdraw" else None
    try:
        (act or services.mark_unreasonable)(
            case, reason=form.cleaned_data["reason"], actor=request.user
        )
    except InsightsError as error:
        if error.status in (403, 404):
            raise
        form.add_error(None, error.message)
        return _panel(request, case_id, error_status, demand_form=form)
    if act is None:
        messages.success(request, _("Marked as unreasonable demand: the case leaves the rates."))
    else:
        messages.success(request, _("Mark withdrawn: the case counts in the rates again."))
    if is_htmx(request):
        return _panel(request, case_id)
    return redirect("web:case", case_id=case_id)
