"""The supervisor's board: overdue and about-to-be-overdue cases by handling unit, with a map.

Who: centre roles (dispatcher, supervisor, admin) over the cases they may see
(`visible_cases`); handlers and grid workers over the cases led by a unit in their subtree.
Anyone else logged in gets a 403. Reads only: three queries over the cases whatever their
number (counts per unit, the first cases of each unit, overdue counts per place).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from grassroots.cases.enums import CaseStatus, Priority
from grassroots.cases.errors import CaseError, CaseErrorCode
from grassroots.cases.models import Case, Category
from grassroots.cases.permissions import CENTRE_ROLES, HANDLING_ROLES, Scope, visible_cases
from grassroots.core import clock
from grassroots.organizations.enums import UnitLevel
from grassroots.organizations.models import Unit
from grassroots.organizations.permissions import scope_q
from grassroots.organizations.querysets import PATH_STEP, subtree_q

from .common import map_config
from .console import PRIORITY_RANK, _console
from .errors import staff_view

# The states a resolve deadline still binds (as `CaseQuerySet.overdue`).
RUNNING = (CaseStatus.DISPATCHED, CaseStatus.ACCEPTED)
WINDOWS = {"2": 2, "24": 24, "72": 72}  # "due within" choices, in hours
DEFAULT_WINDOW = "24"
PER_UNIT = 8  # cases listed per unit; the counts are always complete
PER_UNIT_ONE = 50  # … when the board is narrowed to one unit's subtree
DETAILED_UNITS = 6  # units whose cases are listed (the first in the chosen order)
# The columns the lists and the map read (no text, no resident).
LISTED = (
    "tracking_code",
    "priority",
    "status",
    "resolve_due",
    "received_at",
    "lat",
    "lng",
    "supervise_count",
    "unit_id",
)
LANGS = ("zh", "en")
UNIT_SORTS = ("-overdue", "-soon", "unit")  # the units' order (column headers)
CASE_ORDERS = {
    "due": (F("resolve_due").asc(), F("id").asc()),
    "priority": (PRIORITY_RANK.asc(), F("resolve_due").asc(), F("id").asc()),
    "-received": (F("received_at").desc(), F("id").desc()),
}


@dataclass
class UnitRow:
    """One handling unit on the board: its counts and the first of its cases."""

    unit: Unit | None
    overdue: int = 0
    soon: int = 0
    cases: list[Case] = field(default_factory=list)
    href: str = ""  # the board's query string narrowed to this unit

    @property
    def more(self) -> int:
        return self.overdue + self.soon - len(self.cases)


def board_cases(user: Any, scope: Scope) -> QuerySet[Case]:
    """The cases this user's board covers, or a 403 for people who hold no staff role."""
    if scope.paths.keys() & CENTRE_ROLES:
        return visible_cases(user)
    if scope.paths.keys() & HANDLING_ROLES:
        return Case.objects.filter(scope_q(user, HANDLING_ROLES, field="unit"))
    raise CaseError(
        CaseErrorCode.FORBIDDEN, _("The board is for centre staff and units."), status=403
    )


def _filters(request: Any, qs: QuerySet[Case]) -> QuerySet[Case]:
    if request.GET.get("priority") in Priority.values:
        qs = qs.filter(priority=request.GET["priority"])
    if code := request.GET.get("category"):
        qs = qs.filter(Q(category__code=code) | Q(category__parent__code=code))
    if code := request.GET.get("unit"):
        unit = Unit.objects.filter(code=code).first()
        qs = qs.filter(subtree_q(unit.path, field="unit__path")) if unit else qs.none()
    return qs


def _counts(qs: QuerySet[Case], now: datetime) -> list[UnitRow]:
    counts = qs.values("unit").annotate(
        over=Count("id", filter=Q(resolve_due__lt=now)),
        soon=Count("id", filter=Q(resolve_due__gte=now)),
    )
    found = list(counts)
    units = Unit.objects.in_bulk([c["unit"] for c in found if c["unit"]])
    return [UnitRow(units.get(c["unit"]), overdue=c["over"], soon=c["soon"]) for c in found]


