"""Case endpoints: intake, lists, details, one action endpoint per service, tracking."""

from __future__ import annotations

import logging
import re
from datetime import datetime, time
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status, UploadedFile
from ninja.renderers import JSONRenderer

from grassroots.accounts.auth import ANYONE, STAFF
from grassroots.core import clock, ratelimit
from grassroots.organizations.models import Unit
from grassroots.organizations.querysets import subtree_q

from . import presenters, services
from . import schemas as s
from .codes import normalize_tracking_code
from .enums import Channel
from .errors import CaseError, CaseErrorCode
from .models import Attachment, Case, CaseAssignment, Category, ExtensionRequest
from .permissions import Scope, access_case, is_owner, may_reveal, visible_cases
from .workflow import Action

logger = logging.getLogger(__name__)
router = Router(tags=["cases"])
track_router = Router(tags=["tracking"])
categories_router = Router(tags=["categories"])
RESIDENT_CHANNELS = {Channel.WEB, Channel.MOBILE, Channel.API}


def _user(request: HttpRequest) -> Any:
    if getattr(request.user, "is_authenticated", False):
        return request.user
    return getattr(request, "auth", None)


def _unit(code: str) -> Unit:
    unit = Unit.objects.filter(code=code, is_active=True).first()
    if unit is None:
        raise CaseError(CaseErrorCode.UNKNOWN_UNIT, _("Unknown unit “%s”.") % code)
    return unit


def _draft(body: s.CaseIn, user: Any) -> services.CaseDraft:
    staff = getattr(user, "is_authenticated", False) and user.memberships.exists()
    if body.channel not in RESIDENT_CHANNELS and not staff:
        raise CaseError(
            CaseErrorCode.INVALID, _("channel: “%s” is entered by staff only.") % body.channel
        )
    resident = body.resident or s.ResidentIn(name="", phone="", id_number="", email="")
    return services.CaseDraft(
        kind=body.kind,
        subject=body.subject,
        description=body.description,
        category=body.category,
        priority=body.priority,
        channel=body.channel,
        lat=body.lat,
        lng=body.lng,
        datum=body.datum,
        address=body.address,
        resident_name=resident.name,
        resident_phone=resident.phone,
        resident_id_number=resident.id_number,
        resident_email=resident.email,
        anonymous=body.anonymous,
        confidential=body.confidential,
    )


def _place_ref(result: services.IntakeResult) -> dict[str, str] | None:
    """The case's place: as the geo index found it for a new case (no query), else read."""
    place = result.place
    if place is None:
        return presenters.unit_ref(result.case.place_unit)
    return {"code": place.code, "name": place.name, "level": place.level}


@router.post("", response={201: s.CaseCreatedOut}, auth=ANYONE)
def submit(request: HttpRequest, body: s.CaseIn) -> HttpResponse:
    """Submit a case (residents may be anonymous). Send an `Idempotency-Key` header so that a
    retried submission returns the same case instead of creating a second one."""
    user = _user(request)
    if not getattr(user, "is_authenticated", False) and not ratelimit.allow(
        request, "intake", settings.CASE_INTAKE_RATE_PER_MINUTE
    ):
        raise CaseError(
            CaseErrorCode.RATE_LIMITED, _("Too many submissions; wait a minute."), status=429
        )
    key = (request.headers.get("Idempotency-Key") or "").strip()[:150] or None
    result = services.submit_case(_draft(body, user), actor=user, idempotency_key=key)
    case = result.case
    response = _created(
        {
            "id": case.pk,
            "tracking_code": case.tracking_code,
            "secret": case.secret,
            "status": case.status,
            "unit": presenters.unit_ref(case.unit),
            # A new case's place as the geo index found it (no query); a replay reads it.
            "place": _place_ref(result),
            "deadlines": presenters.deadlines(case),
            "track_url": f"/api/v1/track/{case.tracking_code}",
        }
    )
    if not result.created:
        response["Idempotent-Replayed"] = "true"
    return response


_RENDERER = JSONRenderer()


