"""A resident's request from intake to closure, its timeline and the people behind it.

The resident's identity is kept apart from the case (`Resident`), so that lists, exports and
the API can carry the case without the person; it is shown masked unless the viewer's role
needs it, and every full view is logged.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from grassroots.core.models import TimeStampedModel
from grassroots.organizations.models import Unit

from .enums import (
    AssignmentRole,
    AssignmentStatus,
    AssignmentVia,
    CaseEventType,
    CaseKind,
    CaseStatus,
    Channel,
    DeadlineUnit,
    ExtensionStatus,
    Priority,
    Satisfaction,
)
from .querysets import CaseQuerySet


class Category(TimeStampedModel):
    """A node of the category tree the deployment edits (e.g. Environment › Noise)."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    description = models.TextField(_("description"), blank=True)
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def name(self) -> str:
        return self.name_zh if (get_language() or "").startswith("zh") else self.name_en


class DeadlinePolicy(TimeStampedModel):
    """How long a unit has to respond and to resolve, for a category (or all) and a priority.

    The most specific policy wins: category and priority, then the category's ancestors, then
    the default (no category) for that priority.
    """

    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deadline_policies",
    )
    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices)
    respond_within = models.FloatField(_("respond within"))
    respond_unit = models.CharField(
        _("respond unit"),
        max_length=16,
        choices=DeadlineUnit.choices,
        default=DeadlineUnit.WORKING_HOURS,
    )
    resolve_within = models.FloatField(_("resolve within"))
    resolve_unit = models.CharField(
        _("resolve unit"),
        max_length=16,
        choices=DeadlineUnit.choices,
        default=DeadlineUnit.WORKING_DAYS,
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        constraints = [
            models.UniqueConstraint(fields=["category", "priority"], name="deadline_policy_unique"),
            models.UniqueConstraint(
                fields=["priority"],
                condition=models.Q(category__isnull=True),
                name="deadline_policy_default_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category or '*'} / {self.priority}"


class Resident(TimeStampedModel):
    """The person behind one or more cases. Never shown unmasked without a logged reason."""

    name = models.CharField(_("name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, db_index=True)
    id_number = models.CharField(_("ID number"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resident_profiles",
    )
    # Set when the retention period erased the person's data (cases/services/retention.py).
    erased_at = models.DateTimeField(_("personal data erased at"), null=True, editable=False)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")

    def __str__(self) -> str:
        return f"resident#{self.pk}"


class Case(TimeStampedModel):
    """One resident's request (工单)."""

    tracking_code = models.CharField(_("tracking code"), max_length=20, unique=True)
    secret = models.CharField(_("secret"), max_length=16)
    kind = models.CharField(_("kind"), max_length=16, choices=CaseKind.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    channel_detail = models.CharField(_("channel detail"), max_length=100, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    priority = models.CharField(
        _("priority"), max_length=16, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.RECEIVED
    )
    # Where: a WGS84 point and/or an address; `place_unit` is the deepest unit containing it.
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    place_unit = models.ForeignKey(
        Unit,
        verbose_name=_("place"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases_located",
    )
    # Who handles it: the lead unit (supporting units are in CaseAssignment).
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("handling unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    resident = models.ForeignKey(
        Resident,
        verbose_name=_("resident"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    anonymous = models.BooleanField(_("anonymous"), default=False)
    confidential = models.BooleanField(_("confidential"), default=False)

    received_at = models.DateTimeField(_("received at"), db_index=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    respond_due = models.DateTimeField(_("respond by"), null=True, blank=True)
    resolve_due = models.DateTimeField(_("resolve by"), null=True, blank=True)

    reply = models.TextField(_("reply"), blank=True)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    resolved = models.BooleanField(_("resolved (resident)"), null=True, blank=True)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=16, choices=Satisfaction.choices, blank=True
    )
    followup_comment = models.TextField(_("follow-up comment"), blank=True)
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)

    parent = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_cases",
    )
    return_count = models.PositiveSmallIntegerField(_("returns"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("reopens"), default=0)
    supervise_count = models.PositiveSmallIntegerField(_("supervisions"), default=0)
    reminded_respond = models.BooleanField(default=False, editable=False)
    reminded_resolve = models.BooleanField(default=False, editable=False)
    # The sweep's one-shot claims (cases/tasks.py, ADR 0005). `escalated` is the resolve
    # deadline's: it kept its name when the respond deadline got its own flag, to spare a column
    # rename in the code, the data and the benches that read it.
    escalated = models.BooleanField(_("escalated"), default=False)
    escalated_respond = models.BooleanField(
        _("escalated: no first contact in time"), default=False, editable=False
    )
    # Set when the retention period erased the address and coarsened the point (retention.py).
    erased_at = models.DateTimeField(_("personal data erased at"), null=True, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["status", "received_at"], name="case_status_received_idx"),
            models.Index(fields=["unit", "status"], name="case_unit_status_idx"),
            models.Index(fields=["status", "resolve_due"], name="case_status_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.subject}"


class CaseAssignment(TimeStampedModel):
    """A unit's share of a case: the lead, or a supporting unit with its own part."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(_("role"), max_length=16, choices=AssignmentRole.choices)
    via = models.CharField(_("via"), max_length=16, choices=AssignmentVia.choices)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.PENDING,
    )
    part = models.TextField(_("part to handle"), blank=True)
    result = models.TextField(_("result"), blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        indexes = [models.Index(fields=["unit", "status"], name="assignment_unit_status_idx")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.unit_id}:{self.role}"


class ExtensionRequest(TimeStampedModel):
    """A unit asks for more time; a supervisor approves or denies."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="extensions"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    working_days = models.PositiveSmallIntegerField(_("working days"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ExtensionStatus.choices,
        default=ExtensionStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")


class CaseEvent(models.Model):
    """One immutable step in a case's timeline: who, when, what, why.

    `public_note` is the resident-safe wording; events with `public=False` are staff-only.
    """

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events"
    )
    type = models.CharField(_("type"), max_length=32, choices=CaseEventType.choices)
    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("actor label"), max_length=150, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_status = models.CharField(_("from"), max_length=16, blank=True)
    to_status = models.CharField(_("to"), max_length=16, blank=True)
    note = models.TextField(_("note"), blank=True)
    public = models.BooleanField(_("shown to the resident"), default=True)
    public_note = models.TextField(_("note for the resident"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.type} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Only ever a new row: an event that exists is not written again (the database's
        trigger refuses it too, migration 0010)."""
        if not self._state.adding:
            raise CaseEventImmutable("a timeline event cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise CaseEventImmutable("a timeline event cannot be deleted")


class CaseEventImmutable(Exception):
    """An attempt to change or delete a timeline event (a programming error, not input)."""


class IdempotencyRecord(models.Model):
    """A submission key seen before, so that a retried intake returns the same case."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")

    def __str__(self) -> str:
        return self.key


class Attachment(TimeStampedModel):
    """A photo or file of a case, stored outside the web root and served only to those allowed."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="cases/%Y/%m/")
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    original_name = models.CharField(_("original name"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    public = models.BooleanField(_("shown to the resident"), default=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
