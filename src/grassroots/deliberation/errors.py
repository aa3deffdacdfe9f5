"""Errors the deliberation services raise; clients switch on the code."""

from __future__ import annotations

from enum import StrEnum

from grassroots.core.errors import DomainError


class DeliberationErrorCode(StrEnum):
    NOT_FOUND = "deliberation_not_found"  # no such conversation/statement/call, or not visible
    FORBIDDEN = "deliberation_forbidden"  # the user sees it but may not do this
    INVALID = "invalid_deliberation_input"  # input that does not validate (field in message)
    CLOSED = "conversation_closed"  # the conversation or call no longer accepts this
    NOT_VOTABLE = "statement_not_votable"  # the statement is pending in strict mode or rejected
    NO_PARTICIPANT = "participant_required"  # neither a login nor a device token was sent
    ALREADY_SUPPORTED = "already_supported"  # one support per person and proposal
    ILLEGAL_TRANSITION = "illegal_transition"  # the action does not apply in the current state
    # Suggestion collection and meetings
    CALL_NOT_OPEN = "call_not_open"  # the call is closed or outside its period
    ALREADY_ANSWERED = "proposal_already_answered"  # the official answer is given once
    NOT_ADOPTED = "proposal_not_adopted"  # follow-through applies only to adopted proposals
    ALREADY_LINKED = "proposal_case_linked"  # the proposal or the case is already linked
    CASE_CONFIDENTIAL = "case_confidential"  # a confidential case is never made public
    PHOTO_REFUSED = "photo_refused"  # not a photo, too big, or too many
    RATE_LIMITED = "rate_limited"  # too many anonymous submissions from one address
    MEETING_NOT_PLANNED = "meeting_not_planned"  # held or cancelled meetings do not change
    DECISION_FINISHED = "decision_finished"  # a done or dropped decision takes no more updates


class DeliberationError(DomainError):
    status = 422


def not_found(message: str) -> DeliberationError:
    """A 404 in the deliberation vocabulary."""
    return DeliberationError(DeliberationErrorCode.NOT_FOUND, message, status=404)


def forbidden(message: str) -> DeliberationError:
    """A 403 in the deliberation vocabulary."""
    return DeliberationError(DeliberationErrorCode.FORBIDDEN, message, status=403)


def invalid(message: str) -> DeliberationError:
    """A 422 for input that does not validate."""
    return DeliberationError(DeliberationErrorCode.INVALID, message)


def conflict(code: DeliberationErrorCode, message: str) -> DeliberationError:
    """A 409: the request conflicts with the current state."""
    return DeliberationError(code, message, status=409)
