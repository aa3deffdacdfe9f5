"""Intake: a request enters the system and gets a tracking code. Nothing acknowledged is lost."""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, connection, models
from django.utils.translation import gettext as _

from grassroots.core import audit, clock
from grassroots.core.models import AuditEntry
from grassroots.geo import datum as geo_datum
from grassroots.geo import index as geo_index
from grassroots.geo.address import locate_address

from ..codes import new_secret, new_tracking_code
from ..deadlines import Catalog, CategoryNode, Deadlines, catalog, deadlines_for
from ..enums import STAFF_ENTERED_CHANNELS, CaseEventType, CaseKind, CaseStatus, Channel, Priority
from ..errors import CaseError, CaseErrorCode
from ..models import Case, CaseEvent, IdempotencyRecord, Resident
from ._common import RESIDENT
from ._group import intake_commits
from ._rows import insert, insert_instance

MAX_SUBJECT = 200
MAX_DESCRIPTION = 5000
PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{4,19}$")
PHONE_SEPARATORS = re.compile(r"[ \-]")


@dataclass(frozen=True)
class CaseDraft:
    """What a resident (or an operator for them) submits; validated by `submit_case`."""

    kind: str
    subject: str = ""
    description: str = ""
    category: str | None = None
    priority: str = Priority.NORMAL
    channel: str = Channel.WEB
    channel_detail: str = ""
    lat: float | None = None
    lng: float | None = None
    datum: str = "wgs84"
    address: str = ""
    resident_name: str = ""
    resident_phone: str = ""
    resident_id_number: str = ""
    resident_email: str = ""
    anonymous: bool = False
    confidential: bool = False


@dataclass(frozen=True)
class IntakeResult:
    case: Case
    created: bool  # False when an earlier submission with the same idempotency key is returned
    # The unit at the case's point as the geo index knows it (code, name, level), so that the
    # answer needs no query for it; None when not located (or for a replayed submission).
    place: geo_index.Located | None = None


def _invalid(message: str) -> CaseError:
    return CaseError(CaseErrorCode.INVALID, message)


# The allowed values, computed once (`TextChoices.values` builds a new list on every call).
_CHOICES: tuple[tuple[str, type[models.TextChoices], frozenset[str]], ...] = tuple(
    (field, choices, frozenset(choices.values))
    for field, choices in (("kind", CaseKind), ("priority", Priority), ("channel", Channel))
)


def _check_choices(draft: CaseDraft) -> None:
    for field, choices, allowed in _CHOICES:
        value = getattr(draft, field)
        if value not in allowed:
            raise _invalid(
                _("%(field)s: “%(value)s” is not one of %(choices)s.")
                % {"field": field, "value": value, "choices": ", ".join(choices.values)}
            )


def _check_text(draft: CaseDraft) -> tuple[str, str]:
    subject = " ".join(draft.subject.split())
    description = draft.description.strip()
    if not subject and not description:
        raise _invalid(_("subject: say in a few words what the problem is."))
    if len(subject) > MAX_SUBJECT:
        raise _invalid(_("subject: at most %d characters.") % MAX_SUBJECT)
    if len(description) > MAX_DESCRIPTION:
        raise _invalid(_("description: at most %d characters.") % MAX_DESCRIPTION)
    return (subject or description[:60].split("\n")[0]), description


def _check_point(draft: CaseDraft) -> tuple[float | None, float | None]:
    if draft.lat is None and draft.lng is None:
        return None, None
    if draft.lat is None or draft.lng is None:
        raise _invalid(_("lat and lng: give both or neither."))
    lat, lng = float(draft.lat), float(draft.lng)
    if not (math.isfinite(lat) and math.isfinite(lng) and -90 <= lat <= 90 and -180 <= lng <= 180):
        raise _invalid(_("lat/lng: not a coordinate on Earth."))
    if draft.datum not in ("wgs84", "gcj02"):
        raise _invalid(_("datum: wgs84 or gcj02."))
    if draft.datum == "gcj02":
        lat, lng = geo_datum.gcj02_to_wgs84(lat, lng)
    return lat, lng


def _category(code: str | None, snapshot: Catalog) -> CategoryNode | None:
    if not code:
        return None
    category = snapshot.by_code.get(code)
    if category is None or not category.is_active:
        raise CaseError(CaseErrorCode.UNKNOWN_CATEGORY, _("Unknown category “%s”.") % code)
    return category


