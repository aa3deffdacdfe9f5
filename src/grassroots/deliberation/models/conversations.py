"""Polis-style conversations: statements, participants, votes and the stored math."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grassroots.core.models import TimeStampedModel

from ..enums import ConversationStatus, ModerationMode, StatementStatus, Vote


class Conversation(TimeStampedModel):
    """One question put to residents; owned by the unit whose staff moderate it.

    `math_requested` debounces the background recompute: a burst of votes enqueues one task;
    `math_requested_at` is when that request was made (a request older than
    `tasks.STALE_REQUEST` was lost and may be made again). It has its own column because
    `updated_at` moves with every edit of the conversation.
    """

    unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("owner unit"),
        on_delete=models.PROTECT,
        related_name="conversations",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ConversationStatus.choices, default="open"
    )
    moderation = models.CharField(
        _("moderation"), max_length=16, choices=ModerationMode.choices, default="strict"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    math_requested = models.BooleanField(default=False, editable=False)
    math_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    source = models.CharField(_("source"), max_length=300, blank=True)  # e.g. an import path

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Participant(TimeStampedModel):
    """Someone taking part: a logged-in user, or an anonymous device (token stored hashed).

    `number` is the participant's id inside the conversation (Polis's `pid`, kept on import).
    """

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    number = models.PositiveIntegerField(_("number"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    token_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "number"], name="participant_number_unique"
            ),
            models.UniqueConstraint(
                fields=["conversation", "user"],
                condition=models.Q(user__isnull=False),
                name="participant_user_unique",
            ),
            models.UniqueConstraint(
                fields=["conversation", "token_hash"],
                condition=~models.Q(token_hash=""),
                name="participant_token_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}#{self.number}"


class Statement(TimeStampedModel):
    """A short statement participants vote on. `number` is Polis's `tid` (kept on import)."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="statements"
    )
    number = models.PositiveIntegerField(_("number"))
    text = models.TextField(_("text"))
    author = models.ForeignKey(
        Participant,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="statements",
    )
    status = models.CharField(_("status"), max_length=16, choices=StatementStatus.choices)
    is_meta = models.BooleanField(_("meta statement"), default=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "number"], name="statement_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class ParticipantVote(models.Model):
    """The current vote of a participant on a statement (the last one cast wins)."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(_("vote"), choices=Vote.choices)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["participant", "statement"], name="vote_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id}:{self.statement_id}={self.value}"


class VoteEvent(models.Model):
    """Every vote ever cast, in order: the history Polis exports as votes.csv, and the log
    engines in other processes catch up from (by id)."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="+")
    value = models.SmallIntegerField(_("vote"), choices=Vote.choices)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("vote event")
        verbose_name_plural = _("vote events")
        indexes = [models.Index(fields=["conversation", "id"], name="voteevent_conv_id_idx")]

    def __str__(self) -> str:
        return f"{self.participant_id}:{self.statement_id}={self.value}@{self.at:%Y-%m-%d}"


class ConversationMath(models.Model):
    """The latest full math of a conversation (`MathResult.to_dict()`), written by the
    background recompute; `version` increases with every write, `vote_seq` is the last
    VoteEvent id it includes."""

    conversation = models.OneToOneField(
        Conversation, on_delete=models.CASCADE, primary_key=True, related_name="math"
    )
    version = models.PositiveIntegerField(default=0)
    vote_seq = models.BigIntegerField(default=0)
    data = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("conversation math")
        verbose_name_plural = _("conversation math")

    def __str__(self) -> str:
        return f"{self.conversation_id} v{self.version}"
