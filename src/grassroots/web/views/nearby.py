"""The public map of cases near a place, as FixMyStreet shows them, and the GeoJSON behind it.

Public means: not confidential, not a petition, not rejected or merged, with a point, received
in the last `days` days. Each case shows only its category, its state, the day it came in and
the community it lies in; never the resident's words, name, phone or address. Its point is
snapped to the centre of a cell of `CELL` degrees (about 220 × 170 m at 40° N), and the boxes
asked for are widened to whole cells, so no query can tell where in its cell a case lies.
The page works without JavaScript: a place name gives a list; the script adds the map.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from grassroots.cases.enums import CaseKind, CaseStatus
from grassroots.cases.models import Case
from grassroots.core import clock
from grassroots.geo.models import Area
from grassroots.geo.public import CELL, cells, snap
from grassroots.organizations.enums import UnitLevel

from .common import map_config
from .portal import TRACKED

HALF = (0.008, 0.010)  # the box around a chosen point: about 1.8 × 1.7 km
MAX_SPAN = 0.25  # degrees: a larger box is refused (zoom in)
DAYS = (7, 30, 90)
DEFAULT_DAYS = 30
LIST_LIMIT = 50  # the page's list (no JS)
GEOJSON_LIMIT = 300  # the map's markers, newest first
PLACE_LEVELS = (UnitLevel.STREET, UnitLevel.COMMUNITY, UnitLevel.GRID, UnitLevel.DISTRICT)
HIDDEN_STATUSES = (CaseStatus.REJECTED, CaseStatus.MERGED)


def _edge(cell: int) -> float:
    return round(cell * CELL, 6)


@dataclass(frozen=True)
class Box:
    """A latitude/longitude box whose edges lie on the cell grid."""

    south: float
    west: float
    north: float
    east: float

    @classmethod
    def widened(cls, south: float, west: float, north: float, east: float) -> Box:
        """The smallest box of whole cells that holds the given one."""
        return cls(
            _edge(math.floor(cells(south))),
            _edge(math.floor(cells(west))),
            _edge(math.ceil(cells(north))),
            _edge(math.ceil(cells(east))),
        )

    def as_list(self) -> list[float]:
        """[south, west, north, east], the order the maps' data-bounds use."""
        return [round(v, 6) for v in (self.south, self.west, self.north, self.east)]


class BadQuery(ValueError):
    """A parameter the page cannot use; its message is shown or returned as JSON."""


def public_cases(days: int) -> QuerySet[Case]:
    """The cases anyone may see on the map (see the module docstring)."""
    since = clock.now() - timedelta(days=days)
    return (
        Case.objects.filter(confidential=False, received_at__gte=since)
        .filter(lat__isnull=False, lng__isnull=False)
        .exclude(status__in=HIDDEN_STATUSES)
        .exclude(kind=CaseKind.PETITION)
    )


def in_box(qs: QuerySet[Case], box: Box) -> QuerySet[Case]:
    return qs.filter(
        lat__gte=box.south, lat__lt=box.north, lng__gte=box.west, lng__lt=box.east
    ).order_by("-received_at", "-id")


def _number(raw: str, name: str, limit: float) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and -limit <= value <= limit):
        raise BadQuery(
            _("%(name)s must be a number between -%(limit)s and %(limit)s.")
            % {
                "name": name,
                "limit": int(limit),
            }
        )
    return value


def parse_days(raw: str | None) -> int:
    if not raw:
        return DEFAULT_DAYS
    if raw not in {str(d) for d in DAYS}:  # not isdigit(): "²" passes it and int() refuses it
        raise BadQuery(_("days must be one of 7, 30 or 90."))
    return int(raw)


def parse_bbox(raw: str) -> Box:
    """`west,south,east,north` (the GeoJSON order), at most `MAX_SPAN` degrees each way."""
    parts = raw.split(",")
    if len(parts) != 4:
        raise BadQuery(_("bbox must be west,south,east,north in degrees."))
    west, east = (_number(parts[i], "bbox", 180.0) for i in (0, 2))
    south, north = (_number(parts[i], "bbox", 90.0) for i in (1, 3))
    if not (south < north and west < east):
        raise BadQuery(_("bbox must be west,south,east,north in degrees."))
    if north - south > MAX_SPAN or east - west > MAX_SPAN:
        raise BadQuery(_("This area is too large: zoom in."))
    return Box.widened(south, west, north, east)


def _around(lat: float, lng: float) -> Box:
    return Box.widened(lat - HALF[0], lng - HALF[1], lat + HALF[0], lng + HALF[1])


