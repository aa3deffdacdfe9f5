"""The case state machine, explicit: which action applies in which state, and where it leads.

Services consult `require(action, case)` before changing anything, so an illegal step is a
`CaseError(ILLEGAL_TRANSITION)` and changes nothing.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .enums import CaseStatus as S
from .errors import CaseError, CaseErrorCode


class Action(StrEnum):
    DISPATCH = "dispatch"
    ACCEPT = "accept"
    RETURN = "return"
    TRANSFER = "transfer"
    COHANDLE = "cohandle"
    SUMMON = "summon"
    PART_DONE = "part-done"
    EXTEND = "extend"
    APPROVE_EXTENSION = "approve-extension"
    SUPERVISE = "supervise"
    REPLY = "reply"
    FOLLOW_UP = "follow-up"
    REOPEN = "reopen"
    CLOSE = "close"
    MERGE = "merge"
    REJECT = "reject"


# What people call each action, for messages (the console's buttons say the same things).
ACTION_LABELS: dict[Action, Promise] = {
    Action.DISPATCH: gettext_lazy("Dispatch"),
    Action.ACCEPT: gettext_lazy("Accept"),
    Action.RETURN: gettext_lazy("Return to dispatch"),
    Action.TRANSFER: gettext_lazy("Transfer"),
    Action.COHANDLE: gettext_lazy("Co-handle"),
    Action.SUMMON: gettext_lazy("Summon"),
    Action.PART_DONE: gettext_lazy("Part done"),
    Action.EXTEND: gettext_lazy("Ask for more time"),
    Action.APPROVE_EXTENSION: gettext_lazy("Decide the extension"),
    Action.SUPERVISE: gettext_lazy("Supervise"),
    Action.REPLY: gettext_lazy("Reply"),
    Action.FOLLOW_UP: gettext_lazy("Record the follow-up call"),
    Action.REOPEN: gettext_lazy("Reopen"),
    Action.CLOSE: gettext_lazy("Close"),
    Action.MERGE: gettext_lazy("Merge into another case"),
    Action.REJECT: gettext_lazy("Reject"),
}

_HANDLING = frozenset({S.DISPATCHED, S.ACCEPTED})
_OPEN_UNANSWERED = frozenset({S.RECEIVED, S.DISPATCHED, S.ACCEPTED})

# action -> (states it applies in, the state it leads to; None = the state does not change)
TRANSITIONS: dict[Action, tuple[frozenset[S], S | None]] = {
    Action.DISPATCH: (frozenset({S.RECEIVED}), S.DISPATCHED),
    Action.ACCEPT: (frozenset({S.DISPATCHED}), S.ACCEPTED),
    Action.RETURN: (_HANDLING, S.RECEIVED),
    Action.TRANSFER: (_HANDLING, S.DISPATCHED),
    Action.COHANDLE: (_HANDLING, None),
    Action.SUMMON: (_HANDLING, None),
    Action.PART_DONE: (_HANDLING, None),
    Action.EXTEND: (_HANDLING, None),
    Action.APPROVE_EXTENSION: (_HANDLING, None),
    Action.SUPERVISE: (_OPEN_UNANSWERED, None),
    Action.REPLY: (frozenset({S.ACCEPTED}), S.REPLIED),
    Action.FOLLOW_UP: (frozenset({S.REPLIED}), S.FOLLOWED_UP),
    Action.REOPEN: (frozenset({S.REPLIED, S.FOLLOWED_UP, S.CLOSED}), S.ACCEPTED),
    Action.CLOSE: (frozenset({S.REPLIED, S.FOLLOWED_UP}), S.CLOSED),
    Action.MERGE: (_OPEN_UNANSWERED, S.MERGED),
    Action.REJECT: (frozenset({S.RECEIVED}), S.REJECTED),
}


def allowed_in(action: Action, status: str) -> bool:
    return status in TRANSITIONS[action][0]


def require(action: Action, status: str) -> S | None:
    """The state `action` leads to from `status`; an illegal step raises and changes nothing."""
    states, target = TRANSITIONS[action]
    if status not in states:
        raise CaseError(
            CaseErrorCode.ILLEGAL_TRANSITION,
            _("“%(action)s” is not possible while the case is “%(status)s”.")
            % {"action": ACTION_LABELS[action], "status": S(status).label},
            status=409,
        )
    return target


def actions_in(status: str) -> list[Action]:
    """Every action that applies in `status` (before asking who may take it)."""
    return [a for a, (states, _t) in TRANSITIONS.items() if status in states]
