"""The only code that changes Open311 state: partners, keys, attributes and submissions.

Each write is one transaction with an audit entry. A service request enters the case pipeline
through `grassroots.cases.services.submit_case` with the channel `open311`.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.cases.enums import CaseKind, Channel
from grassroots.cases.models import Case, Category
from grassroots.cases.services import CaseDraft, submit_case
from grassroots.core import audit

from .attributes import check_attributes, check_definition
from .errors import Open311Error, Open311ErrorCode
from .models import ApiKey, Open311Submission, Partner, Scope, ServiceAttribute

DEMO_PARTNER = "Demo partner"
DEMO_KEY = "grassroots-demo-key"
KEY_PREFIX = "o311_"
MAX_DESCRIPTION = 5000
MAX_MEDIA_URL = 500
SUBJECT_WORDS = 60  # characters of the description put after the service name in the subject


def hash_key(clear: str) -> str:
    return hashlib.sha256(clear.encode()).hexdigest()


@dataclass(frozen=True)
class PartnerActor:
    """A partner acting through its key: named in timelines and the audit log, not a user."""

    username: str
    is_authenticated: bool = False


def partner_actor(partner: Partner) -> PartnerActor:
    return PartnerActor(username=f"open311:{partner.name}"[:150])


@transaction.atomic
def create_partner(name: str, *, contact: str = "", actor: Any) -> Partner:
    """A new partner (no key yet: issue one with `issue_api_key`)."""
    name = " ".join(name.split())[:100]
    if not name:
        raise Open311Error(Open311ErrorCode.INVALID, _("name: required."))
    if Partner.objects.filter(name=name).exists():
        raise Open311Error(Open311ErrorCode.INVALID, _("A partner named “%s” exists.") % name)
    partner = Partner.objects.create(name=name, contact=contact.strip()[:200])
    audit.record("open311.partner.created", actor=actor, target=partner, summary=name)
    return partner


@transaction.atomic
def update_partner(partner: Partner, *, actor: Any, **changes: Any) -> Partner:
    """Change a partner's name, contact or active flag (inactive: all its keys stop working)."""
    allowed = {"name", "contact", "is_active"}
    for name, value in changes.items():
        if name not in allowed:
            raise Open311Error(Open311ErrorCode.INVALID, _("%s: cannot be changed.") % name)
        setattr(partner, name, value)
    partner.save()
    audit.record(
        "open311.partner.updated",
        actor=actor,
        target=partner,
        summary=partner.name,
        data={k: str(v) for k, v in changes.items()},
    )
    return partner


def _check_scopes(scopes: list[str]) -> list[str]:
    unknown = [s for s in scopes if s not in Scope.values]
    if unknown or not scopes:
        raise Open311Error(
            Open311ErrorCode.INVALID,
            _("scopes: one or more of %s.") % ", ".join(Scope.values),
        )
    return sorted(set(scopes))


@transaction.atomic
def issue_api_key(
    partner: Partner,
    *,
    scopes: list[str],
    actor: Any,
    rate_per_minute: int = 60,
    clear_key: str | None = None,
) -> tuple[str, ApiKey]:
    """A new key for `partner`; returns the clear key (shown once) and its record.

    `clear_key` is for fixed, published keys such as the demo's; normally one is generated.
    """
    clear = clear_key or KEY_PREFIX + secrets.token_urlsafe(24)
    if rate_per_minute < 0:
        raise Open311Error(Open311ErrorCode.INVALID, _("rate: zero (no limit) or more."))
    key = ApiKey.objects.create(
        partner=partner,
        key_hash=hash_key(clear),
        prefix=clear[:12],
        scopes=_check_scopes(scopes),
        rate_per_minute=rate_per_minute,
    )
    audit.record(
        "open311.api_key.issued",
        actor=actor,
        target=key,
        summary=partner.name,
        data={"prefix": key.prefix, "scopes": key.scopes},
    )
    return clear, key


@transaction.atomic
def revoke_api_key(key: ApiKey, *, actor: Any) -> ApiKey:
    """Stop a key at once; its earlier submissions stay."""
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit.record("open311.api_key.revoked", actor=actor, target=key, summary=key.prefix)
    return key


def find_api_key(clear: str) -> ApiKey | None:
    """The usable key with this clear text, or None (unknown, revoked, inactive partner)."""
    if not clear:
        return None
    key = ApiKey.objects.select_related("partner").filter(key_hash=hash_key(clear)).first()
    return key if key is not None and key.is_usable else None


@transaction.atomic
def ensure_demo_partner() -> ApiKey:
    """The demo partner with the published key `grassroots-demo-key` (idempotent)."""
    existing = ApiKey.objects.filter(key_hash=hash_key(DEMO_KEY)).first()
    if existing is not None:
        return existing
    partner = Partner.objects.filter(name=DEMO_PARTNER).first() or create_partner(
        DEMO_PARTNER, contact="demo", actor=None
    )
    return issue_api_key(partner, scopes=list(Scope.values), actor=None, clear_key=DEMO_KEY)[1]


@transaction.atomic
def save_service_attribute(attribute: ServiceAttribute, *, actor: Any) -> ServiceAttribute:
    """Create or change an attribute of a service definition, after checking its values."""
    check_definition(attribute)
    created = attribute.pk is None
    attribute.save()
    action = "created" if created else "updated"
    audit.record(
        f"open311.attribute.{action}", actor=actor, target=attribute, summary=str(attribute)
    )
    return attribute


