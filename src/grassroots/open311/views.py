"""The GeoReport v2 endpoints: the format comes from the extension, POST is form-encoded.

Plain Django views (not ninja): every answer, errors included, is the spec's XML or JSON
document. Each view parses, calls one query or service, and renders.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from grassroots.cases.models import Category
from grassroots.core import ratelimit
from grassroots.core.errors import DomainError

from . import presenters, queries, services
from .errors import Open311Error, Open311ErrorCode
from .models import ApiKey, Open311Submission, ServiceAttribute
from .render import FORMATS, respond

View = Callable[..., HttpResponse]
ATTRIBUTE_FIELD = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")
KEPT_STATUSES = (403, 404, 405, 429)  # anything else the spec answers with 400


def _params(request: HttpRequest) -> QueryDict:
    return request.POST if request.method == "POST" else request.GET


def _check_jurisdiction(request: HttpRequest) -> None:
    given = (_params(request).get("jurisdiction_id") or "").strip()
    if given and given != settings.OPEN311_JURISDICTION_ID:
        raise Open311Error(Open311ErrorCode.JURISDICTION,
                           _("jurisdiction_id provided was not found."), status=404)  # fmt: skip


def error_response(fmt: str, error: DomainError) -> HttpResponse:
    """The spec's error list (one error) with its HTTP status: 400, 403, 404 (429, 405)."""
    status = error.status if error.status in KEPT_STATUSES else 400
    return respond(fmt, "errors", [presenters.error_out(status, error.message)], status=status)


def _check_nul(request: HttpRequest, kwargs: dict[str, Any]) -> None:
    """PostgreSQL cannot compare text holding NUL: refuse it before any query."""
    values = [*kwargs.values(), *request.GET.values()]
    if request.method == "POST":
        values += list(request.POST.values())
    if any("\x00" in str(v) for v in values):
        raise Open311Error(Open311ErrorCode.INVALID, _("Text may not contain NUL characters."))


def _check_read_rate(request: HttpRequest) -> None:
    if not ratelimit.allow(request, "open311:read", settings.OPEN311_READ_RATE_PER_MINUTE):
        raise Open311Error(Open311ErrorCode.RATE_LIMITED,
                           _("Too many requests from this address; wait a minute."),
                           status=429)  # fmt: skip


