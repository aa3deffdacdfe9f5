"""Suggestion collection (人民建议征集): calls, proposals (online and offline), photos,
support with its answer threshold, comments, and moderation.

Answers, follow-through and the links with cases are in `suggestions_review`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.cases.services.attachments import sniff
from grassroots.core import audit, clock
from grassroots.core.worktime import get_calendar
from grassroots.organizations.models import Unit

from ..enums import CallStatus, ProposalChannel, ProposalStatus
from ..errors import (
    DeliberationError,
    DeliberationErrorCode,
    conflict,
    forbidden,
    invalid,
    not_found,
)
from ..models import (
    Meeting,
    Proposal,
    ProposalComment,
    ProposalPhoto,
    ProposalSupport,
    SuggestionCall,
)
from ..permissions import may_moderate, require_moderator
from ._common import clean_text, user_of
from .conversations import Voter

MAX_TITLE = 200
MAX_TEXT = 5000
MAX_COMMENT = 2000
MAX_REASON = 300
MAX_PHOTOS = 6
MAX_THRESHOLD = 1_000_000
MAX_ANSWER_DAYS = 120


def today() -> dt.date:
    """Today in the deployment's time zone (call periods are local dates)."""
    return timezone.localdate(clock.now())


def accepts_proposals(call: SuggestionCall, on: dt.date | None = None) -> bool:
    """Whether residents may propose and support now: open, and inside its period."""
    day = on or today()
    return call.status == CallStatus.OPEN and call.opens_on <= day <= call.closes_on


def _require_accepting(call: SuggestionCall) -> None:
    if not accepts_proposals(call):
        raise conflict(
            DeliberationErrorCode.CALL_NOT_OPEN, _("This call is not taking suggestions now.")
        )


def _identity(voter: Voter) -> tuple[Any, str]:
    """(user, token hash) of a resident: one of the two, or a 401."""
    user = user_of(voter.user)
    if user is not None:
        return user, ""
    if not voter.token_hash:
        raise DeliberationError(
            DeliberationErrorCode.NO_PARTICIPANT,
            _("Log in or send a device token (X-Device-Token) to take part."),
            status=401,
        )
    if len(voter.device_token.strip()) < 16:
        raise invalid(_("X-Device-Token: at least 16 characters."))
    return None, voter.token_hash


def _check_period(opens_on: dt.date, closes_on: dt.date) -> None:
    if closes_on < opens_on:
        raise invalid(_("closes_on: must not be before opens_on."))


def open_call(
    unit: Unit,
    *,
    title: str,
    opens_on: dt.date,
    closes_on: dt.date,
    description: str = "",
    area: Unit | None = None,
    support_threshold: int = 50,
    answer_days: int = 15,
    actor: Any,
) -> SuggestionCall:
    """Open a call for suggestions on a topic, for a period and an area (the unit's staff)."""
    require_moderator(actor, unit)
    title = clean_text(title, "title", limit=MAX_TITLE)
    description = clean_text(description, "description", limit=MAX_TEXT, required=False)
    _check_period(opens_on, closes_on)
    if not 1 <= support_threshold <= MAX_THRESHOLD:
        raise invalid(_("support_threshold: from 1 to %d.") % MAX_THRESHOLD)
    if not 1 <= answer_days <= MAX_ANSWER_DAYS:
        raise invalid(_("answer_days: from 1 to %d.") % MAX_ANSWER_DAYS)
    with transaction.atomic():
        call = SuggestionCall.objects.create(
            unit=unit,
            area=area,
            title=title,
            description=description,
            opens_on=opens_on,
            closes_on=closes_on,
            support_threshold=support_threshold,
            answer_days=answer_days,
            created_by=user_of(actor),
        )
        audit.record(
            "deliberation.call.opened",
            actor=actor,
            target=call,
            summary=title,
            data={"unit": unit.code, "threshold": support_threshold},
        )
    return call


