"""Partners and their API keys, the extra questions a service asks, and what a partner sent.

Personal data a partner submits (names, email, phone) goes into the case's `Resident` through
the intake service; `Open311Submission` keeps only the Open311-specific, non-personal rest.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from grassroots.cases.models import Case, Category
from grassroots.core.models import TimeStampedModel


class Scope(models.TextChoices):
    REQUESTS_WRITE = "requests:write", _("Submit service requests")
    REQUESTS_READ = "requests:read", _("Read service requests")  # GETs need no key; reserved


class Datatype(models.TextChoices):
    STRING = "string", _("Text without line breaks")
    NUMBER = "number", _("Number")
    DATETIME = "datetime", _("Date and time (ISO 8601)")
    TEXT = "text", _("Text with line breaks")
    SINGLEVALUELIST = "singlevaluelist", _("One value from a list")
    MULTIVALUELIST = "multivaluelist", _("Several values from a list")


LIST_DATATYPES = (Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST)


class Partner(TimeStampedModel):
    """An app, kiosk or partner system that talks to us through Open311."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("Open311 partner")
        verbose_name_plural = _("Open311 partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ApiKey(models.Model):
    """A partner's `api_key`. Only its SHA-256 is stored; the clear key is shown once."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="api_keys"
    )
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    prefix = models.CharField(_("prefix"), max_length=16)
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    rate_per_minute = models.PositiveIntegerField(_("requests per minute"), default=60)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.partner})"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.partner.is_active

    def allows(self, scope: str) -> bool:
        return scope in (self.scopes or [])


class ServiceAttribute(TimeStampedModel):
    """One extra question a category asks (a GeoReport service definition attribute).

    `values` holds the options of list datatypes: `[{"key": "1", "name_zh": "…",
    "name_en": "…"}]`.
    """

    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        related_name="open311_attributes",
    )
    code = models.CharField(_("code"), max_length=64)
    datatype = models.CharField(_("datatype"), max_length=16, choices=Datatype.choices)
    variable = models.BooleanField(
        _("asks for input"),
        default=True,
        help_text=_("Off: the attribute only shows information to the user."),
    )
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveIntegerField(_("order"), default=1)
    description_zh = models.CharField(_("question (Chinese)"), max_length=300)
    description_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    datatype_description = models.CharField(_("input hint"), max_length=200, blank=True)
    values = models.JSONField(_("values"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service attribute")
        verbose_name_plural = _("service attributes")
        ordering = ["category", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="open311_attribute_unique")
        ]

    def __str__(self) -> str:
        return f"{self.category.code}/{self.code}"

    @property
    def description(self) -> str:
        zh = (get_language() or "").startswith("zh")
        return self.description_zh if zh or not self.description_en else self.description_en

    def value_keys(self) -> list[str]:
        return [str(v.get("key", "")) for v in self.values or []]


class Open311Submission(models.Model):
    """What a partner sent with a case beyond the case itself (no personal data here)."""

    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="open311"
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="submissions"
    )
    api_key = models.ForeignKey(
        ApiKey,
        verbose_name=_("API key"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submissions",
    )
    token = models.CharField(_("token"), max_length=32, unique=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    address_id = models.CharField(_("address ID"), max_length=100, blank=True)
    device_id = models.CharField(_("device ID"), max_length=100, blank=True)
    account_id = models.CharField(_("account ID"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 submission")
        verbose_name_plural = _("Open311 submissions")

    def __str__(self) -> str:
        return f"{self.partner}: {self.case_id}"
