"""The unit's side of suggestion collection: the official answer, its follow-through, and the
links with hotline cases (a proposal becomes a case; a case is promoted to a proposal).

Cases are changed only through the cases app's own services (ADR 0006: deliberation may
depend on cases, never the reverse).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from grassroots.cases import services as case_services
from grassroots.cases.enums import CaseKind, Channel
from grassroots.cases.models import Case
from grassroots.cases.permissions import access_case
from grassroots.core import audit, clock

from ..enums import AnswerOutcome, ProposalChannel, ProposalStatus
from ..errors import DeliberationErrorCode, conflict, invalid
from ..models import Proposal, ProposalUpdate, SuggestionCall
from ..models.suggestions import ImplementationStatus
from ..permissions import moderated_q, require_moderator
from ._common import clean_text, user_of
from .suggestions import MAX_TEXT, MAX_TITLE

ADOPTED = (AnswerOutcome.ADOPTED, AnswerOutcome.PARTLY_ADOPTED)
ANSWERABLE = (ProposalStatus.SUBMITTED, ProposalStatus.ANSWER_REQUIRED)


def _lock(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().select_related("call__unit").get(pk=proposal.pk)


def answer_proposal(proposal: Proposal, *, outcome: str, answer: str, actor: Any) -> Proposal:
    """The unit's official answer: adopted, partly adopted or not adopted, with its reasons.

    Given once; an adopted (or partly adopted) proposal then starts its follow-through as
    `planned`. Staff may answer before the support threshold too.
    """
    if outcome not in AnswerOutcome.values:
        raise invalid(_("outcome: one of %s.") % ", ".join(AnswerOutcome.values))
    answer = clean_text(answer, "answer", limit=MAX_TEXT)
    with transaction.atomic():
        locked = _lock(proposal)
        require_moderator(actor, locked.call.unit)
        if locked.status not in ANSWERABLE:
            raise conflict(
                DeliberationErrorCode.ALREADY_ANSWERED, _("This proposal is already answered.")
            )
        now = clock.now()
        was_due, due = locked.status == ProposalStatus.ANSWER_REQUIRED, locked.answer_due
        locked.status = ProposalStatus.ANSWERED
        locked.outcome = outcome
        locked.answer = answer
        locked.answered_by = user_of(actor)
        locked.answered_at = now
        locked.implementation = ImplementationStatus.PLANNED if outcome in ADOPTED else ""
        locked.save()
        audit.record(
            "deliberation.proposal.answered",
            actor=actor,
            target=locked,
            summary=answer[:100],
            data={
                "outcome": outcome,
                "was_due": was_due,
                "late": bool(was_due and due is not None and now > due),
            },
        )
    return locked


def update_implementation(
    proposal: Proposal, *, implementation: str, note: str, actor: Any
) -> ProposalUpdate:
    """A follow-through step of an adopted proposal; `done` marks it implemented."""
    if implementation not in ImplementationStatus.values:
        raise invalid(_("implementation: one of %s.") % ", ".join(ImplementationStatus.values))
    note = clean_text(note, "note", limit=MAX_TEXT)
    with transaction.atomic():
        locked = _lock(proposal)
        require_moderator(actor, locked.call.unit)
        if locked.outcome not in ADOPTED:
            raise conflict(
                DeliberationErrorCode.NOT_ADOPTED,
                _("Only an adopted or partly adopted proposal is followed through."),
            )
        if locked.status == ProposalStatus.IMPLEMENTED:
            raise conflict(
                DeliberationErrorCode.ILLEGAL_TRANSITION, _("This proposal is already carried out.")
            )
        update = ProposalUpdate.objects.create(
            proposal=locked, implementation=implementation, note=note, by=user_of(actor)
        )
        locked.implementation = implementation
        locked.follow_through = note
        if implementation == ImplementationStatus.DONE:
            locked.status = ProposalStatus.IMPLEMENTED
            locked.implemented_at = clock.now()
        locked.save()
        audit.record(
            "deliberation.proposal.followed_through",
            actor=actor,
            target=locked,
            summary=note[:100],
            data={"implementation": implementation},
        )
    return update


def proposal_to_case(proposal: Proposal, *, actor: Any) -> Case:
    """Turn a proposal into a hotline case (kind `suggestion`) through the cases intake.

    The case carries the proposal's text and place but no resident identity (the proposal's
    author may be anonymous); retrying gives the same case (idempotency key per proposal).
    """
    with transaction.atomic():
        locked = _lock(proposal)
        require_moderator(actor, locked.call.unit)
        if locked.case_id is not None:
            raise conflict(
                DeliberationErrorCode.ALREADY_LINKED,
                _("This proposal is already linked to a case."),
            )
        draft = case_services.CaseDraft(
            kind=CaseKind.SUGGESTION,
            subject=locked.title,
            description=locked.text,
            channel=Channel.WEB,
            channel_detail=f"deliberation:proposal:{locked.pk}",
            lat=locked.lat,
            lng=locked.lng,
            address=locked.address,
            anonymous=True,
        )
        result = case_services.submit_case(
            draft, actor=actor, idempotency_key=f"deliberation-proposal-{locked.pk}"
        )
        locked.case = result.case
        locked.save(update_fields=["case", "updated_at"])
        audit.record(
            "deliberation.proposal.made_case",
            actor=actor,
            target=locked,
            summary=result.case.tracking_code,
            data={"case": result.case.pk},
        )
    return result.case


def promote_case(
    case_id: int, *, call: SuggestionCall, actor: Any, title: str = "", text: str = ""
) -> Proposal:
    """Promote a case the actor can see into a proposal of one of the actor's calls.

    The staff member may rewrite title and text (the case's own words may name people); the
    resident's identity never comes along, and confidential cases are refused outright.
    """
    case = access_case(actor, case_id)
    require_moderator(actor, call.unit)
    if case.confidential:
        raise conflict(
            DeliberationErrorCode.CASE_CONFIDENTIAL,
            _("A confidential case cannot become a public proposal."),
        )
    title = clean_text(title or case.subject, "title", limit=MAX_TITLE)
    text = clean_text(text or case.description or case.subject, "text", limit=MAX_TEXT)
    with transaction.atomic():
        if Proposal.objects.select_for_update().filter(case=case).exists():
            raise conflict(
                DeliberationErrorCode.ALREADY_LINKED,
                _("This case is already linked to a proposal."),
            )
        proposal = Proposal.objects.create(
            call=call,
            title=title,
            text=text,
            address=case.address,
            lat=case.lat,
            lng=case.lng,
            channel=ProposalChannel.CASE,
            entered_by=user_of(actor),
            source_note=case.tracking_code,
            case=case,
        )
        audit.record(
            "deliberation.proposal.promoted_from_case",
            actor=actor,
            target=proposal,
            summary=case.tracking_code,
            data={"case": case.pk, "call": call.pk},
        )
    return proposal


def answers_due(user: Any) -> QuerySet[Proposal]:
    """The unit's to-do: visible proposals past the threshold and not yet answered, in the
    user's moderated units, earliest deadline first."""
    return (
        Proposal.objects.filter(moderated_q(user, field="call__unit"))
        .filter(status=ProposalStatus.ANSWER_REQUIRED, hidden=False)
        .select_related("call__unit")
        .order_by("answer_due", "id")
    )


def moderation_queue(user: Any, *, hidden: bool | None = None) -> QuerySet[Proposal]:
    """Proposals of the user's moderated calls (optionally only hidden or only shown)."""
    qs = Proposal.objects.filter(moderated_q(user, field="call__unit")).select_related("call")
    return qs if hidden is None else qs.filter(Q(hidden=hidden))