def close_call(call: SuggestionCall, *, actor: Any) -> SuggestionCall:
    """Close a call early: no more proposals or support; answers still follow."""
    require_moderator(actor, call.unit)
    with transaction.atomic():
        locked = SuggestionCall.objects.select_for_update().get(pk=call.pk)
        if locked.status != CallStatus.OPEN:
            raise conflict(DeliberationErrorCode.CALL_NOT_OPEN, _("This call is already closed."))
        locked.status = CallStatus.CLOSED
        locked.save(update_fields=["status", "updated_at"])
        audit.record("deliberation.call.closed", actor=actor, target=locked)
    return locked


@dataclass(frozen=True)
class ProposalDraft:
    """What a resident (or a worker, offline) writes; validated by the services."""

    title: str
    text: str
    address: str = ""
    lat: float | None = None
    lng: float | None = None
    author_name: str = ""


def _clean_draft(draft: ProposalDraft) -> dict[str, Any]:
    if (draft.lat is None) != (draft.lng is None):
        raise invalid(_("lat and lng: give both or neither."))
    if (
        draft.lat is not None
        and draft.lng is not None
        and not (-90 <= draft.lat <= 90 and -180 <= draft.lng <= 180)
    ):
        raise invalid(_("lat/lng: not a coordinate on Earth."))
    return {
        "title": clean_text(draft.title, "title", limit=MAX_TITLE),
        "text": clean_text(draft.text, "text", limit=MAX_TEXT),
        "address": clean_text(draft.address, "address", limit=300, required=False),
        "author_name": clean_text(draft.author_name, "author_name", limit=100, required=False),
        "lat": draft.lat,
        "lng": draft.lng,
    }