def _created(payload: dict[str, Any]) -> HttpResponse:
    """The 201 answer in `CaseCreatedOut`'s shape, rendered as the API renders any answer.

    Built here from the case's own typed fields, it skips the schema's output validation
    (about 1 ms of a submission's CPU, docs/domain/cases.md "Intake speed");
    tests/cases/test_api_intake.py checks that the answer still validates against the schema.
    """
    return HttpResponse(
        _RENDERER.render(None, payload, response_status=201),  # type: ignore[arg-type]
        status=201,
        content_type=f"{_RENDERER.media_type}; charset={_RENDERER.charset}",
    )


def _filtered(user: Any, f: s.CaseFilters) -> Any:
    qs = visible_cases(user).select_related("unit", "place_unit", "category")
    if f.status:
        qs = qs.filter(status__in=f.status.split(","))
    if f.unit:
        qs = qs.filter(subtree_q(_unit(f.unit).path, field="unit__path"))
    if f.category:
        qs = qs.filter(Q(category__code=f.category) | Q(category__parent__code=f.category))
    if f.overdue is not None:
        overdue = Q(pk__in=Case.objects.overdue(clock.now()).values("pk"))
        qs = qs.filter(overdue) if f.overdue else qs.exclude(overdue)
    if f.text:
        qs = qs.filter(
            Q(subject__icontains=f.text)
            | Q(description__icontains=f.text)
            | Q(tracking_code=normalize_tracking_code(f.text))
        )
    tz = timezone.get_current_timezone()
    if f.received_from:
        qs = qs.filter(received_at__gte=datetime.combine(f.received_from, time.min, tz))
    if f.received_to:
        qs = qs.filter(received_at__lte=datetime.combine(f.received_to, time.max, tz))
    return qs


@router.get("", response=s.CasePage, auth=STAFF)
def list_cases(request: HttpRequest, filters: Query[s.CaseFilters]) -> dict[str, Any]:
    """The cases you may see, newest first, filtered and paginated."""
    qs = _filtered(_user(request), filters)
    start = (filters.page - 1) * filters.page_size
    items = list(qs[start : start + filters.page_size])
    return {
        "items": [presenters.summary(c) for c in items],
        "count": qs.count(),
        "page": filters.page,
        "page_size": filters.page_size,
    }


def _detail(request: HttpRequest, case_id: int) -> dict[str, Any]:
    user = _user(request)
    case = access_case(user, case_id)
    return presenters.detail(case, user, Scope.of(user))


@router.get("/{int:case_id}", response=s.CaseOut, auth=STAFF)
def get_case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    """One case with its timeline, units, and the actions you may take now."""
    return _detail(request, case_id)


@router.post("/{int:case_id}/resident", response=s.ResidentOut, auth=STAFF)
def reveal_resident(request: HttpRequest, case_id: int, body: s.RevealIn) -> Any:
    """The resident unmasked, for roles that need it; every call is logged with its reason."""
    user = _user(request)
    case = access_case(user, case_id)
    if not may_reveal(user, case):
        raise CaseError(
            CaseErrorCode.FORBIDDEN, _("Your role may not see this resident."), status=403
        )
    resident = services.reveal_resident(case, reason=body.reason, actor=user)
    if resident is None:
        raise CaseError(
            CaseErrorCode.NOT_FOUND, _("This case has no resident on record."), status=404
        )
    return presenters.resident_out(resident, masked=False)


def _act(request: HttpRequest, case_id: int, action: Action, **kw: Any) -> tuple[Any, Case]:
    user = _user(request)
    return user, access_case(user, case_id, action, **kw)


@router.post("/{int:case_id}/dispatch", response=s.CaseOut, auth=STAFF)
def dispatch(request: HttpRequest, case_id: int, body: s.DispatchIn) -> Any:
    """Give a case in the dispatch queue to a unit."""
    user, case = _act(request, case_id, Action.DISPATCH)
    services.dispatch_case(case, unit=_unit(body.unit), actor=user, note=body.note)
    return _detail(request, case_id)


