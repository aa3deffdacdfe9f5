"""Insights' own tables: a per-case projection of the KPI facts, roll-ups per unit and day or
month built from it, the fold watermark, and the supervisor's 'unreasonable demand' marks.

Nothing here is a domain record: every row except `DemandMark` can be dropped and rebuilt
from the cases (`grassroots insights rebuild`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grassroots.cases.models import Case
from grassroots.organizations.models import Unit

# The counters every KPI is made of; each is a count of cases (0/1 per case in a fact).
COUNTERS = (
    "received",  # led by the unit, received in the period
    "dispatched",  # of those, given to a unit
    "excluded",  # marked as an unreasonable demand: out of every rate below
    "response_base",  # dispatched and not excluded: the response rate's denominator
    "responded_on_time",  # first contact within the response deadline
    "followed_up",  # the resident gave a verdict (resolution rate's denominator)
    "resolved",  # … and said it was resolved
    "rated",  # a satisfaction answer (satisfaction rate's denominator)
    "satisfied",
    "basic",  # basically satisfied
    "unsatisfied",
    "closed",  # closed (not excluded)
    "closed_on_time",  # closed by the resolve deadline
    "returned",  # returned at least once (all cases)
    "reopened",  # reopened at least once (all cases)
    "handled",  # closed, not excluded, with a handling time (the quantiles' sample)
)


class Counters(models.Model):
    """One small integer column per counter."""

    received = models.PositiveIntegerField(default=0)
    dispatched = models.PositiveIntegerField(default=0)
    excluded = models.PositiveIntegerField(default=0)
    response_base = models.PositiveIntegerField(default=0)
    responded_on_time = models.PositiveIntegerField(default=0)
    followed_up = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    basic = models.PositiveIntegerField(default=0)
    unsatisfied = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    closed_on_time = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    handled = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class CaseFact(Counters):
    """What one case contributes to its handling unit's KPIs (received day, 0/1 counters).

    Recomputed from the case whenever its timeline moves (see `services.fold_changes`).
    """

    case = models.OneToOneField(Case, primary_key=True, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()  # the local date the case was received
    month = models.DateField()  # the first day of that month
    handling_seconds = models.BigIntegerField(null=True)  # received → closed, when `handled`
    open_due = models.DateTimeField(null=True)  # resolve deadline while open (overdue check)

    class Meta:
        indexes = [
            models.Index(fields=["day", "unit"], name="insights_fact_day_idx"),
            models.Index(fields=["month", "unit"], name="insights_fact_month_idx"),
            models.Index(fields=["unit", "day"], name="insights_fact_unit_idx"),
        ]

    def __str__(self) -> str:
        return f"fact {self.case_id} {self.unit_id} {self.day}"


class UnitDay(Counters):
    """The counters of one unit's cases received on one local day (for any period)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "unit"], name="insights_unitday_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}"


class UnitMonth(Counters):
    """The counters of one unit's cases received in one month, with the handling-time
    histogram and the deadlines of its open cases, so a month's table is read in one go."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    # Filled after the counters (NULL: none): {seconds: count} over `handled` cases, and the
    # deadlines (epoch seconds) of its open cases, to count the overdue ones at read time.
    durations = models.JSONField(null=True)
    open_dues = models.JSONField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "unit"], name="insights_unitmonth_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%Y-%m}"


class FoldState(models.Model):
    """How far the incremental fold has read the case timeline (one row)."""

    last_event_id = models.BigIntegerField(default=0)
    folded_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"fold at event {self.last_event_id}"


class DemandMark(models.Model):
    """A supervisor's reviewed judgement that a case is an unreasonable demand: it stays in
    the counts and lists, always flagged, but leaves every rate. Withdrawn, not deleted."""

    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="demand_mark"
    )
    reason = models.TextField(_("reason"))
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    marked_at = models.DateTimeField(_("marked at"))
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("withdrawal reason"), blank=True)

    class Meta:
        verbose_name = _("unreasonable-demand mark")
        verbose_name_plural = _("unreasonable-demand marks")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.reason[:40]}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class HotIssue(models.Model):
    """One cluster of cases about the same problem in the same place over a period, as last
    computed for that period (`insights.hot.services.compute_hot_issues` replaces them)."""

    period = models.CharField(_("period"), max_length=32, db_index=True)  # its label
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))  # exclusive
    rank = models.PositiveIntegerField(_("rank"))
    title = models.CharField(_("title"), max_length=200)
    keywords = models.JSONField(_("keywords"), default=list)
    unit = models.ForeignKey(
        Unit, verbose_name=_("place"), null=True, on_delete=models.CASCADE, related_name="+"
    )
    lat = models.FloatField(null=True)
    lng = models.FloatField(null=True)
    first_at = models.DateTimeField(_("first report"))
    last_at = models.DateTimeField(_("last report"))
    reports = models.PositiveIntegerField(_("cases"))
    residents = models.PositiveIntegerField(_("residents"))
    support = models.PositiveIntegerField(_("support"))
    growth = models.FloatField(_("growth"))
    open_reports = models.PositiveIntegerField(_("open cases"))
    open_days = models.FloatField(_("days unresolved"))
    heat = models.FloatField(_("heat"))
    computed_at = models.DateTimeField(_("computed at"))
    cases = models.ManyToManyField(Case, through="HotIssueCase", related_name="+")

    class Meta:
        verbose_name = _("hot issue")
        verbose_name_plural = _("hot issues")
        ordering = ["period", "rank"]

    def __str__(self) -> str:
        return f"{self.period} #{self.rank} {self.title[:40]}"


class HotIssueCase(models.Model):
    """A case behind a hot issue, with how central it is to the cluster (cosine to its centre)."""

    issue = models.ForeignKey(HotIssue, on_delete=models.CASCADE, related_name="members")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    closeness = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issue", "case"], name="insights_hotcase_unique")
        ]

    def __str__(self) -> str:
        return f"{self.issue_id}: {self.case_id}"


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")  # chosen, actions being set
    ACTIVE = "active", _("Active")  # the lead unit is working on it
    DONE = "done", _("Done")  # finished; figures keep updating


class GovernanceProject(models.Model):
    """Topic of the month (每月一题): a recurring problem (a category in an area) turned into a
    project with a lead unit, actions and milestones; its before/after figures are computed."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    month = models.DateField(_("month"))  # first day of the month it is the topic of
    status = models.CharField(
        _("status"), max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )
    lead_unit = models.ForeignKey(
        Unit, verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(
        Unit, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        "cases.Category", verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    hot_issue = models.ForeignKey(
        HotIssue,
        verbose_name=_("hot issue"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("governance project")
        verbose_name_plural = _("governance projects")
        ordering = ["-month", "id"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.title}"


class ProjectAction(models.Model):
    """One thing the project will do, by a unit, by a date."""

    project = models.ForeignKey(GovernanceProject, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField(_("action"), max_length=300)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    due = models.DateField(_("due"), null=True)
    done_at = models.DateTimeField(_("done at"), null=True)

    def __str__(self) -> str:
        return self.text[:60]


class ProjectMilestone(models.Model):
    """A dated step of the project; reached when the supervisor says so."""

    project = models.ForeignKey(
        GovernanceProject, on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("milestone"), max_length=200)
    due = models.DateField(_("due"))
    reached_at = models.DateTimeField(_("reached at"), null=True)

    class Meta:
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.title[:60]