def check_photo(upload: UploadedFile) -> tuple[str, str]:
    """The photo's content type and extension from its first bytes; refuses anything else."""
    limit = settings.CASE_ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise DeliberationError(
            DeliberationErrorCode.PHOTO_REFUSED,
            _("photo: at most %d MB.") % (limit // 2**20),
            status=413,
        )
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    if kind is None or not kind[0].startswith("image/"):
        raise DeliberationError(
            DeliberationErrorCode.PHOTO_REFUSED,
            _("photo: only photos (JPEG, PNG, GIF, WebP, HEIC)."),
            status=415,
        )
    return kind


def _save_photos(proposal: Proposal, photos: Sequence[UploadedFile]) -> None:
    if proposal.photos.count() + len(photos) > MAX_PHOTOS:
        raise DeliberationError(
            DeliberationErrorCode.PHOTO_REFUSED, _("photo: at most %d per proposal.") % MAX_PHOTOS
        )
    for upload in photos:
        content_type, ext = check_photo(upload)
        photo = ProposalPhoto(proposal=proposal, content_type=content_type, size=upload.size or 0)
        # The stored name is ours, never the client's.
        photo.file.save(f"proposal-{proposal.pk}{ext}", upload, save=False)
        photo.save()


def submit_proposal(
    call: SuggestionCall,
    draft: ProposalDraft,
    *,
    voter: Voter,
    photos: Sequence[UploadedFile] = (),
) -> Proposal:
    """A resident's proposal (logged in or with a device token), with up to 6 photos.

    The photos are checked before anything is written; the proposal and its photos are
    stored together or not at all. Public pages never show the author's name.
    """
    fields = _clean_draft(draft)
    user, token_hash = _identity(voter)
    for upload in photos:
        check_photo(upload)
    with transaction.atomic():
        locked = SuggestionCall.objects.select_for_update().get(pk=call.pk)
        _require_accepting(locked)
        proposal = Proposal.objects.create(
            call=locked,
            channel=ProposalChannel.ONLINE,
            author=user,
            author_token_hash=token_hash,
            **fields,
        )
        _save_photos(proposal, photos)
        audit.record(
            "deliberation.proposal.submitted",
            actor=user,
            target=proposal,
            summary=fields["title"][:100],
            data={"call": call.pk, "photos": len(photos)},
        )
    return proposal


def record_offline_proposal(
    call: SuggestionCall,
    draft: ProposalDraft,
    *,
    source_note: str,
    actor: Any,
    meeting: Meeting | None = None,
) -> Proposal:
    """A suggestion collected offline (a community meeting, a visit), typed in by a worker.

    Recorded as `offline` with who entered it and where it was collected; allowed after the
    call closed too, since the collecting happened inside the period.
    """
    require_moderator(actor, call.unit)
    fields = _clean_draft(draft)
    note = clean_text(source_note, "source_note", limit=300)
    if meeting is not None and not may_moderate(actor, meeting.unit):
        raise invalid(_("meeting: not one of your units' meetings."))
    with transaction.atomic():
        proposal = Proposal.objects.create(
            call=call,
            channel=ProposalChannel.OFFLINE,
            entered_by=user_of(actor),
            source_note=note,
            meeting=meeting,
            **fields,
        )
        audit.record(
            "deliberation.proposal.entered_offline",
            actor=actor,
            target=proposal,
            summary=fields["title"][:100],
            data={"call": call.pk, "source": note, "meeting": meeting.pk if meeting else None},
        )
    return proposal


def is_author(proposal: Proposal, voter: Voter) -> bool:
    """Whether this resident (account or device) wrote the proposal."""
    user = user_of(voter.user)
    if user is not None:
        return proposal.author_id == user.pk
    return bool(voter.token_hash) and proposal.author_token_hash == voter.token_hash


def add_photos(proposal: Proposal, photos: Sequence[UploadedFile], *, voter: Voter) -> Proposal:
    """Add photos to a proposal: its author (same account or device), or the call's staff
    (e.g. photos taken at the meeting where an offline suggestion was collected)."""
    unit = proposal.call.unit
    if not (is_author(proposal, voter) or may_moderate(voter.user, unit)):
        raise forbidden(_("Only the author or the call's staff may add photos."))
    for upload in photos:
        check_photo(upload)
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        _save_photos(locked, photos)
        audit.record(
            "deliberation.proposal.photos_added",
            actor=voter.user,
            target=locked,
            data={"photos": len(photos)},
        )
    return locked


@dataclass(frozen=True)
class SupportOutcome:
    """The proposal after the support, and whether this support made an answer due."""

    proposal: Proposal
    answer_now_due: bool


def _reach_threshold(proposal: Proposal, now: dt.datetime) -> bool:
    """Move a proposal that just reached its call's threshold into `answer_required`."""
    call = proposal.call
    if proposal.status != ProposalStatus.SUBMITTED or proposal.support_count < (
        call.support_threshold
    ):
        return False
    proposal.status = ProposalStatus.ANSWER_REQUIRED
    proposal.threshold_reached_at = now
    proposal.answer_due = get_calendar().add_working_days(now, call.answer_days)
    proposal.save(update_fields=["status", "threshold_reached_at", "answer_due", "updated_at"])
    audit.record(
        "deliberation.proposal.answer_required",
        actor=None,
        target=proposal,
        summary=proposal.title[:100],
        data={"support": proposal.support_count, "due": proposal.answer_due.isoformat()},
    )
    return True


def support_proposal(proposal: Proposal, *, voter: Voter) -> SupportOutcome:
    """One resident supports a proposal once (the database refuses a second time). At the
    call's threshold the proposal needs an official answer within the call's working days."""
    user, token_hash = _identity(voter)
    now = clock.now()
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().select_related("call").get(pk=proposal.pk)
        if locked.hidden:
            raise not_found(_("No such proposal."))
        _require_accepting(locked.call)
        try:
            with transaction.atomic():
                ProposalSupport.objects.create(
                    proposal=locked, user=user, token_hash=token_hash, at=now
                )
        except IntegrityError:
            raise conflict(
                DeliberationErrorCode.ALREADY_SUPPORTED, _("You already support this proposal.")
            ) from None
        Proposal.objects.filter(pk=locked.pk).update(support_count=F("support_count") + 1)
        locked.refresh_from_db(fields=["support_count"])
        due_now = _reach_threshold(locked, now)
    # Supports are many and carry no judgement: the support rows are their log (no audit).
    return SupportOutcome(proposal=locked, answer_now_due=due_now)


def has_supported(proposal: Proposal, voter: Voter) -> bool:
    """Whether this resident already supports the proposal."""
    user = user_of(voter.user)
    if user is not None:
        return ProposalSupport.objects.filter(proposal=proposal, user=user).exists()
    if voter.token_hash:
        return ProposalSupport.objects.filter(
            proposal=proposal, token_hash=voter.token_hash
        ).exists()
    return False


def add_comment(proposal: Proposal, *, text: str, voter: Voter) -> ProposalComment:
    """A resident's comment on a visible proposal (while or after the call runs)."""
    text = clean_text(text, "text", limit=MAX_COMMENT)
    user, token_hash = _identity(voter)
    if proposal.hidden:
        raise not_found(_("No such proposal."))
    with transaction.atomic():
        comment = ProposalComment.objects.create(
            proposal=proposal, author=user, token_hash=token_hash, text=text
        )
        audit.record(
            "deliberation.comment.added",
            actor=user,
            target=comment,
            summary=text[:100],
            data={"proposal": proposal.pk},
        )
    return comment


def _set_hidden(
    item: Proposal | ProposalComment, *, hidden: bool, reason: str, actor: Any, unit: Unit
) -> None:
    require_moderator(actor, unit)
    reason = clean_text(reason, "reason", limit=MAX_REASON, required=hidden)
    if item.hidden == hidden:
        raise conflict(
            DeliberationErrorCode.ILLEGAL_TRANSITION,
            _("It is already hidden.") if hidden else _("It is not hidden."),
        )
    kind = "proposal" if isinstance(item, Proposal) else "comment"
    item.hidden = hidden
    item.hidden_reason = reason if hidden else ""
    item.hidden_by = user_of(actor) if hidden else None
    item.hidden_at = clock.now() if hidden else None
    item.save(update_fields=["hidden", "hidden_reason", "hidden_by", "hidden_at", "updated_at"])
    audit.record(
        f"deliberation.{kind}.{'hidden' if hidden else 'shown'}",
        actor=actor,
        target=item,
        summary=reason,
        data={"reason": reason},
    )


def hide_proposal(proposal: Proposal, *, reason: str, actor: Any) -> Proposal:
    """Hide a proposal from residents, with a reason moderators see (and the audit keeps)."""
    with transaction.atomic():
        locked = (
            Proposal.objects.select_for_update().select_related("call__unit").get(pk=proposal.pk)
        )
        _set_hidden(locked, hidden=True, reason=reason, actor=actor, unit=locked.call.unit)
    return locked


def show_proposal(proposal: Proposal, *, actor: Any) -> Proposal:
    """Undo a hide (e.g. after the author fixed the problem)."""
    with transaction.atomic():
        locked = (
            Proposal.objects.select_for_update().select_related("call__unit").get(pk=proposal.pk)
        )
        _set_hidden(locked, hidden=False, reason="", actor=actor, unit=locked.call.unit)
    return locked


def hide_comment(comment: ProposalComment, *, reason: str, actor: Any) -> ProposalComment:
    """Hide a comment, with a reason moderators see."""
    with transaction.atomic():
        locked = ProposalComment.objects.select_for_update().get(pk=comment.pk)
        unit = Proposal.objects.select_related("call__unit").get(pk=locked.proposal_id).call.unit
        _set_hidden(locked, hidden=True, reason=reason, actor=actor, unit=unit)
    return locked


def show_comment(comment: ProposalComment, *, actor: Any) -> ProposalComment:
    """Undo the hiding of a comment."""
    with transaction.atomic():
        locked = ProposalComment.objects.select_for_update().get(pk=comment.pk)
        unit = Proposal.objects.select_related("call__unit").get(pk=locked.proposal_id).call.unit
        _set_hidden(locked, hidden=False, reason="", actor=actor, unit=unit)
    return locked