def _resident(draft: CaseDraft, actor: Any) -> dict[str, Any] | None:
    """The resident's identity, checked, as the columns of its row (None: anonymous, or
    nothing given)."""
    if draft.anonymous:
        return None  # an anonymous resident leaves no identity with us at all
    phone = draft.resident_phone.strip()
    if phone and not PHONE_RE.match(phone):
        raise _invalid(_("resident.phone: not a phone number."))
    fields: dict[str, Any] = {
        "name": draft.resident_name.strip()[:100],
        "phone": PHONE_SEPARATORS.sub("", phone),
        "id_number": _id_number(draft.resident_id_number.strip()),
        "email": _email(draft.resident_email.strip()),
    }
    resident_self = draft.channel not in STAFF_ENTERED_CHANNELS  # not an operator's entry
    user = actor if resident_self and getattr(actor, "is_authenticated", False) else None
    if not any(fields.values()) and user is None:
        return None
    fields["user"] = user
    return fields


# A PRC resident identity card number (GB 11643): 17 digits and an ISO 7064 MOD 11-2 check
# character. Anything else (passports, permits, the old 15-digit cards) is 5 to 32 ASCII
# letters and digits, checked no further (docs/domain/cases.md "The resident").
PRC_ID_RE = re.compile(r"[0-9]{17}[0-9Xx]")
OTHER_ID_RE = re.compile(r"[A-Za-z0-9]{5,32}")
_PRC_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_PRC_ID_CHECK = "10X98765432"
_EMAIL = EmailValidator()