def _fill(qs: QuerySet[Case], rows: list[UnitRow], order: str, per_unit: int) -> None:
    """The first `per_unit` cases of each of these units, in one query (a window function)."""
    by_unit = {r.unit.pk if r.unit else None: r for r in rows}
    ids = [pk for pk in by_unit if pk is not None]
    wanted = Q(unit_id__in=ids) | Q(unit__isnull=True) if None in by_unit else Q(unit_id__in=ids)
    ranked = qs.filter(wanted).annotate(
        rank=Window(RowNumber(), partition_by=[F("unit_id")], order_by=CASE_ORDERS[order]),
    )
    found = (
        ranked.filter(rank__lte=per_unit)
        .select_related("category", "place_unit")
        .only(*LISTED, *(f"{r}__name_{lang}" for r in ("category", "place_unit") for lang in LANGS))
    )
    url = reverse("web:case", kwargs={"case_id": 0}).replace("/0/", "/{}/")
    for case in found.order_by("unit_id", "rank"):
        case.url = url.format(case.pk)  # type: ignore[attr-defined]
        by_unit[case.unit_id].cases.append(case)


def _sorted(rows: list[UnitRow], sort: str) -> list[UnitRow]:
    if sort == "unit":
        return sorted(rows, key=lambda r: r.unit.name if r.unit else "")
    key = "soon" if sort == "-soon" else "overdue"
    return sorted(rows, key=lambda r: (-getattr(r, key), r.unit.name if r.unit else ""))


def _by_street(qs: QuerySet[Case], now: datetime) -> dict[str, int]:
    """Overdue cases per street (by where they are), keyed by the street's code."""
    streets = dict(
        Unit.objects.filter(level=UnitLevel.STREET, area__isnull=False).values_list("path", "code")
    )
    found: dict[str, int] = {}
    per_place = qs.filter(resolve_due__lt=now, place_unit__isnull=False)
    for row in per_place.values("place_unit__path").annotate(n=Count("id")):
        path = row["place_unit__path"]
        code = next((streets[p] for p in _prefixes(path) if p in streets), None)
        if code is not None:
            found[code] = found.get(code, 0) + row["n"]
    return found


def _prefixes(path: str) -> list[str]:
    return [path[:end] for end in range(PATH_STEP, len(path) + 1, PATH_STEP)]


def _markers(rows: list[UnitRow], now: datetime) -> list[list[Any]]:
    """[lat, lng, tracking code, category, overdue?, case URL]: nothing about the resident."""
    return [
        [
            round(c.lat, 5),
            round(c.lng, 5),
            c.tracking_code,
            c.category.name if c.category else "",
            bool(c.resolve_due and c.resolve_due < now),
            c.url,  # type: ignore[attr-defined]
        ]
        for row in rows
        for c in row.cases
        if c.lat is not None and c.lng is not None
    ]


@dataclass
class Board:
    """What the board page shows: every unit's counts, the cases of the first units."""

    rows: list[UnitRow]
    detailed: list[UnitRow]
    streets: dict[str, int]
    markers: list[list[Any]]
    now: datetime
    per_unit: int

    @property
    def overdue(self) -> int:
        return sum(r.overdue for r in self.rows)

    @property
    def soon(self) -> int:
        return sum(r.soon for r in self.rows)


def build_board(request: Any, window: str, sort: str, order: str) -> Board:
    """Counts per unit, the first cases of the first units, overdue per street, markers."""
    now = clock.now()
    until = now + timedelta(hours=WINDOWS[window])
    base = board_cases(request.user, Scope.of(request.user))
    qs = _filters(request, base.filter(status__in=RUNNING, resolve_due__lt=until))
    rows = _sorted(_counts(qs, now), sort)
    for row in rows:
        if row.unit is not None:
            params = request.GET.copy()
            params["unit"] = row.unit.code
            row.href = params.urlencode()
    per_unit = PER_UNIT_ONE if request.GET.get("unit") else PER_UNIT
    detailed = rows[:DETAILED_UNITS]
    _fill(qs, detailed, order, per_unit)
    return Board(rows, detailed, _by_street(qs, now), _markers(detailed, now), now, per_unit)


@staff_view
def board(request: HttpRequest) -> HttpResponse:
    """The supervisor's board: overdue and due-soon cases per unit, sortable, with a map."""
    window = request.GET.get("window", DEFAULT_WINDOW)
    sort = request.GET.get("sort", "-overdue")
    order = request.GET.get("order", "due")
    if window not in WINDOWS or sort not in UNIT_SORTS or order not in CASE_ORDERS:
        raise CaseError(CaseErrorCode.INVALID, _("Unknown filter value."), status=400)
    data = build_board(request, window, sort, order)
    context = _console(
        request,
        b=data,
        window=window,
        windows=WINDOWS,
        sort=sort,
        order=order,
        query=request.GET,
        categories=Category.objects.filter(is_active=True, parent=None),
        priorities=Priority.choices,
        map=map_config(),
        map_data={"streets": data.streets, "cases": data.markers},
        supervised=_("Supervised"),
    )
    return render(request, "web/board/board.html", context)
