"""Suggestion collection (人民建议征集): calls, proposals, comments, support, answers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grassroots.core.models import TimeStampedModel

from ..enums import AnswerOutcome, CallStatus, ProposalChannel, ProposalStatus


class ImplementationStatus(models.TextChoices):
    """How far an adopted (or partly adopted) proposal has been carried out."""

    PLANNED = "planned", _("Planned")  # adopted; work not started yet
    IN_PROGRESS = "in_progress", _("In progress")  # work under way
    DONE = "done", _("Done")  # carried out; the proposal becomes `implemented`
    STALLED = "stalled", _("Stalled")  # held up; the note says why


class SuggestionCall(TimeStampedModel):
    """A unit asks residents for suggestions on a topic, for a period, in an area."""

    unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("owner unit"),
        on_delete=models.PROTECT,
        related_name="suggestion_calls",
    )
    area = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    support_threshold = models.PositiveIntegerField(_("support threshold"), default=50)
    answer_days = models.PositiveSmallIntegerField(
        _("working days to answer"),
        default=15,
        help_text=_("Once a proposal reaches the threshold, the unit must answer within these."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CallStatus.choices, default=CallStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("call for suggestions")
        verbose_name_plural = _("calls for suggestions")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="call_period_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(support_threshold__gte=1), name="call_threshold_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Proposal(TimeStampedModel):
    """A resident's suggestion in answer to a call; collected online, offline or from a case."""

    call = models.ForeignKey(
        SuggestionCall, verbose_name=_("call"), on_delete=models.CASCADE, related_name="proposals"
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    address = models.CharField(_("place"), max_length=300, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author_name = models.CharField(_("author name"), max_length=100, blank=True)
    author_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    channel = models.CharField(_("channel"), max_length=16, choices=ProposalChannel.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_note = models.CharField(
        _("where it was collected"),
        max_length=300,
        blank=True,
        help_text=_("For offline entry: the meeting or event, and when."),
    )
    meeting = models.ForeignKey(
        "deliberation.Meeting",
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="collected_proposals",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default="submitted"
    )
    support_count = models.PositiveIntegerField(_("support"), default=0)
    threshold_reached_at = models.DateTimeField(_("threshold reached at"), null=True, blank=True)
    answer_due = models.DateTimeField(_("answer due"), null=True, blank=True)
    hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=AnswerOutcome.choices, blank=True
    )
    answer = models.TextField(_("official answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    follow_through = models.TextField(_("follow-through"), blank=True)
    implementation = models.CharField(
        _("implementation"), max_length=16, choices=ImplementationStatus.choices, blank=True
    )
    implemented_at = models.DateTimeField(_("implemented at"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-support_count", "-id"]
        constraints = [
            # A case is linked to at most one proposal (made from it, or made into it).
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(case__isnull=False), name="proposal_case_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["call", "hidden", "-support_count"], name="proposal_call_rank_idx"
            ),
            models.Index(fields=["status", "answer_due"], name="proposal_due_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class ProposalUpdate(TimeStampedModel):
    """One step of the follow-through after the answer: the implementation state and a note,
    shown to residents on the proposal page."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="updates")
    implementation = models.CharField(
        _("implementation"), max_length=16, choices=ImplementationStatus.choices
    )
    note = models.TextField(_("note"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("follow-through update")
        verbose_name_plural = _("follow-through updates")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.implementation}"


class ProposalPhoto(TimeStampedModel):
    """A photo of a proposal, checked by content (the cases app's signatures), stored under a
    name of ours and served through a view that checks the proposal is visible."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("file"), upload_to="deliberation/%Y/%m/")
    content_type = models.CharField(_("content type"), max_length=100, default="image/jpeg")
    size = models.PositiveIntegerField(_("size"), default=0)

    class Meta:
        verbose_name = _("proposal photo")
        verbose_name_plural = _("proposal photos")
        ordering = ["id"]


class ProposalComment(TimeStampedModel):
    """A comment on a proposal; moderators may hide it with a reason."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token_hash = models.CharField(max_length=64, blank=True, editable=False)
    text = models.TextField(_("text"))
    hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["id"]


class ProposalSupport(models.Model):
    """One resident supports one proposal, once: a logged-in user, or an anonymous device
    (its token stored hashed). The database refuses a second support from either."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    token_hash = models.CharField(max_length=64, blank=True, editable=False)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "user"],
                condition=models.Q(user__isnull=False),
                name="support_unique",
            ),
            models.UniqueConstraint(
                fields=["proposal", "token_hash"],
                condition=~models.Q(token_hash=""),
                name="support_token_unique",
            ),
            # Exactly one of the two identifies the supporter.
            models.CheckConstraint(
                condition=(models.Q(user__isnull=False) & models.Q(token_hash=""))
                | (models.Q(user__isnull=True) & ~models.Q(token_hash="")),
                name="support_one_identity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id or self.token_hash[:8]} → {self.proposal_id}"