def prc_id_check_character(first17: str) -> str:
    """The check character (a digit or X) that ends a PRC ID whose first 17 digits are given."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _PRC_ID_WEIGHTS, strict=True))
    return _PRC_ID_CHECK[total % 11]


def _id_number(value: str) -> str:
    """The ID number as stored (a PRC ID's x upper-cased), or `CaseError(INVALID)`."""
    if not value:
        return ""
    if PRC_ID_RE.fullmatch(value):
        value = value.upper()
        if prc_id_check_character(value[:17]) == value[17]:
            return value
        raise _invalid(_("resident.id_number: the check digit does not match; please check it."))
    if not OTHER_ID_RE.fullmatch(value):
        raise _invalid(
            _("resident.id_number: not an ID number (use 5 to 32 letters and digits, no spaces).")
        )
    return value


def _email(value: str) -> str:
    if not value:
        return ""
    try:
        _EMAIL(value)  # also refuses more than 320 characters
    except ValidationError:
        raise _invalid(_("resident.email: not an email address.")) from None
    if len(value) > 254:  # the column's width
        raise _invalid(_("resident.email: at most %d characters.") % 254)
    return value


def fingerprint(draft: CaseDraft) -> str:
    """A stable hash of the submission, to tell a retry from a different request."""
    # The draft's fields are flat values: `vars` gives what `asdict` would, without its copies.
    text = json.dumps(vars(draft), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class _Checked:
    """A validated submission with everything read that the write needs."""

    draft: CaseDraft
    subject: str
    description: str
    lat: float | None
    lng: float | None
    category: CategoryNode | None
    place: geo_index.Located | None
    deadlines: Deadlines
    resident: dict[str, Any] | None  # the resident's columns


def _check(draft: CaseDraft, actor: Any, now: datetime) -> _Checked:
    """Validate, locate and compute deadlines: every read, before the write transaction, so
    that the (on SQLite, database-wide) write lock is held only for the inserts. Categories
    and policies come from the per-process catalog (`deadlines.catalog`), places from the
    in-memory geo index: one small query in all."""
    _check_choices(draft)
    subject, description = _check_text(draft)
    lat, lng = _check_point(draft)
    snapshot = catalog()
    category = _category(draft.category, snapshot)
    located = geo_index.locate(lat, lng) if lat is not None and lng is not None else None
    if lat is None and draft.address.strip():
        # No point, an address: the address library (its point too) or unit names in the text.
        point, located, _how = locate_address(draft.address)
        lat, lng = point if point is not None else (None, None)
    spec, label = snapshot.spec(category.id if category else None, draft.priority)
    return _Checked(
        draft=draft,
        subject=subject,
        description=description,
        lat=lat,
        lng=lng,
        category=category,
        place=located,
        deadlines=deadlines_for(spec, label, now),
        resident=_resident(draft, actor),
    )


def _create(checked: _Checked, actor: Any, now: datetime, key: str | None, fp: str) -> Case:
    """Write the case, its resident, its first event, the audit entry and the idempotency
    record: single-row INSERTs built once per model (`_rows.insert`), the same rows as the
    ORM would write; the audit row is `core.audit.entry_row`, as `audit.record` writes it."""
    draft, deadlines = checked.draft, checked.deadlines
    user = actor if getattr(actor, "is_authenticated", False) else None
    with connection.cursor() as cursor:
        resident_id = insert(cursor, Resident, checked.resident) if checked.resident else None
        case = insert_instance(
            cursor,
            Case,
            {
                "tracking_code": new_tracking_code(now),
                "secret": new_secret(),
                "kind": draft.kind,
                "channel": draft.channel,
                "channel_detail": draft.channel_detail[:100],
                "subject": checked.subject,
                "description": checked.description,
                "category_id": checked.category.id if checked.category else None,
                "priority": str(draft.priority),
                "status": str(CaseStatus.RECEIVED),
                "lat": checked.lat,
                "lng": checked.lng,
                "address": draft.address.strip()[:300],
                "place_unit_id": checked.place.id if checked.place else None,
                "resident_id": resident_id,
                "submitted_by_id": user.pk if user is not None else None,
                "anonymous": draft.anonymous,
                "confidential": draft.confidential,
                "received_at": now,
                "respond_due": deadlines.respond_due,
                "resolve_due": deadlines.resolve_due,
            },
        )
        # Without an account, the one submitting is the resident, not "the system".
        who = user or RESIDENT
        data = {"channel": draft.channel, "deadline_policy": deadlines.policy}
        if draft.lat is None and (checked.lat is not None or checked.place is not None):
            # Located from the address (`geo.address.locate_address`): by the library's point,
            # or only by a unit named in it.
            data["located_by"] = "address" if checked.lat is not None else "unit_name"
        insert(
            cursor,
            CaseEvent,
            {
                "case_id": case.pk,
                "type": str(CaseEventType.RECEIVED),
                "at": clock.now(),
                "actor": user,
                "actor_label": str(getattr(who, "username", "") or "system")[:150],
                "to_status": str(CaseStatus.RECEIVED),
                "public": True,
                "data": data,
            },
        )
        audit_row = audit.entry_row(
            f"cases.case.{CaseEventType.RECEIVED}",
            actor=who,
            target=case,
            summary=case.tracking_code,
            data={"from": "", "to": CaseStatus.RECEIVED, **data},
        )
        insert(cursor, AuditEntry, audit_row)
        if key:
            insert(cursor, IdempotencyRecord, {"key": key, "fingerprint": fp, "case_id": case.pk})
    return case


def _earlier(key: str) -> tuple[str, int] | None:
    """The fingerprint and case of an earlier submission with this key (raw: one indexed
    read on every keyed submission, most of which find nothing)."""
    table = connection.ops.quote_name(IdempotencyRecord._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT fingerprint, case_id FROM {table} WHERE key = %s", [key])  # noqa: S608
        row = cursor.fetchone()
    return (str(row[0]), int(row[1])) if row else None


def _replay(key: str, fp: str) -> IntakeResult | None:
    earlier = _earlier(key)
    if earlier is None:
        return None
    if earlier[0] != fp:
        raise CaseError(
            CaseErrorCode.IDEMPOTENCY_CONFLICT,
            _("This Idempotency-Key was already used for a different submission."),
            status=409,
        )
    return IntakeResult(case=Case.objects.get(pk=earlier[1]), created=False)


def submit_case(
    draft: CaseDraft,
    *,
    actor: Any,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> IntakeResult:
    """Receive a case: validate, locate, set deadlines, record; idempotent per key.

    With the same `idempotency_key` and the same content, a retry returns the case created
    the first time, even when the two requests race; the same key with different content is
    refused. The case and its key are written in one transaction, so a tracking code that
    reached the client always names a stored case.
    """
    now = now or clock.now()
    fp = fingerprint(draft)
    scoped_key = f"{getattr(actor, 'pk', None) or 'anon'}:{idempotency_key}"
    if idempotency_key and (replay := _replay(scoped_key, fp)):
        return replay
    checked = _check(draft, actor, now)
    key = scoped_key if idempotency_key else None
    for _attempt in range(5):
        try:
            # One transaction per case, shared with concurrent submissions on SQLite (group
            # commit, `_group`): it returns once the case is durably committed.
            case = intake_commits.run(lambda: _create(checked, actor, now, key, fp))
            return IntakeResult(case=case, created=True, place=checked.place)
        except IntegrityError:
            # Either a concurrent retry stored the same key first, or (rarely) the random
            # tracking code collided: answer with the winner, or try a new code.
            if idempotency_key and (replay := _replay(scoped_key, fp)):
                return replay
    raise CaseError(CaseErrorCode.INVALID, _("Could not store the case; please retry."), status=503)