@router.post("/{int:case_id}/accept", response=s.CaseOut, auth=STAFF)
def accept(request: HttpRequest, case_id: int, body: s.NoteIn) -> Any:
    """The unit accepts the case and has contacted the resident."""
    user, case = _act(request, case_id, Action.ACCEPT)
    services.accept_case(case, actor=user, note=body.note)
    return _detail(request, case_id)


@router.post("/{int:case_id}/return", response={200: s.CaseOut, 204: None}, auth=STAFF)
def return_(request: HttpRequest, case_id: int, body: s.ReasonIn) -> Any:
    """Send a wrongly routed case back to the dispatch queue, with the reason."""
    user, case = _act(request, case_id, Action.RETURN)
    services.return_case(case, reason=body.reason, actor=user)
    return _detail(request, case_id) if _still_visible(user, case_id) else _gone(case_id)


@router.post("/{int:case_id}/transfer", response={200: s.CaseOut, 204: None}, auth=STAFF)
def transfer(request: HttpRequest, case_id: int, body: s.TransferIn) -> Any:
    """Hand the case on to another unit."""
    target = _unit(body.unit)
    user, case = _act(request, case_id, Action.TRANSFER, target=target)
    services.transfer_case(case, unit=target, reason=body.reason, actor=user)
    return _detail(request, case_id) if _still_visible(user, case_id) else _gone(case_id)


@router.post("/{int:case_id}/cohandle", response=s.CaseOut, auth=STAFF)
def cohandle(request: HttpRequest, case_id: int, body: s.CohandleIn) -> Any:
    """Add supporting units, each with its part; `summon` for a street's whistle (吹哨)."""
    user, case = _act(request, case_id, Action.SUMMON if body.summon else Action.COHANDLE)
    parts = [(_unit(p.unit), p.part) for p in body.units]
    services.add_supporting_units(case, parts=parts, summon=body.summon, actor=user)
    return _detail(request, case_id)


@router.post("/{int:case_id}/part-done", response=s.CaseOut, auth=STAFF)
def part_done(request: HttpRequest, case_id: int, body: s.PartDoneIn) -> Any:
    """A supporting unit reports its part done."""
    user, case = _act(request, case_id, Action.PART_DONE)
    assignment = CaseAssignment.objects.filter(pk=body.assignment, case=case).first()
    if assignment is None or not Scope.of(user).covers(
        assignment.unit, frozenset({"handler", "grid_worker"})
    ):
        raise CaseError(CaseErrorCode.FORBIDDEN, _("This part is not yours."), status=403)
    services.complete_part(assignment, result=body.result, actor=user)
    return _detail(request, case_id)


@router.post("/{int:case_id}/extend", response=s.CaseOut, auth=STAFF)
def extend(request: HttpRequest, case_id: int, body: s.ExtendIn) -> Any:
    """Ask for more working days; a supervisor decides."""
    user, case = _act(request, case_id, Action.EXTEND)
    services.request_extension(case, working_days=body.working_days, reason=body.reason, actor=user)
    return _detail(request, case_id)


@router.post("/{int:case_id}/approve-extension", response=s.CaseOut, auth=STAFF)
def approve_extension(request: HttpRequest, case_id: int, body: s.DecideExtensionIn) -> Any:
    """Approve (the deadline moves) or deny an extension request."""
    user, case = _act(request, case_id, Action.APPROVE_EXTENSION)
    extension = ExtensionRequest.objects.filter(pk=body.extension, case=case).first()
    if extension is None:
        raise CaseError(CaseErrorCode.NOT_FOUND, _("No such extension request."), status=404)
    services.decide_extension(extension, approve=body.approve, note=body.note, actor=user)
    return _detail(request, case_id)


@router.post("/{int:case_id}/supervise", response=s.CaseOut, auth=STAFF)
def supervise(request: HttpRequest, case_id: int, body: s.NoteIn) -> Any:
    """Press the handling unit (督办)."""
    user, case = _act(request, case_id, Action.SUPERVISE)
    services.supervise_case(case, note=body.note, actor=user)
    return _detail(request, case_id)


