"""Suggestion collection (人民建议征集): calls, proposals, comments, support, answers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grassroots.core.models import TimeStampedModel

from ..enums import AnswerOutcome, CallStatus, ProposalChannel, ProposalStatus


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
    channel = models.CharField(_("channel"), max_length=16, choices=ProposalChannel.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default="submitted"
    )
    support_count = models.PositiveIntegerField(_("support"), default=0)
    hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
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
    implemented_at = models.DateTimeField(_("implemented at"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-support_count", "-id"]

    def __str__(self) -> str:
        return self.title


class ProposalPhoto(TimeStampedModel):
    """A photo attached to a proposal."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("file"), upload_to="deliberation/%Y/%m/")


class ProposalComment(TimeStampedModel):
    """A comment on a proposal; moderators may hide it with a reason."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("text"))
    hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["id"]


class ProposalSupport(models.Model):
    """One resident supports one proposal, once."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="support_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.proposal_id}"
