"""Likely duplicates: earlier cases near the new one, ranked by text similarity.

Space and time cut the history down first (same street, or within a radius, within a number
of days; open cases or recently closed ones), so the text comparison only ever sees a few
hundred candidates however long the history grows. The comparison is a character n-gram
TF-IDF cosine fitted on those candidates: it needs no word segmentation, so Chinese and English
work alike, and it tolerates typos and reordered phrases. Each candidate's n-grams are kept
per process, keyed by its text (`similarity.INDEX`), so a phone operator's hint while typing
fits no vectoriser and re-reads no candidate text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple, Protocol

import numpy as np
from django.conf import settings
from django.db.models import Q

from grassroots.cases.enums import OPEN_STATUSES, CaseStatus
from grassroots.cases.models import Case
from grassroots.organizations.enums import UnitLevel
from grassroots.organizations.models import Unit
from grassroots.organizations.querysets import subtree_q

from . import reasons as r
from .routing import place_chain
from .similarity import similarities

MAX_CANDIDATES = 2000  # the most recent ones, if a busy street holds more
EARTH_RADIUS_M = 6_371_000.0
# What a candidate needs: its text, its identity, and for the reason its point and time.
CANDIDATE_FIELDS = [
    "id",
    "tracking_code",
    "subject",
    "description",
    "status",
    "lat",
    "lng",
    "received_at",
]


class Candidate(NamedTuple):
    """An earlier case as the finder reads it (plain values: no model instance to build)."""

    pk: int
    tracking_code: str
    subject: str
    description: str
    status: str
    lat: float | None
    lng: float | None
    received_at: datetime


class _Located(Protocol):
    @property
    def lat(self) -> float | None: ...
    @property
    def lng(self) -> float | None: ...


class _Texted(Protocol):
    @property
    def subject(self) -> str: ...
    @property
    def description(self) -> str: ...


@dataclass(frozen=True)
class Duplicate:
    """An earlier case that may be the same request, with its text similarity (0–1)."""

    case_id: int
    tracking_code: str
    subject: str
    status: str
    similarity: float
    reason: r.Reason | str = ""  # data (reasons.py); text in rows stored before


def case_text(case: _Texted) -> str:
    """The text triage reads: subject and description."""
    return f"{case.subject}\n{case.description}".strip()


def _near(case: Case) -> Q | None:
    """Same street as the case, or within the radius of its point; None when it has no place."""
    where: Q | None = None
    street = next((u for u in place_chain(case.place_unit) if u.level == UnitLevel.STREET), None)
    area = street or case.place_unit
    if area is not None:
        # The units of the area first (a few), then the cases by their indexed place_unit:
        # a join on the place's path would scan the whole history.
        units = list(Unit.objects.filter(subtree_q(area.path)).values_list("id", flat=True))
        where = Q(place_unit_id__in=units)
    if case.lat is not None and case.lng is not None:
        dlat = math.degrees(settings.TRIAGE_DUPLICATE_RADIUS_M / EARTH_RADIUS_M)
        dlng = dlat / max(math.cos(math.radians(case.lat)), 0.01)
        box = Q(lat__range=(case.lat - dlat, case.lat + dlat)) & Q(
            lng__range=(case.lng - dlng, case.lng + dlng)
        )
        where = box if where is None else where | box
    return where


def candidates(case: Case) -> list[Candidate]:
    """Open and recently closed cases near the case, received within the window before it."""
    since = case.received_at - timedelta(days=settings.TRIAGE_DUPLICATE_DAYS)
    recent = Q(status__in=OPEN_STATUSES) | Q(status=CaseStatus.CLOSED, closed_at__gte=since)
    qs = Case.objects.filter(
        recent, received_at__gte=since, received_at__lte=case.received_at
    ).exclude(pk=case.pk)
    near = _near(case)
    if near is not None:
        qs = qs.filter(near)
    rows = qs.order_by("-received_at", "-id").values_list(*CANDIDATE_FIELDS)[:MAX_CANDIDATES]
    return [Candidate(*row) for row in rows]


def _metres(a: _Located, b: _Located) -> float | None:
    if None in (a.lat, a.lng, b.lat, b.lng):
        return None
    lat1, lng1, lat2, lng2 = map(math.radians, (a.lat, a.lng, b.lat, b.lng))  # type: ignore[arg-type]
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def _reason(case: Case, other: Candidate, score: float) -> r.Reason:
    """Why a dispatcher should look: how similar, how far (or "in the same area"), how long
    before."""
    metres = _metres(case, other)
    hours = max((case.received_at - other.received_at).total_seconds() / 3600, 0.0)
    return r.reason(
        "duplicate.similar",
        p=score * 100,
        metres=None if metres is None else round(metres),
        hours=hours,
    )


def find_duplicates(case: Case, *, limit: int = 5) -> list[Duplicate]:
    """The most similar candidates at or above TRIAGE_DUPLICATE_MIN_SIMILARITY, best first,
    each with a reason (similarity, distance or same area, how long before)."""
    found = candidates(case)
    scores = similarities(case_text(case), [case_text(c) for c in found])
    order = np.argsort(-scores, kind="stable")[:limit]
    floor = settings.TRIAGE_DUPLICATE_MIN_SIMILARITY
    return [
        Duplicate(
            found[i].pk,
            found[i].tracking_code,
            found[i].subject,
            found[i].status,
            round(float(scores[i]), 4),
            _reason(case, found[i], float(scores[i])),
        )
        for i in order
        if scores[i] >= floor
    ]
