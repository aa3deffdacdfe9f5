"""Reading service requests for the public GET endpoints: filters, window and limit.

Only non-confidential cases are ever found. Without dates the window is the most recent 90
days; a window may not span more than 90 days; at most 1000 requests, newest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from grassroots.cases.enums import TERMINAL_STATUSES
from grassroots.cases.models import Case

from .errors import Open311Error, Open311ErrorCode

WINDOW = timedelta(days=90)
LIMIT = 1000
MAX_IDS = 1000


def public_requests() -> QuerySet[Case]:
    """Every case Open311 may show: not confidential, with what its output needs."""
    return Case.objects.filter(confidential=False).select_related(
        "category", "unit", "parent", "open311"
    )


def find_request(service_request_id: str) -> Case | None:
    return public_requests().filter(tracking_code=service_request_id).first()


def _invalid(message: str) -> Open311Error:
    return Open311Error(Open311ErrorCode.INVALID, message)


def parse_w3(value: str, field: str) -> datetime:
    """A w3 date/time (`2010-01-01T00:00:00Z`); a naive one or a date is in our zone."""
    text = value.strip().replace(" ", "+")  # a '+' in a query string arrives as a space
    try:
        moment = parse_datetime(text)
        day = None if moment else parse_date(text)
    except ValueError:
        moment = day = None
    if moment is None and isinstance(day, date):
        moment = datetime.combine(day, time.min)
    if moment is None:
        raise _invalid(_("%s: not a w3 date/time such as 2010-01-01T00:00:00Z.") % field)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, ZoneInfo(settings.TIME_ZONE))
    return moment


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


@dataclass(frozen=True)
class RequestFilter:
    """The spec's optional arguments of GET requests, as sent (empty: not given)."""

    service_request_id: str = ""
    service_code: str = ""
    start_date: str = ""
    end_date: str = ""
    status: str = ""


def window(start: str, end: str, now: datetime) -> tuple[datetime, datetime]:
    """The requested_datetime range: given dates, or 90 days ending now / at the given end."""
    start_at = parse_w3(start, "start_date") if start else None
    end_at = parse_w3(end, "end_date") if end else None
    if start_at and end_at:
        if end_at < start_at:
            raise _invalid(_("end_date is before start_date."))
        if end_at - start_at > WINDOW:
            raise _invalid(_("start_date to end_date may not span more than 90 days."))
        return start_at, end_at
    if start_at:
        return start_at, start_at + WINDOW
    end_at = end_at or now
    return end_at - WINDOW, end_at


def _status_q(value: str) -> Q:
    wanted = set(_split(value))
    if wanted - {"open", "closed"}:
        raise _invalid(_("status: open, closed or both, comma separated."))
    q = Q()
    if "open" in wanted:
        q |= ~Q(status__in=TERMINAL_STATUSES)
    if "closed" in wanted:
        q |= Q(status__in=TERMINAL_STATUSES)
    return q


def search(params: RequestFilter, *, now: datetime | None = None) -> list[Case]:
    """The requests matching the filters; `service_request_id` overrides all the others."""
    found = public_requests()
    if params.service_request_id:
        ids = _split(params.service_request_id)[:MAX_IDS]
        return list(found.filter(tracking_code__in=ids)[:LIMIT])
    start_at, end_at = window(params.start_date, params.end_date, now or timezone.now())
    found = found.filter(received_at__gte=start_at, received_at__lte=end_at)
    if params.service_code:
        found = found.filter(category__code__in=_split(params.service_code))
    if params.status:
        found = found.filter(_status_q(params.status))
    return list(found.order_by("-received_at", "-id")[:LIMIT])