@transaction.atomic
def delete_service_attribute(attribute: ServiceAttribute, *, actor: Any) -> None:
    """Remove an attribute; answers already given stay with their submissions."""
    summary = str(attribute)
    audit.record("open311.attribute.deleted", actor=actor, target=attribute, summary=summary)
    attribute.delete()


@dataclass(frozen=True)
class ServiceRequestIn:
    """A parsed `POST requests` form (strings as sent; validated by `submit_request`)."""

    service_code: str
    lat: float | None = None
    long: float | None = None
    address_string: str = ""
    address_id: str = ""
    attributes: dict[str, list[str]] = field(default_factory=dict)
    email: str = ""
    device_id: str = ""
    account_id: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    description: str = ""
    media_url: str = ""


@dataclass(frozen=True)
class SubmitResult:
    submission: Open311Submission
    created: bool  # False: a retry with the same Idempotency-Key returned the earlier request


def find_service(code: str) -> Category:
    """The active category behind `service_code`, or the spec's 404."""
    category = Category.objects.filter(code=code, is_active=True).first() if code else None
    if category is None:
        raise Open311Error(
            Open311ErrorCode.UNKNOWN_SERVICE,
            _("service_code “%s” was not found.") % code[:64],
            status=404,
        )
    return category


def _full_name(first: str, last: str) -> str:
    first, last = first.strip(), last.strip()
    cjk = any("\u4e00" <= ch <= "\u9fff" for ch in first + last)
    return (last + first) if cjk else " ".join(p for p in (first, last) if p)


def _subject(category: Category, description: str) -> str:
    words = " ".join(description.split())[:SUBJECT_WORDS]
    return f"{category.name}: {words}" if words else category.name


def _draft(data: ServiceRequestIn, category: Category, partner: Partner) -> CaseDraft:
    address = data.address_string.strip() or data.address_id.strip()
    return CaseDraft(
        # A GeoReport request reports a problem the city must fix (a pothole, a broken
        # light): the hotline files that as a complaint (投诉/反映), not as personal help.
        kind=CaseKind.COMPLAINT,
        subject=_subject(category, data.description)[:200],
        description=data.description.strip(),
        category=category.code,
        channel=Channel.OPEN311,
        channel_detail=partner.name,
        lat=data.lat,
        lng=data.long,
        address=address,
        resident_name=_full_name(data.first_name, data.last_name),
        resident_phone=data.phone.strip(),
        resident_email=data.email.strip(),
    )


def _check_request(data: ServiceRequestIn) -> None:
    if data.lat is None and not data.address_string.strip() and not data.address_id.strip():
        raise Open311Error(
            Open311ErrorCode.INVALID,
            _("A location is required: lat and long, address_string or address_id."),
        )
    if len(data.description) > MAX_DESCRIPTION:
        raise Open311Error(
            Open311ErrorCode.INVALID, _("description: at most %d characters.") % MAX_DESCRIPTION
        )
    checks = (
        (data.email, EmailValidator(), _("email: not an email address.")),
        (
            data.media_url,
            URLValidator(schemes=["http", "https"]),
            _("media_url: not an http(s) URL."),
        ),
    )
    for value, validator, message in checks:
        try:
            if value.strip():
                validator(value.strip())
        except ValidationError:
            raise Open311Error(Open311ErrorCode.INVALID, message) from None
    if len(data.media_url.strip()) > MAX_MEDIA_URL:
        raise Open311Error(
            Open311ErrorCode.INVALID, _("media_url: at most %d characters.") % MAX_MEDIA_URL
        )


def _replayed(case: Case, attributes: dict[str, Any]) -> SubmitResult:
    submission = Open311Submission.objects.select_related("case").get(case=case)
    if submission.attributes != attributes:
        raise Open311Error(
            Open311ErrorCode.INVALID,
            _("This Idempotency-Key was already used for a different request."),
        )
    return SubmitResult(submission=submission, created=False)


@transaction.atomic
def submit_request(
    data: ServiceRequestIn, *, api_key: ApiKey, idempotency_key: str | None = None
) -> SubmitResult:
    """Create a case from a partner's service request; idempotent per partner and key.

    Checks the key's scope, the service, the location and the service definition's
    attributes, then hands the case to the intake service with the partner as the channel
    detail. A refused request writes nothing.
    """
    if not api_key.allows(Scope.REQUESTS_WRITE):
        raise Open311Error(
            Open311ErrorCode.BAD_KEY, _("This api_key may not submit requests."), status=403
        )
    category = find_service(data.service_code)
    _check_request(data)
    attributes = check_attributes(category, data.attributes)
    partner = api_key.partner
    scoped = f"open311:{partner.pk}:{idempotency_key}" if idempotency_key else None
    result = submit_case(
        _draft(data, category, partner), actor=partner_actor(partner), idempotency_key=scoped
    )
    if not result.created:
        return _replayed(result.case, attributes)
    submission = Open311Submission.objects.create(
        case=result.case,
        partner=partner,
        api_key=api_key,
        token=secrets.token_hex(8),
        attributes=attributes,
        media_url=data.media_url.strip(),
        address_id=data.address_id.strip()[:100],
        device_id=data.device_id.strip()[:100],
        account_id=data.account_id.strip()[:100],
    )
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=timezone.now())
    audit.record(
        "open311.request.submitted",
        actor=partner_actor(partner),
        target=result.case,
        summary=result.case.tracking_code,
        data={"partner": partner.name, "key": api_key.prefix},
    )
    return SubmitResult(submission=submission, created=True)