def endpoint(*methods: str) -> Callable[[View], View]:
    """Check the format, the method and the jurisdiction; turn refusals into error documents."""

    def wrap(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def inner(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            try:
                if fmt not in FORMATS:
                    raise Open311Error(Open311ErrorCode.NOT_FOUND,
                                       _("Unknown format “%s”: use xml or json.") % fmt[:10],
                                       status=404)  # fmt: skip
                if request.method not in methods:
                    refused = Open311Error(Open311ErrorCode.METHOD, _("Method not allowed."),
                                           status=405)  # fmt: skip
                    response = error_response(fmt, refused)
                    response["Allow"] = ", ".join(methods)
                    return response
                _check_nul(request, kwargs)
                _check_jurisdiction(request)
                if request.method == "GET":
                    _check_read_rate(request)
                return view(request, fmt, *args, **kwargs)
            except DomainError as error:
                return error_response(fmt, error)
            except (RequestDataTooBig, TooManyFieldsSent):
                too_big = Open311Error(Open311ErrorCode.INVALID, _("The request is too large."))
                return error_response(fmt, too_big)

        return inner

    return wrap


@endpoint("GET")
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET services.{fmt}: the leaves of the category tree, grouped by their parent."""
    categories = list(Category.objects.filter(is_active=True).select_related("parent"))
    parents = {c.parent_id for c in categories if c.parent_id}
    asking = set(
        ServiceAttribute.objects.filter(is_active=True).values_list("category_id", flat=True)
    )
    document = [
        presenters.service_out(c, has_attributes=c.pk in asking)
        for c in categories
        if c.pk not in parents
    ]
    return respond(fmt, "services", document)


@endpoint("GET")
def service_definition(request: HttpRequest, fmt: str, service_code: str) -> HttpResponse:
    """GET services/{service_code}.{fmt}: the extra questions the service asks."""
    category = services.find_service(service_code)
    attributes = list(category.open311_attributes.filter(is_active=True))
    return respond(fmt, "service_definition", presenters.definition_out(category, attributes))


def _coordinates(data: QueryDict) -> tuple[float | None, float | None]:
    lat_text, long_text = (data.get("lat") or "").strip(), (data.get("long") or "").strip()
    if not lat_text and not long_text:
        return None, None
    try:
        lat, long = float(lat_text), float(long_text)
    except ValueError:
        lat = long = math.nan
    if not (math.isfinite(lat) and math.isfinite(long) and abs(lat) <= 90 and abs(long) <= 180):
        raise Open311Error(Open311ErrorCode.INVALID,
                           _("lat and long: both required, as WGS84 degrees."))  # fmt: skip
    return lat, long


def _attributes(data: QueryDict) -> dict[str, list[str]]:
    answers: dict[str, list[str]] = {}
    for name in data:
        if match := ATTRIBUTE_FIELD.match(name):
            answers.setdefault(match[1], []).extend(data.getlist(name))
    return answers


def _request_in(data: QueryDict) -> services.ServiceRequestIn:
    service_code = (data.get("service_code") or "").strip()
    if not service_code:
        raise Open311Error(Open311ErrorCode.INVALID, _("service_code was not provided."))
    lat, long = _coordinates(data)
    text = {name: data.get(name) or "" for name in (
        "address_string", "address_id", "email", "device_id", "account_id", "first_name",
        "last_name", "phone", "description", "media_url")}  # fmt: skip
    return services.ServiceRequestIn(
        service_code=service_code, lat=lat, long=long, attributes=_attributes(data), **text
    )


def _api_key(request: HttpRequest) -> ApiKey:
    key = services.find_api_key((request.POST.get("api_key") or "").strip())
    if key is None:
        raise Open311Error(Open311ErrorCode.BAD_KEY,
                           _("Invalid api_key received -- can't proceed with create_request."),
                           status=403)  # fmt: skip
    if not ratelimit.allow(request, f"open311:{key.prefix}", key.rate_per_minute):
        raise Open311Error(Open311ErrorCode.RATE_LIMITED,
                           _("Too many requests for this api_key; wait a minute."),
                           status=429)  # fmt: skip
    return key


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    key = _api_key(request)
    idempotency_key = (request.headers.get("Idempotency-Key") or "").strip()[:150] or None
    result = services.submit_request(
        _request_in(request.POST), api_key=key, idempotency_key=idempotency_key
    )
    response = respond(fmt, "service_requests", [presenters.created_out(result.submission)],
                       status=201 if result.created else 200)  # fmt: skip
    if not result.created:
        response["Idempotent-Replayed"] = "true"
    return response


def _filter(request: HttpRequest) -> queries.RequestFilter:
    return queries.RequestFilter(**{
        name: (request.GET.get(name) or "").strip()
        for name in ("service_request_id", "service_code", "start_date", "end_date", "status")
    })  # fmt: skip


@endpoint("GET", "POST")
def requests_collection(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET requests.{fmt}: search (90 days, 1000 at most); POST: submit a service request."""
    if request.method == "POST":
        return _create(request, fmt)
    found = queries.search(_filter(request))
    return respond(fmt, "service_requests", [presenters.request_out(c) for c in found])


@endpoint("GET")
def request_detail(request: HttpRequest, fmt: str, service_request_id: str) -> HttpResponse:
    """GET requests/{service_request_id}.{fmt}: one request (confidential ones are not found)."""
    case = queries.find_request(service_request_id)
    if case is None:
        raise Open311Error(Open311ErrorCode.NOT_FOUND,
                           _("service_request_id “%s” was not found.") % service_request_id[:40],
                           status=404)  # fmt: skip
    return respond(fmt, "service_requests", [presenters.request_out(case)])


@endpoint("GET")
def token_detail(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    """GET tokens/{token}.{fmt}: the service_request_id a submission's token stands for."""
    submission = (
        Open311Submission.objects.select_related("case")
        .filter(token=token, case__confidential=False)
        .first()
    )
    if submission is None:
        raise Open311Error(Open311ErrorCode.NOT_FOUND, _("token was not found."), status=404)
    return respond(fmt, "service_requests", [presenters.token_out(submission)])


@csrf_exempt
def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any other path under the endpoint: the spec's 404 error document (XML unless .json)."""
    fmt = "json" if path.endswith(".json") else "xml"
    error = Open311Error(Open311ErrorCode.NOT_FOUND, _("No such Open311 resource."), status=404)
    return error_response(fmt, error)
