"""The one JSON API: each app's router mounted under /api/v1, one error format for all.

Every error is `{"code": ..., "message": ...}` with a 4xx status; a bug is logged and answered
with a 500 in the same shape, never an HTML page.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from grassroots import __version__
from grassroots.accounts.api import router as auth_router
from grassroots.cases.api import categories_router, track_router
from grassroots.cases.api import router as cases_router
from grassroots.core.errors import CoreErrorCode, DomainError
from grassroots.core.nul import NulRefusingParser
from grassroots.deliberation.api import router as deliberation_router
from grassroots.geo.api import router as geo_router
from grassroots.triage.api import router as triage_router

logger = logging.getLogger(__name__)


class GrassrootsAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document also describes the one error shape of every operation."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return document_errors(schema)


ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "properties": {
        "code": {"type": "string", "description": "Stable error code clients switch on."},
        "message": {"type": "string", "description": "Human-readable, in the request's language."},
        "details": {"description": "Per-field problems, for invalid input (422)."},
    },
    "required": ["code", "message"],
}
ERROR_RESPONSES = {
    "4XX": "Refused: bad input (400/422), not logged in (401), not allowed (403), not found "
    "or not visible to you (404), too large (413), rate-limited (429).",
    "5XX": "A fault on our side, in the same shape; it is logged.",
}


def document_errors(schema: Any) -> Any:
    """Add the Error component and 4XX/5XX responses to every operation that lists none."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = {str(code): value for code, value in operation.get("responses", {}).items()}
            operation["responses"] = responses
            for key, description in ERROR_RESPONSES.items():
                if not any(code.startswith(key[0]) for code in responses):
                    responses[key] = {"description": description, "content": content}
    return schema


api = GrassrootsAPI(
    title="Grassroots API",
    version="1",
    description="Community governance and public service: cases, units, areas and more.",
    urls_namespace="api",
    parser=NulRefusingParser(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


class ErrorOut(Schema):
    code: str
    message: str


class HealthOut(Schema):
    status: str
    version: str


def _error(
    request: HttpRequest, status: int, code: str, message: str, **extra: object
) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields = [".".join(str(p) for p in e.get("loc", ())[1:]) for e in exc.errors]
    message = (
        _("Invalid input: %s") % ", ".join(f for f in fields if f)
        if fields
        else _("Invalid input.")
    )
    return _error(request, 422, CoreErrorCode.INVALID, message, details=exc.errors)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, CoreErrorCode.NOT_AUTHENTICATED, _("Authentication required."))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, CoreErrorCode.NOT_FOUND, _("Not found."))


# django-ninja's own (English) message for a body its parser refuses; DEBUG appends the reason.
NINJA_UNPARSABLE_BODY = "Cannot parse request body"


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, DomainError):  # ninja wraps errors raised while parsing
        return on_domain_error(request, exc.__cause__)
    message = str(exc)
    if exc.status_code == 400 and message.startswith(NINJA_UNPARSABLE_BODY):
        message = _("Cannot parse the request body: send a valid JSON document.")
    return _error(request, exc.status_code, "http_error", message)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _error(request, 413, "request_too_large", _("The request body is too large."))


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unhandled error in %s %s", request.method, request.path)
    return _error(request, 500, "internal_error", _("Something went wrong on our side."))


class JsonMethodNotAllowedMiddleware:
    """django-ninja answers a wrong method with a plain-text 405: give it the API's error shape."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = self.get_response(request)
        if (
            response.status_code == 405
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            allowed = response.get("Allow", "")
            response = _error(
                request, 405, "method_not_allowed", _("Method not allowed; use %s.") % allowed
            )
            response["Allow"] = allowed
        return response


@csrf_exempt  # no state changes here; a CSRF 403 would hide the 404 from API clients
def api_not_found(request: HttpRequest) -> HttpResponse:
    """Any path under /api/ that no endpoint matches: a JSON 404 like every other refusal."""
    return _error(request, 404, CoreErrorCode.NOT_FOUND, _("Not found."))


@api.get("/health", response=HealthOut, tags=["system"], auth=None)
def health(request: HttpRequest) -> dict[str, str]:
    """Liveness: the app answers without touching the database."""
    return {"status": "ok", "version": __version__}


api.add_router("/auth", auth_router, tags=["auth"])
api.add_router("/cases", cases_router)
api.add_router("/track", track_router)
api.add_router("/categories", categories_router)
api.add_router("/areas", geo_router, tags=["areas"])
api.add_router("/insights", "grassroots.insights.api.router")
api.add_router("/deliberation", deliberation_router)
api.add_router("", triage_router)
api.add_router("/duty", "grassroots.organizations.api.router")