@router.post("/{int:case_id}/reply", response=s.CaseOut, auth=STAFF)
def reply(request: HttpRequest, case_id: int, body: s.ReplyIn) -> Any:
    """Answer the resident."""
    user, case = _act(request, case_id, Action.REPLY)
    services.reply_case(case, reply=body.reply, actor=user)
    return _detail(request, case_id)


@router.post("/{int:case_id}/follow-up", response=s.CaseOut, auth=STAFF)
def follow_up(request: HttpRequest, case_id: int, body: s.FollowUpIn) -> Any:
    """Record the resident's verdict from a follow-up call (回访)."""
    user, case = _act(request, case_id, Action.FOLLOW_UP)
    services.follow_up_case(
        case,
        resolved=body.resolved,
        satisfaction=body.satisfaction,
        comment=body.comment,
        actor=user,
    )
    return _detail(request, case_id)


@router.post("/{int:case_id}/reopen", response=s.CaseOut, auth=STAFF)
def reopen(request: HttpRequest, case_id: int, body: s.ReasonIn) -> Any:
    """Reopen: the resident says it was not solved."""
    user, case = _act(request, case_id, Action.REOPEN)
    services.reopen_case(case, reason=body.reason, actor=user)
    return _detail(request, case_id)


@router.post("/{int:case_id}/close", response=s.CaseOut, auth=STAFF)
def close(request: HttpRequest, case_id: int, body: s.NoteIn) -> Any:
    """Close an answered case."""
    user, case = _act(request, case_id, Action.CLOSE)
    services.close_case(case, note=body.note, actor=user)
    return _detail(request, case_id)


@router.post("/{int:case_id}/merge", response=s.CaseOut, auth=STAFF)
def merge(request: HttpRequest, case_id: int, body: s.MergeIn) -> Any:
    """Merge this duplicate into a parent case."""
    user, case = _act(request, case_id, Action.MERGE)
    parent = _case_by_reference(body.into)
    if parent is None:
        raise CaseError(CaseErrorCode.NOT_FOUND, _("No such case to merge into."), status=404)
    access_case(user, parent.pk)
    services.merge_case(case, into=parent, note=body.note, actor=user)
    return _detail(request, case_id)


@router.post("/{int:case_id}/reject", response=s.CaseOut, auth=STAFF)
def reject(request: HttpRequest, case_id: int, body: s.ReasonIn) -> Any:
    """Reject (spam, out of scope) with a reason the resident sees."""
    user, case = _act(request, case_id, Action.REJECT)
    services.reject_case(case, reason=body.reason, actor=user)
    return _detail(request, case_id)


_CASE_ID = re.compile(r"[0-9]{1,18}")


def _case_by_reference(text: str) -> Case | None:
    """A case named by its tracking code (12 digits, spaces or dashes allowed) or its id."""
    code = normalize_tracking_code(text)
    if len(code) == 12:
        return Case.objects.filter(tracking_code=code).first()
    # ASCII digits only: `str.isdigit` also accepts "²", which int() refuses.
    return Case.objects.filter(pk=int(code)).first() if _CASE_ID.fullmatch(code) else None


def _still_visible(user: Any, case_id: int) -> bool:
    return visible_cases(user).filter(pk=case_id).exists()


def _gone(case_id: int) -> Any:
    """After a return or transfer the unit may no longer see the case: say it left."""
    return HttpResponse(status=204)


@categories_router.get("", response=list[s.CategoryRef], auth=None)
def categories(request: HttpRequest) -> list[dict[str, str]]:
    """Active categories, parents before children."""
    return [{"code": c.code, "name": c.name} for c in Category.objects.filter(is_active=True)]


# Residents: track by code + secret, rate the answer, reopen.
def _own_case(request: HttpRequest, code: str, secret: str) -> Case:
    if not ratelimit.allow(request, "track", 60):
        raise CaseError(
            CaseErrorCode.RATE_LIMITED, _("Too many lookups; wait a minute."), status=429
        )
    case = (
        Case.objects.select_related("unit", "category")
        .filter(tracking_code=normalize_tracking_code(code))
        .first()
    )
    user = _user(request)
    if case is not None and (is_owner(user, case) or _secret_ok(case, secret)):
        return case
    raise CaseError(
        CaseErrorCode.NOT_FOUND, _("No case with this tracking code and secret."), status=404
    )


