"""What triage stores: classifier models, the rules a deployment edits, proposals, overrides.

A `Suggestion` is triage's proposal for one case (category, urgency, unit, duplicates), each
part with a confidence and a reason a dispatcher can read. An `Override` records a dispatcher
who sent a case elsewhere than proposed: the learned routing reads it back.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grassroots.cases.enums import Priority
from grassroots.cases.models import Case, CaseEvent, Category
from grassroots.core.models import TimeStampedModel
from grassroots.organizations.models import Unit

from .enums import AutoAction, Language, OverrideKind, RoutingLevel, RoutingSource


class ClassifierModel(TimeStampedModel):
    """A trained text classifier on disk, with what it says about itself; one is active."""

    version = models.CharField(_("version"), max_length=64, unique=True)
    # Relative to TRIAGE_MODEL_DIR, or `builtin:<name>` for a model shipped with the code.
    path = models.CharField(_("file"), max_length=300)
    trained_at = models.DateTimeField(_("trained at"))
    rows = models.PositiveIntegerField(_("training rows"))
    source = models.CharField(_("training data"), max_length=300, blank=True)
    classes = models.JSONField(_("classes"), default=list)
    metrics = models.JSONField(_("cross-validated metrics"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=False)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("classifier model")
        verbose_name_plural = _("classifier models")
        ordering = ["-trained_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="triage_one_active_model",
            ),
        ]

    def __str__(self) -> str:
        return self.version


class UrgencyRule(TimeStampedModel):
    """A phrase that makes a case urgent or an emergency (gas leak, 燃气泄漏, someone trapped)."""

    phrase = models.CharField(_("phrase"), max_length=100)
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, blank=True, default=Language.ANY
    )
    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("urgency rule")
        verbose_name_plural = _("urgency rules")
        ordering = ["phrase"]
        constraints = [
            models.UniqueConstraint(fields=["phrase", "language"], name="triage_urgency_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.phrase} → {self.priority}"


class RoutingRule(TimeStampedModel):
    """The responsibility matrix: which level (or which department) acts on a category.

    For a territorial level, the case's place decides the unit: the unit of that level that
    contains the place. A rule on a parent category applies to its children without a rule.
    """

    category = models.OneToOneField(
        Category,
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        related_name="routing_rule",
    )
    level = models.CharField(_("acting level"), max_length=16, choices=RoutingLevel.choices)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(level=RoutingLevel.DEPARTMENT, unit__isnull=False)
                    | (~models.Q(level=RoutingLevel.DEPARTMENT) & models.Q(unit__isnull=True))
                ),
                name="triage_routing_department_has_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category_id} → {self.unit_id or self.level}"


class Suggestion(models.Model):
    """Triage's latest proposal for a case; recomputed in place."""

    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="suggestion"
    )
    model_version = models.CharField(_("model version"), max_length=64, blank=True)
    category_label = models.CharField(_("proposed label"), max_length=200, blank=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("proposed category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    category_confidence = models.FloatField(_("category confidence"), default=0.0)
    category_top = models.JSONField(_("top categories"), default=list, blank=True)
    explanation = models.JSONField(_("explanation"), default=list, blank=True)
    # Reasons are data (code + parameters, see reasons.py), worded in the reader's language.
    category_reasons = models.JSONField(_("category reasons"), default=list, blank=True)
    priority = models.CharField(_("proposed priority"), max_length=16, choices=Priority.choices)
    urgency_reasons = models.JSONField(_("urgency reasons"), default=list, blank=True)
    urgency_probability = models.FloatField(_("emergency score"), default=0.0)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("proposed unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit_confidence = models.FloatField(_("unit confidence"), default=0.0)
    unit_source = models.CharField(
        _("routing source"), max_length=16, choices=RoutingSource.choices, blank=True
    )
    unit_reasons = models.JSONField(_("routing reasons"), default=list, blank=True)
    alternatives = models.JSONField(_("other units"), default=list, blank=True)
    duplicates = models.JSONField(_("likely duplicates"), default=list, blank=True)
    auto_action = models.CharField(
        _("automatic action"), max_length=16, choices=AutoAction.choices, blank=True
    )
    # The last timeline event (CaseEvent id) compared with this proposal: dispatcher decisions
    # after it are still to be read by the sweep (feedback.py).
    feedback_upto = models.PositiveBigIntegerField(_("events compared up to"), default=0)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")

    def __str__(self) -> str:
        return f"suggestion for {self.case_id}"


class TimelineNote(models.Model):
    """What triage said on a timeline event it wrote (automatic dispatch, merge, raised
    priority), as data: the case page words it in the reader's language. The event's own note
    holds the same words in the deployment's language, for readers that are not triage's."""

    event = models.OneToOneField(
        CaseEvent, verbose_name=_("event"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.JSONField(_("reason"), default=dict)

    class Meta:
        verbose_name = _("triage timeline note")
        verbose_name_plural = _("triage timeline notes")

    def __str__(self) -> str:
        return f"note on event {self.event_id}"


class Override(models.Model):
    """A person decided otherwise than triage proposed: sent the case to another unit, or
    put it in another category. Read back for retraining (`feedback.training_rows`)."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=OverrideKind.choices, default=OverrideKind.UNIT
    )
    # The timeline event that carried the decision: one override per event at most.
    event = models.OneToOneField(
        CaseEvent,
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    suggested_unit = models.ForeignKey(
        Unit,
        verbose_name=_("proposed unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    chosen_unit = models.ForeignKey(
        Unit,
        verbose_name=_("chosen unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    suggested_category = models.CharField(_("proposed label"), max_length=200, blank=True)
    # The case's category after the decision (the one chosen, for a category override).
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        verbose_name = _("dispatcher override")
        verbose_name_plural = _("dispatcher overrides")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        if self.kind == OverrideKind.CATEGORY:
            return f"{self.case_id}: {self.suggested_category} → {self.category_id}"
        return f"{self.case_id}: {self.suggested_unit_id} → {self.chosen_unit_id}"
