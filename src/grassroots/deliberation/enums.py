"""The vocabulary of deliberation: conversations, statements, votes, suggestions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ConversationStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("conversation status", "Open")  # votes and statements welcome
    CLOSED = "closed", pgettext_lazy("conversation status", "Closed")  # read-only; results stay


class ModerationMode(models.TextChoices):
    STRICT = "strict", pgettext_lazy("moderation", "Strict")  # shown only once accepted
    OPEN = "open", pgettext_lazy("moderation", "Open")  # shown until a moderator rejects them


class StatementStatus(models.TextChoices):
    SEED = "seed", _("Seed")  # written by a moderator when opening the conversation
    PENDING = "pending", _("Pending")  # added by a participant, awaiting moderation
    ACCEPTED = "accepted", _("Accepted")  # shown to participants
    REJECTED = "rejected", _("Rejected")  # moderated out: hidden and left out of the math


class Vote(models.IntegerChoices):
    AGREE = 1, _("Agree")
    DISAGREE = -1, _("Disagree")
    PASS = 0, _("Pass")  # seen, no opinion


class CallStatus(models.TextChoices):
    OPEN = "open", _("Open")  # accepting proposals
    CLOSED = "closed", _("Closed")  # period over; answers may still come


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")  # visible, collecting support
    ANSWER_REQUIRED = "answer_required", _("Answer required")  # support reached the threshold
    ANSWERED = "answered", _("Answered")  # the unit gave its official answer
    IMPLEMENTED = "implemented", _("Implemented")  # the adopted measure is done


class AnswerOutcome(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")  # 采纳
    PARTLY_ADOPTED = "partly_adopted", _("Partly adopted")  # 部分采纳
    NOT_ADOPTED = "not_adopted", _("Not adopted")  # 不予采纳, with reasons


class ProposalChannel(models.TextChoices):
    ONLINE = "online", _("Online")  # written by the resident
    OFFLINE = "offline", _("Offline")  # collected at a meeting, typed in by a worker
    CASE = "case", _("From a case")  # promoted from a hotline case