def _secret_ok(case: Case, secret: str) -> bool:
    import hmac

    # Compare bytes: compare_digest refuses non-ASCII str, and a secret is whatever was typed.
    given = secret.strip().upper().encode()
    return bool(secret) and hmac.compare_digest(case.secret.encode(), given)


@track_router.get("/{code}", response=s.TrackOut, auth=ANYONE)
def track(request: HttpRequest, code: str, secret: str = "") -> dict[str, Any]:
    """Follow your case with its tracking code and secret (or logged in as its submitter)."""
    return presenters.track(_own_case(request, code, secret))


@track_router.post("/{code}/follow-up", response=s.TrackOut, auth=ANYONE)
def resident_follow_up(request: HttpRequest, code: str, body: s.ResidentFollowUpIn) -> Any:
    """Rate the answer: was it solved, how satisfied are you."""
    case = _own_case(request, code, body.secret)
    services.follow_up_case(
        case,
        resolved=body.resolved,
        satisfaction=body.satisfaction,
        comment=body.comment,
        actor=services.RESIDENT,
    )
    return presenters.track(Case.objects.get(pk=case.pk))


@track_router.post("/{code}/reopen", response=s.TrackOut, auth=ANYONE)
def resident_reopen(request: HttpRequest, code: str, body: s.ResidentReopenIn) -> Any:
    """It was not solved: reopen the case with a comment."""
    case = _own_case(request, code, body.secret)
    services.reopen_case(case, reason=body.reason, actor=services.RESIDENT)
    return presenters.track(Case.objects.get(pk=case.pk))


# Attachments: uploaded by staff or by the resident, served only to those who may see them.
def _serve(attachment: Attachment) -> FileResponse:
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:  # the row outlived its file (a restore, a cleanup by hand)
        logger.warning("attachment %s: file %s is missing", attachment.pk, attachment.file.name)
        raise CaseError(
            CaseErrorCode.NOT_FOUND, _("This file is no longer available."), status=404
        ) from None
    response = FileResponse(handle, content_type=attachment.content_type)
    name = (attachment.file.name or "file").rsplit("/", 1)[-1]
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@router.post("/{int:case_id}/attachments", response={201: s.AttachmentOut}, auth=STAFF)
def upload(
    request: HttpRequest, case_id: int, file: File[UploadedFile], public: Form[bool] = False
) -> Status[Any]:
    """Attach a photo or PDF (checked by its content; size and count limited)."""
    user = _user(request)
    case = access_case(user, case_id)
    attachment = services.attach_file(case, upload=file, actor=user, public=public)
    return Status(201, presenters.attachment_out(attachment))


@router.get("/{int:case_id}/attachments/{int:attachment_id}", auth=STAFF)
def download(request: HttpRequest, case_id: int, attachment_id: int) -> FileResponse:
    """The file itself, for staff who may see the case."""
    case = access_case(_user(request), case_id)
    attachment = case.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise CaseError(CaseErrorCode.NOT_FOUND, _("No such file."), status=404)
    return _serve(attachment)


@track_router.post("/{code}/attachments", response={201: s.AttachmentOut}, auth=ANYONE)
def resident_upload(
    request: HttpRequest, code: str, file: File[UploadedFile], secret: Form[str] = ""
) -> Status[Any]:
    """The resident adds a photo to their own case."""
    case = _own_case(request, code, secret)
    attachment = services.attach_file(case, upload=file, actor=services.RESIDENT, public=True)
    return Status(201, presenters.attachment_out(attachment, resident=True))


@track_router.get("/{code}/attachments/{int:attachment_id}", auth=ANYONE)
def resident_download(
    request: HttpRequest, code: str, attachment_id: int, secret: str = ""
) -> FileResponse:
    """A public file of the resident's own case."""
    case = _own_case(request, code, secret)
    attachment = case.attachments.filter(pk=attachment_id, public=True).first()
    if attachment is None:
        raise CaseError(CaseErrorCode.NOT_FOUND, _("No such file."), status=404)
    return _serve(attachment)
