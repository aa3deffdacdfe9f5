"""Our categories and cases as GeoReport v2 documents. Public output: no personal data.

A request shows what the spec lists and nothing about the resident: no name, phone, email,
account or device. The lifecycle maps to `open`/`closed`; the detailed state is in
`service_notice`, the unit's answer in `status_notes`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from grassroots.cases.enums import TERMINAL_STATUSES, CaseStatus
from grassroots.cases.models import Case, Category
from grassroots.geo.public import snap

from .models import Open311Submission, ServiceAttribute


def w3(moment: datetime | None) -> str | None:
    """ISO 8601 with the offset of the deployment's zone: `2010-04-14T06:37:38-08:00`."""
    if moment is None:
        return None
    return timezone.localtime(moment, ZoneInfo(settings.TIME_ZONE)).isoformat(timespec="seconds")


def _or_none(text: str | None) -> str | None:
    return text if text else None


def service_out(category: Category, *, has_attributes: bool) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": _or_none(category.description),
        "metadata": has_attributes,
        "type": "realtime",
        "keywords": _or_none(", ".join(k.strip() for k in category.keywords.split(",") if k)),
        "group": category.parent.name if category.parent else None,
    }


def _value_out(value: dict[str, Any]) -> dict[str, Any]:
    zh = (get_language() or "").startswith("zh")
    name = value.get("name_zh") if zh or not value.get("name_en") else value.get("name_en")
    return {"key": str(value.get("key", "")), "name": name}


def attribute_out(attribute: ServiceAttribute) -> dict[str, Any]:
    return {
        "variable": attribute.variable,
        "code": attribute.code,
        "datatype": attribute.datatype,
        "required": attribute.required,
        "datatype_description": _or_none(attribute.datatype_description),
        "order": attribute.order,
        "description": attribute.description,
        # Always present (empty for free-input datatypes), so every attribute has one shape.
        "values": [_value_out(v) for v in attribute.values or []],
    }


def definition_out(category: Category, attributes: list[ServiceAttribute]) -> dict[str, Any]:
    return {"service_code": category.code, "attributes": [attribute_out(a) for a in attributes]}


def open_or_closed(case: Case) -> str:
    return "closed" if case.status in TERMINAL_STATUSES else "open"


def status_notes(case: Case) -> str | None:
    """Why the request is where it is: the rejection reason, the duplicate's parent, the reply."""
    if case.status == CaseStatus.REJECTED:
        return case.rejection_reason or None
    if case.status == CaseStatus.MERGED:
        parent = case.parent.tracking_code if case.parent else ""
        return _("Duplicate request (see %s).") % parent if parent else _("Duplicate request.")
    return case.reply or None


def service_notice(case: Case) -> str:
    return str(CaseStatus(case.status).label)


def _submission(case: Case) -> Open311Submission | None:
    try:
        return case.open311
    except Open311Submission.DoesNotExist:
        return None


def request_out(case: Case) -> dict[str, Any]:
    """One service request as the spec's GET requests shows it (keys in the spec's order)."""
    submission = _submission(case)
    closed = case.status in TERMINAL_STATUSES
    return {
        "service_request_id": case.tracking_code,
        "status": open_or_closed(case),
        "status_notes": status_notes(case),
        "service_name": case.category.name if case.category else None,
        "service_code": case.category.code if case.category else None,
        "description": _or_none(case.description),
        "agency_responsible": case.unit.name if case.unit else None,
        "service_notice": service_notice(case),
        "requested_datetime": w3(case.received_at),
        "updated_datetime": w3((case.closed_at if closed else None) or case.updated_at),
        "expected_datetime": w3(case.resolve_due),
        "address": None,  # withheld: often the resident's own door (docs/domain/open311.md)
        "address_id": None,  # withheld with the address
        "zipcode": None,
        "lat": snap(case.lat) if case.lat is not None else None,
        "long": snap(case.lng) if case.lng is not None else None,
        "media_url": _or_none(submission.media_url) if submission else None,
    }


def created_out(submission: Open311Submission) -> dict[str, Any]:
    """The answer to POST requests: the id (we create at once, so never a token)."""
    case = submission.case
    due = w3(case.resolve_due)
    notice = (_("Received. To be resolved by %s.") % due) if due else _("Received.")
    return {
        "service_request_id": case.tracking_code,
        "service_notice": notice,
        "account_id": _or_none(submission.account_id),
    }


def token_out(submission: Open311Submission) -> dict[str, Any]:
    return {"service_request_id": submission.case.tracking_code, "token": submission.token}


def error_out(code: int, description: str) -> dict[str, Any]:
    return {"code": code, "description": description}
