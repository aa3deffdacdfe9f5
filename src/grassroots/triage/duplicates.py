"""Likely duplicates: earlier cases near the new one, ranked by text similarity.

Space and time cut the history down first (same street, or within a radius, within a number
of days; open cases or recently closed ones), so the text comparison only ever sees a few
hundred candidates however long the history grows. The comparison is a character n-gram
TF-IDF cosine fitted on those candidates: it needs no word segmentation, so Chinese and English
work alike, and it tolerates typos and reordered phrases.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.db.models import Q

from grassroots.cases.enums import OPEN_STATUSES, CaseStatus
from grassroots.cases.models import Case
from grassroots.organizations.enums import UnitLevel
from grassroots.organizations.querysets import subtree_q

from .routing import place_chain
from .similarity import similarities

MAX_CANDIDATES = 2000  # the most recent ones, if a busy street holds more
EARTH_RADIUS_M = 6_371_000.0


@dataclass(frozen=True)
class Duplicate:
    """An earlier case that may be the same request, with its text similarity (0–1)."""

    case_id: int
    tracking_code: str
    subject: str
    status: str
    similarity: float


def case_text(case: Case) -> str:
    """The text triage reads: subject and description."""
    return f"{case.subject}\n{case.description}".strip()


def _near(case: Case) -> Q | None:
    """Same street as the case, or within the radius of its point; None when it has no place."""
    where: Q | None = None
    street = next((u for u in place_chain(case.place_unit) if u.level == UnitLevel.STREET), None)
    area = street or case.place_unit
    if area is not None:
        where = subtree_q(area.path, "place_unit__path")
    if case.lat is not None and case.lng is not None:
        dlat = math.degrees(settings.TRIAGE_DUPLICATE_RADIUS_M / EARTH_RADIUS_M)
        dlng = dlat / max(math.cos(math.radians(case.lat)), 0.01)
        box = Q(lat__range=(case.lat - dlat, case.lat + dlat)) & Q(
            lng__range=(case.lng - dlng, case.lng + dlng)
        )
        where = box if where is None else where | box
    return where


def candidates(case: Case) -> list[Case]:
    """Open and recently closed cases near the case, received within the window before it."""
    since = case.received_at - timedelta(days=settings.TRIAGE_DUPLICATE_DAYS)
    recent = Q(status__in=OPEN_STATUSES) | Q(status=CaseStatus.CLOSED, closed_at__gte=since)
    qs = (
        Case.objects.filter(recent, received_at__gte=since, received_at__lte=case.received_at)
        .exclude(pk=case.pk)
        .only("id", "tracking_code", "subject", "description", "status", "lat", "lng")
    )
    near = _near(case)
    if near is not None:
        qs = qs.filter(near)
    return list(qs.order_by("-received_at", "-id")[:MAX_CANDIDATES])


def find_duplicates(case: Case, *, limit: int = 5) -> list[Duplicate]:
    """The most similar candidates at or above TRIAGE_DUPLICATE_MIN_SIMILARITY, best first."""
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
        )
        for i in order
        if scores[i] >= floor
    ]
