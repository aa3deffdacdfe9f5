"""Case actions in the console: one small form per action, one service call per post.

`ACTIONS` maps an action's name (as `presenters.available_actions` gives it) to its form and
to a function turning the form's clean data into the service call. The functions only parse
(unit codes to units, "yes" to True); the services decide and record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms as djforms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from grassroots.cases import presenters, services
from grassroots.cases.codes import normalize_tracking_code
from grassroots.cases.enums import AssignmentStatus, ExtensionStatus
from grassroots.cases.errors import CaseError, CaseErrorCode
from grassroots.cases.models import Case
from grassroots.cases.permissions import (
    HANDLING_ROLES,
    Scope,
    access_case,
    may_reveal,
    visible_cases,
)
from grassroots.cases.workflow import Action
from grassroots.organizations.models import Unit

from .. import forms as f
from .console import case_context
from .errors import is_htmx, staff_view


def _unit(code: str) -> Unit:
    unit = Unit.objects.filter(code=code.strip(), is_active=True).first()
    if unit is None:
        raise CaseError(CaseErrorCode.UNKNOWN_UNIT, _("Unknown unit “%s”.") % code)
    return unit


def _into(text: str, user: Any) -> Case:
    code = normalize_tracking_code(text)
    parent = Case.objects.filter(tracking_code=code).first()
    if parent is None:
        raise CaseError(CaseErrorCode.NOT_FOUND, _("No such case to merge into."), status=404)
    return access_case(user, parent.pk)


def _part_done(case: Case, d: dict[str, Any], user: Any) -> Any:
    assignment = case.assignments.filter(pk=d["assignment"]).select_related("unit").first()
    if assignment is None or not Scope.of(user).covers(assignment.unit, HANDLING_ROLES):
        raise CaseError(CaseErrorCode.FORBIDDEN, _("This part is not yours."), status=403)
    return services.complete_part(assignment, result=d["result"], actor=user)


def _decide(case: Case, d: dict[str, Any], user: Any) -> Any:
    extension = case.extensions.filter(pk=d["extension"]).first()
    if extension is None:
        raise CaseError(CaseErrorCode.NOT_FOUND, _("No such extension request."), status=404)
    return services.decide_extension(
        extension, approve=d["approve"] == "yes", note=d["note"], actor=user
    )


Do = Callable[[Case, dict[str, Any], Any], Any]


@dataclass(frozen=True)
class ActionSpec:
    label: Any
    form: type[djforms.Form]
    do: Do
    danger: bool = False


ACTIONS: dict[str, ActionSpec] = {
    "dispatch": ActionSpec(
        gettext_lazy("Dispatch"),
        f.UnitNoteForm,
        lambda c, d, u: services.dispatch_case(c, unit=_unit(d["unit"]), actor=u, note=d["note"]),
    ),
    "accept": ActionSpec(
        gettext_lazy("Accept"),
        f.NoteForm,
        lambda c, d, u: services.accept_case(c, actor=u, note=d["note"]),
    ),
    "reply": ActionSpec(
        gettext_lazy("Reply"),
        f.ReplyForm,
        lambda c, d, u: services.reply_case(c, reply=d["reply"], actor=u),
    ),
    "return": ActionSpec(
        gettext_lazy("Return to dispatch"),
        f.ReasonForm,
        lambda c, d, u: services.return_case(c, reason=d["reason"], actor=u),
        danger=True,
    ),
    "transfer": ActionSpec(
        gettext_lazy("Transfer"),
        f.TransferForm,
        lambda c, d, u: services.transfer_case(
            c, unit=_unit(d["unit"]), reason=d["reason"], actor=u
        ),
    ),
    "cohandle": ActionSpec(
        gettext_lazy("Add a co-handling unit"),
        f.CohandleForm,
        lambda c, d, u: services.add_supporting_units(
            c, parts=[(_unit(d["unit"]), d["part"])], actor=u
        ),
    ),
    "summon": ActionSpec(
        gettext_lazy("Summon (blow the whistle)"),
        f.CohandleForm,
        lambda c, d, u: services.add_supporting_units(
            c, parts=[(_unit(d["unit"]), d["part"])], summon=True, actor=u
        ),
    ),
    "part-done": ActionSpec(gettext_lazy("Our part is done"), f.PartDoneForm, _part_done),
    "extend": ActionSpec(
        gettext_lazy("Ask for more time"),
        f.ExtendForm,
        lambda c, d, u: services.request_extension(
            c, working_days=d["working_days"], reason=d["reason"], actor=u
        ),
    ),
    "approve-extension": ActionSpec(
        gettext_lazy("Decide the extension"), f.DecideExtensionForm, _decide
    ),
    "supervise": ActionSpec(
        gettext_lazy("Supervise"),
        f.NoteForm,
        lambda c, d, u: services.supervise_case(c, note=d["note"], actor=u),
    ),
    "follow-up": ActionSpec(
        gettext_lazy("Record the follow-up call"),
        f.StaffFollowUpForm,
        lambda c, d, u: services.follow_up_case(
            c,
            resolved=d["resolved"] == "yes",
            satisfaction=d["satisfaction"],
            comment=d["comment"],
            actor=u,
        ),
    ),
    "reopen": ActionSpec(
        gettext_lazy("Reopen"),
        f.ReasonForm,
        lambda c, d, u: services.reopen_case(c, reason=d["reason"], actor=u),
    ),
    "close": ActionSpec(
        gettext_lazy("Close"),
        f.NoteForm,
        lambda c, d, u: services.close_case(c, note=d["note"], actor=u),
    ),
    "merge": ActionSpec(
        gettext_lazy("Merge into another case"),
        f.MergeForm,
        lambda c, d, u: services.merge_case(c, into=_into(d["into"], u), note=d["note"], actor=u),
    ),
    "reject": ActionSpec(
        gettext_lazy("Reject"),
        f.ReasonForm,
        lambda c, d, u: services.reject_case(c, reason=d["reason"], actor=u),
        danger=True,
    ),
}


PRIMARY = [
    "dispatch",
    "accept",
    "reply",
    "part-done",
    "approve-extension",
    "follow-up",
    "close",
    "supervise",
]


def _initial(name: str, case: Case, user: Any) -> dict[str, Any]:
    """Facts the form can start from: the located unit, the open part, the pending request."""
    if name == "dispatch" and case.place_unit is not None:
        return {"unit": case.place_unit.code}
    if name == "part-done":
        scope = Scope.of(user)
        for a in case.assignments.all():
            if a.status != AssignmentStatus.WITHDRAWN and scope.covers(a.unit, HANDLING_ROLES):
                return {"assignment": a.pk}
    if name == "approve-extension":
        pending = case.extensions.filter(status=ExtensionStatus.PENDING).first()
        return {"extension": pending.pk} if pending else {}
    return {}


def action_forms(
    case: Case, allowed: list[str], user: Any, bound: tuple[str, djforms.Form] | None
) -> list[dict[str, Any]]:
    """One entry per action allowed now: its name, label and form (bound when it failed)."""
    # The step that moves the case forward comes first and open; the rest fold away.
    names = sorted(allowed, key=lambda n: PRIMARY.index(n) if n in PRIMARY else len(PRIMARY))
    out: list[dict[str, Any]] = []
    for name in names:
        spec = ACTIONS.get(name)
        if spec is None:
            continue
        form = (
            bound[1]
            if bound and bound[0] == name
            else spec.form(initial=_initial(name, case, user), prefix=name)
        )
        out.append(
            {
                "name": name,
                "label": spec.label,
                "form": form,
                "danger": spec.danger,
                "open": bound[0] == name if bound else (not out and name in PRIMARY),
            }
        )
    return out


def _access(request: HttpRequest, case_id: int, name: str, data: dict[str, Any]) -> Case:
    action = Action.SUMMON if name == "summon" else Action(name)
    if action == Action.TRANSFER:
        return access_case(request.user, case_id, action, target=_unit(data["unit"]))
    return access_case(request.user, case_id, action)


def _panel(request: HttpRequest, case_id: int, status: int = 200, **extra: Any) -> HttpResponse:
    case = access_case(request.user, case_id)
    template = "web/console/_panel.html" if is_htmx(request) else "web/console/case.html"
    return render(request, template, case_context(request, case, **extra), status=status)


def _gone(request: HttpRequest) -> HttpResponse:
    """After a return or transfer the unit may no longer see the case: back to the inbox."""
    messages.info(request, _("The case has left your units."))
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("web:inbox")
        return response
    return redirect("web:inbox")


@require_POST
@staff_view
def act(request: HttpRequest, case_id: int, name: str) -> HttpResponse:
    """Take one action on a case: check the form, authorise, call the one service."""
    spec = ACTIONS.get(name)
    if spec is None:
        raise CaseError(CaseErrorCode.NOT_FOUND, _("No such action."), status=404)
    form = spec.form(request.POST, prefix=name)
    error_status = 200 if is_htmx(request) else 400  # htmx swaps only 2xx answers
    if not form.is_valid():
        return _panel(request, case_id, error_status, bound=(name, form))
    try:
        case = _access(request, case_id, name, form.cleaned_data)
        spec.do(case, form.cleaned_data, request.user)
    except CaseError as error:
        if error.status in (403, 404):
            raise  # not this user's to do: an error page, not a form message
        form.add_error(None, error.message)
        return _panel(request, case_id, error_status, bound=(name, form))
    if not _still_visible(request, case_id):
        return _gone(request)
    messages.success(request, _("Done: %s.") % spec.label)
    if is_htmx(request):
        return _panel(request, case_id)
    return redirect("web:case", case_id=case_id)


def _still_visible(request: HttpRequest, case_id: int) -> bool:
    return visible_cases(request.user).filter(pk=case_id).exists()


@require_POST
@staff_view
def reveal(request: HttpRequest, case_id: int) -> HttpResponse:
    """Show the resident in full, for roles that need it; the service logs every look."""
    case = access_case(request.user, case_id)
    form = f.RevealForm(request.POST)
    if not may_reveal(request.user, case):
        raise CaseError(
            CaseErrorCode.FORBIDDEN, _("Your role may not see this resident."), status=403
        )
    if not form.is_valid():
        return _panel(request, case_id, 200 if is_htmx(request) else 400, reveal_form=form)
    resident = services.reveal_resident(
        case, reason=form.cleaned_data["reason"], actor=request.user
    )
    # Shown in this one answer only; nothing unmasked is kept in the session or a URL.
    return _panel(request, case_id, revealed=presenters.resident_out(resident, masked=False))
