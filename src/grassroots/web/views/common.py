"""What several pages share: the map configuration, the unit boundaries as GeoJSON, and
serving a case's file to someone already allowed to see it."""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

from django.conf import settings
from django.db.models import Max, Min
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from shapely.geometry import mapping, shape

from grassroots.cases.models import Attachment
from grassroots.cases.services import CaseDraft
from grassroots.geo import index as geo_index
from grassroots.geo.models import Area
from grassroots.organizations.enums import UnitLevel

logger = logging.getLogger(__name__)
# Simplification tolerance in degrees (about 50 m): boundaries are a base layer, not a survey.
SIMPLIFY_DEGREES = 0.0005
BASE_LEVELS = (UnitLevel.DISTRICT, UnitLevel.STREET)
_cache: dict[str, tuple[Any, bytes]] = {}
_cache_lock = threading.Lock()


def map_config(**extra: Any) -> dict[str, str]:
    """The data- attributes a map element needs (no inline script: static JS reads them)."""
    bounds = Area.objects.filter(unit__level__in=BASE_LEVELS).aggregate(
        s=Min("min_lat"), w=Min("min_lng"), n=Max("max_lat"), e=Max("max_lng")
    )
    box = [bounds["s"], bounds["w"], bounds["n"], bounds["e"]]
    return {
        "areas": reverse("web:areas"),
        "tiles": settings.MAP_TILE_URL,
        "bounds": json.dumps(box if None not in box else [39.8, 116.2, 40.0, 116.5]),
        **{k: str(v) for k, v in extra.items()},
    }


def _features(level: str) -> list[dict[str, Any]]:
    rows = Area.objects.filter(unit__level=level, unit__is_active=True).select_related("unit")
    return [
        {
            "type": "Feature",
            "geometry": mapping(shape(a.geometry).simplify(SIMPLIFY_DEGREES)),
            "properties": {"code": a.unit.code, "name": a.unit.name, "level": level},
        }
        for a in rows
    ]


def _collection(level: str, lang: str) -> bytes:
    """The simplified boundaries of one level, cached per process until the areas change."""
    key, version = f"{level}:{lang}", geo_index.current_version()
    with _cache_lock:
        cached = _cache.get(key)
        if cached is None or cached[0] != version:
            body = {"type": "FeatureCollection", "features": _features(level)}
            cached = _cache[key] = (version, json.dumps(body, ensure_ascii=False).encode())
        return bytes(cached[1])


@require_GET
def areas(request: HttpRequest) -> HttpResponse:
    """District and street boundaries (simplified GeoJSON), the maps' offline base layer."""
    level = request.GET.get("level", UnitLevel.STREET)
    if level not in BASE_LEVELS:
        return JsonResponse({"code": "invalid", "message": "level"}, status=400)
    lang = getattr(request, "LANGUAGE_CODE", "")
    response = HttpResponse(_collection(level, lang), content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=300"
    return response


def serve_attachment(attachment: Attachment) -> FileResponse:
    """A case's file, inline, never cached by shared caches, never content-sniffed (as the
    API serves it). The caller has checked that the requester may see it; a row whose file is
    gone from the disk is a 404 (and a warning in the log), not a 500."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        logger.warning("attachment %s: file %s is missing", attachment.pk, attachment.file.name)
        raise Http404(_("This file is no longer available.")) from None
    response = FileResponse(handle, content_type=attachment.content_type)
    name = (attachment.file.name or "file").rsplit("/", 1)[-1]
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def case_draft(data: dict[str, Any], *, channel: str, priority: str | None = None) -> CaseDraft:
    """A resident's case from a cleaned intake form (portal or phone); anonymous drops identity."""
    anonymous = bool(data["anonymous"])
    return CaseDraft(
        kind=data["kind"],
        subject=data["subject"],
        description=data["description"],
        category=data["category"] or None,
        channel=channel,
        lat=data["lat"],
        lng=data["lng"],
        address=data["address"],
        resident_name="" if anonymous else data["name"],
        resident_phone="" if anonymous else data["phone"],
        anonymous=anonymous,
        confidential=bool(data["confidential"]),
        **({"priority": priority} if priority else {}),
    )
