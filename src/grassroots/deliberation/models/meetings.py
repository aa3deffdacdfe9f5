"""Deliberation meetings (议事会): residents and officials discuss one local issue and decide.

A meeting has an agenda, participants and minutes; each decision has an owner unit, a due
date and a status, and is followed to completion through dated notes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core.models import TimeStampedModel


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("meeting", "Planned")  # agenda and participants set up
    HELD = "held", _("Held")  # took place; minutes recorded
    CANCELLED = "cancelled", _("Cancelled")  # called off, with a reason in the minutes


class DecisionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("decision", "Open")  # decided, nothing done yet
    IN_PROGRESS = "in_progress", _("In progress")  # the owner unit is working on it
    DONE = "done", _("Done")  # carried out
    DROPPED = "dropped", _("Dropped")  # will not be carried out; the note says why


DECISION_FINISHED = (DecisionStatus.DONE, DecisionStatus.DROPPED)


class ParticipantRole(models.TextChoices):
    RESIDENT = "resident", pgettext_lazy("meeting participant", "Resident")  # 居民代表
    OFFICIAL = "official", _("Official")  # staff of a unit
    EXPERT = "expert", _("Expert")  # lawyer, planner, …
    OTHER = "other", _("Other party")  # property management, business, organisation


class Meeting(TimeStampedModel):
    """A community meeting on one issue, organised by a unit."""

    unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("organising unit"),
        on_delete=models.PROTECT,
        related_name="deliberation_meetings",
    )
    title = models.CharField(_("issue"), max_length=200)
    description = models.TextField(_("background"), blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    status = models.CharField(
        _("status"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    minutes = models.TextField(_("minutes"), blank=True)
    proposal = models.ForeignKey(
        "deliberation.Proposal",
        verbose_name=_("proposal discussed"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("deliberation meeting")
        verbose_name_plural = _("deliberation meetings")
        ordering = ["-starts_at", "-id"]

    def __str__(self) -> str:
        return self.title


class AgendaItem(models.Model):
    """One point of a meeting's agenda, in order."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="agenda_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class MeetingParticipant(models.Model):
    """Someone invited to or present at a meeting (names are staff-only: personal data)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("role"), max_length=16, choices=ParticipantRole.choices)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    attended = models.BooleanField(_("attended"), default=False)

    class Meta:
        verbose_name = _("meeting participant")
        verbose_name_plural = _("meeting participants")
        ordering = ["role", "id"]

    def __str__(self) -> str:
        return self.name


class Decision(TimeStampedModel):
    """A decision taken at a meeting, owned by a unit, due by a date, tracked to completion."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))
    owner_unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("owner unit"),
        on_delete=models.PROTECT,
        related_name="deliberation_decisions",
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=16, choices=DecisionStatus.choices, default=DecisionStatus.OPEN
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="decision_due_idx")]

    def __str__(self) -> str:
        return self.text[:60]


class DecisionUpdate(models.Model):
    """A dated follow-up note on a decision, with the status it moved to."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(_("status"), max_length=16, choices=DecisionStatus.choices)
    note = models.TextField(_("note"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("decision update")
        verbose_name_plural = _("decision updates")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.decision_id}: {self.status}"