def find_place(text: str) -> tuple[str, Box] | None:
    """A unit whose name holds the text (streets first), and the box of its area."""
    match = Q(unit__name_zh__icontains=text) | Q(unit__name_en__icontains=text)
    areas = Area.objects.filter(match, unit__is_active=True, unit__level__in=PLACE_LEVELS)
    for level in PLACE_LEVELS:
        area = areas.filter(unit__level=level).select_related("unit").order_by("unit__code").first()
        if area is not None:
            box = Box.widened(area.min_lat, area.min_lng, area.max_lat, area.max_lng)
            if box.north - box.south > MAX_SPAN or box.east - box.west > MAX_SPAN:
                mid = ((box.south + box.north) / 2, (box.west + box.east) / 2)
                box = _around(*mid)
            return area.unit.name, box
    return None


def _tracked(request: HttpRequest) -> set[str]:
    return set(request.session.get(TRACKED, {})) if hasattr(request, "session") else set()


FIELDS = (
    "lat",
    "lng",
    "status",
    "received_at",
    "tracking_code",
    "category__name_zh",
    "category__name_en",
    "place_unit__name_zh",
    "place_unit__name_en",
)


def _name(row: dict[str, Any], prefix: str, zh: bool) -> str:
    first, second = (f"{prefix}__name_zh", f"{prefix}__name_en")[:: 1 if zh else -1]
    return str(row[first] or row[second] or "")


def case_out(row: dict[str, Any], tracked: set[str], zh: bool) -> dict[str, Any]:
    """What the public sees of one case: no text, no person, the point snapped to its cell."""
    code = row["tracking_code"]
    return {
        "lat": snap(row["lat"]),
        "lng": snap(row["lng"]),
        "category": _name(row, "category", zh) or _("Uncategorised"),
        "status": row["status"],
        "status_label": str(CaseStatus(row["status"]).label),
        "date": timezone.localdate(row["received_at"]).isoformat(),
        "place": _name(row, "place_unit", zh),
        "track": reverse("web:track", kwargs={"code": code}) if code in tracked else None,
    }


def _rows(qs: QuerySet[Case], limit: int, tracked: set[str]) -> list[dict[str, Any]]:
    zh = (get_language() or "").startswith("zh")
    return [case_out(row, tracked, zh) for row in qs.values(*FIELDS)[:limit]]


def _where(request: HttpRequest) -> tuple[str, Box | None]:
    """The place the page is about: a point, a place name, or none (the whole city)."""
    lat, lng, place = (request.GET.get(k, "").strip() for k in ("lat", "lng", "place"))
    if lat or lng:
        here = _number(lat, "lat", 90.0), _number(lng, "lng", 180.0)
        return _("Around the chosen point"), _around(*here)
    if place:
        found = find_place(place)
        if found is None:
            raise BadQuery(_("No street or community with this name."))
        return found
    return "", None


@require_GET
def nearby(request: HttpRequest) -> HttpResponse:
    """Public cases near a place: a list without JavaScript, a map with it."""
    error, label, box = "", "", None
    try:
        days = parse_days(request.GET.get("days"))
        label, box = _where(request)
    except BadQuery as bad:
        error, days = str(bad), DEFAULT_DAYS
    qs = public_cases(days)
    qs = in_box(qs, box) if box is not None else qs.order_by("-received_at", "-id")
    rows = _rows(qs, LIST_LIMIT, _tracked(request))
    extra: dict[str, Any] = {"cases": reverse("web:nearby_geojson"), "days": days}
    config = map_config(**extra)
    if box is not None:
        config["bounds"] = json.dumps(box.as_list())
    context = {
        "rows": rows,
        "limit": LIST_LIMIT,
        "label": label,
        "error": error,
        "days": days,
        "day_choices": DAYS,
        "query": request.GET,
        "map": config,
    }
    return render(request, "web/nearby/nearby.html", context, status=400 if error else 200)


@require_GET
def nearby_geojson(request: HttpRequest) -> HttpResponse:
    """The public cases in a box as GeoJSON points (snapped), newest first, at most 300."""
    try:
        days = parse_days(request.GET.get("days"))
        box = parse_bbox(request.GET.get("bbox", ""))
    except BadQuery as bad:
        return JsonResponse({"code": "invalid", "message": str(bad)}, status=400)
    rows = _rows(in_box(public_cases(days), box), GEOJSON_LIMIT + 1, _tracked(request))
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [r.pop("lng"), r.pop("lat")]},
            "properties": r,
        }
        for r in rows[:GEOJSON_LIMIT]
    ]
    body = {
        "type": "FeatureCollection",
        "features": features,
        "truncated": len(rows) > GEOJSON_LIMIT,
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/geo+json"
    response["Cache-Control"] = "private, max-age=60"
    return response
