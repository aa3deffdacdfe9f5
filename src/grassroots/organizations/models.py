"""The tree of units (city → district → street → community → grid, with departments beside it),
the roles people hold at them, and the dispatchers' duty roster."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from grassroots.core.models import TimeStampedModel

from .enums import Role, UnitLevel
from .querysets import PATH_STEP, DutyShiftQuerySet, UnitQuerySet

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$",
    _("A code is 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit."),
)


class Unit(TimeStampedModel):
    """A unit that receives and acts on cases: territorial (city … grid) or a department.

    `path` is a materialized path: the primary keys of the chain from the root, each
    zero-padded to `PATH_STEP` digits. "This street and everything under it" is then one
    range scan on an indexed column, at any depth.
    """

    code = models.CharField(_("code"), max_length=64, unique=True, validators=[code_validator])
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(name_zh="") | ~models.Q(name_en=""),
                name="unit_has_a_name",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def name(self) -> str:
        """The name in the active language, falling back to the other one."""
        if (get_language() or "").startswith("zh"):
            return self.name_zh or self.name_en
        return self.name_en or self.name_zh

    @property
    def ancestor_ids(self) -> list[int]:
        """Primary keys from the root down to the parent, read from the path."""
        steps = [self.path[i : i + PATH_STEP] for i in range(0, len(self.path), PATH_STEP)]
        return [int(step) for step in steps[:-1]]


class Membership(TimeStampedModel):
    """A role a person holds at a unit; it applies to the unit's whole subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit.code}"


class DutyShift(TimeStampedModel):
    """A dispatcher on duty for a unit's whole subtree from `starts_at` to `ends_at` (UTC).

    Written only by `organizations.duty`. A cancelled shift stays, with `cancelled_at`, so
    that "who was on duty when that emergency came in" can still be answered.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dispatcher"),
        on_delete=models.CASCADE,
        related_name="duty_shifts",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="duty_shifts"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    objects = DutyShiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["unit", "ends_at"], name="dutyshift_unit_ends")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="dutyshift_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit.code} {self.starts_at:%Y-%m-%d %H:%M}"
