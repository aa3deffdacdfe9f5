"""Load the demo city through the services only, idempotently and in one transaction.

Units are upserted by code: a unit that exists is kept as it is (a deployment may have
renamed it), a missing one is created, a missing area is set. Once a load has completed an
audit entry `demo.data.loaded` marks the database, and later loads return at once unless
forced (a forced load fills in whatever is missing and changes nothing else). The demo cases
are made once, after the units and users, in the same transaction (see `cases.py`).
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from shapely.geometry.base import BaseGeometry
from tqdm import tqdm

from grassroots.cases.models import Case
from grassroots.core import audit
from grassroots.core.models import AuditEntry
from grassroots.geo.models import Area
from grassroots.geo.services import set_area
from grassroots.open311.models import ApiKey
from grassroots.open311.services import ensure_demo_partner
from grassroots.organizations.enums import UnitLevel
from grassroots.organizations.models import Unit
from grassroots.organizations.services import create_unit
from grassroots.triage.defaults.demo_model import ensure_demo_model

from . import catalog, sources
from .addresses import load_addresses
from .cases import CaseLoad, load_cases
from .lattice import Lattice, clip
from .users import DemoLogin, demo_logins, ensure_demo_shifts, ensure_demo_users

LOADED_ACTION = "demo.data.loaded"
STREET_SOURCE = "NYC DCP community districts (dwillis/nyc-maps), BoroCD {code}"
DISTRICT_SOURCE = "union of the borough's NYC DCP community districts"
LATTICE_SOURCE = "demo: regular lattice clipped to {parent}"


@dataclass
class DemoSummary:
    """What a load did: units created per level, users created, the logins, the time taken."""

    already_loaded: bool
    created: Counter[str] = field(default_factory=Counter)
    users_created: int = 0
    logins: list[DemoLogin] = field(default_factory=list)
    seconds: float = 0.0
    cases: CaseLoad | None = None
    partner_created: bool = False
    addresses_created: int = 0

    @property
    def changed(self) -> bool:
        """Whether the load wrote anything."""
        made = self.cases.created + self.cases.categories_created if self.cases else 0
        return bool(
            self.created
            or self.users_created
            or made
            or self.partner_created
            or self.addresses_created
        )


def is_loaded() -> bool:
    """Whether a demo load has completed in this database (and its city is still there)."""
    return (
        AuditEntry.objects.filter(action=LOADED_ACTION).exists()
        and Unit.objects.filter(code=catalog.CITY_CODE).exists()
    )


def load_demo(*, force: bool = False, progress: bool = False) -> DemoSummary:
    """Load the demo city, its departments and the demo users; a no-op once loaded."""
    started, now = time.perf_counter(), timezone.now()
    if is_loaded() and not force:
        return DemoSummary(already_loaded=True, logins=demo_logins(_street_codes_in_db()))
    with transaction.atomic():
        builder = _TreeBuilder(progress=progress)
        builder.build()
        logins = demo_logins([str(code) for code in sources.community_districts()])
        users_created = ensure_demo_users(logins, builder.units)
        ensure_demo_shifts(logins, builder.units, now=now)
        summary = DemoSummary(False, builder.created, users_created, logins)
        summary.addresses_created = load_addresses()  # the address library, from the records
        summary.cases = load_cases(builder.units, now=now, progress=progress)
        summary.partner_created = _ensure_open311_partner()
        ensure_demo_model()  # the NYC 311 classifier; activated when none is active
        _compute_hot_issues()
        if summary.changed:
            _mark_loaded(summary)
    summary.seconds = time.perf_counter() - started
    return summary


def _compute_hot_issues() -> None:
    """The hot issues of the months that hold at least 10 demo cases (a hot issue needs 3)."""
    from collections import Counter

    from grassroots.insights.hot.services import compute_hot_issues
    from grassroots.insights.periods import parse_period

    months = Counter(
        timezone.localtime(at).strftime("%Y-%m")
        for at in Case.objects.values_list("received_at", flat=True)
    )
    for month in sorted(m for m, n in months.items() if n >= 10):
        compute_hot_issues(parse_period(month))


def _ensure_open311_partner() -> bool:
    """The Open311 demo key `grassroots-demo-key`; True when it was issued now."""
    before = ApiKey.objects.count()
    ensure_demo_partner()
    return ApiKey.objects.count() > before


def _street_codes_in_db() -> list[str]:
    streets = Unit.objects.filter(level=UnitLevel.STREET, parent__parent__code=catalog.CITY_CODE)
    return sorted(streets.values_list("code", flat=True))


def _mark_loaded(summary: DemoSummary) -> None:
    audit.record(
        LOADED_ACTION,
        actor=None,
        summary="New York City demo",
        data={
            "created": dict(summary.created),
            "users_created": summary.users_created,
            "cases_created": summary.cases.created if summary.cases else 0,
            "cases_at": summary.cases.now.isoformat() if summary.cases else None,
        },
    )


class _TreeBuilder:
    """Upserts units by code; reads what exists once, so a forced reload writes nothing."""

    def __init__(self, *, progress: bool) -> None:
        self.units: dict[str, Unit] = {u.code: u for u in Unit.objects.all()}
        self.with_area: set[int] = set(Area.objects.values_list("unit_id", flat=True))
        self.created: Counter[str] = Counter()
        self.progress = progress
        self.lattice = Lattice.of_metres(catalog.COMMUNITY_CELL_M, origin=catalog.LATTICE_ORIGIN)

    def build(self) -> None:
        """City, districts, departments, then each street with its communities and grids."""
        city = self.unit(
            catalog.CITY_CODE,
            level=UnitLevel.CITY,
            names=(catalog.CITY_NAME_ZH, catalog.CITY_NAME_EN),
            parent=None,
        )
        districts = self._districts(city)
        self._departments(city)
        for boro_cd, geom in self._bar(sources.community_districts().items()):
            street = self._street(boro_cd, geom, districts[boro_cd // 100])
            self._communities(street, geom)

    def unit(
        self,
        code: str,
        *,
        level: str,
        names: tuple[str, str],
        parent: Unit | None,
        area: BaseGeometry | None = None,
        source: str = "",
    ) -> Unit:
        """The unit with this code, created if missing; its area set if it has none."""
        unit = self.units.get(code)
        if unit is None:
            name_zh, name_en = names
            unit = create_unit(
                code, level=level, name_zh=name_zh, name_en=name_en, parent=parent, actor=None
            )
            self.units[code] = unit
            self.created[level] += 1
        if area is not None and unit.pk not in self.with_area:
            set_area(unit, geometry=area, source=source, actor=None)
            self.with_area.add(unit.pk)
        return unit

    def _districts(self, city: Unit) -> dict[int, Unit]:
        return {
            code: self.unit(
                catalog.BOROUGHS[code].unit_code,
                level=UnitLevel.DISTRICT,
                names=(catalog.BOROUGHS[code].name_zh, catalog.BOROUGHS[code].name_en),
                parent=city,
                area=geom,
                source=DISTRICT_SOURCE,
            )
            for code, geom in sources.boroughs().items()
        }

    def _departments(self, city: Unit) -> None:
        for agency in sources.agencies():
            self.unit(
                catalog.department_code(agency.code),
                level=UnitLevel.DEPARTMENT,
                names=(catalog.AGENCY_NAMES_ZH.get(agency.code, ""), agency.name),
                parent=city,
            )

    def _street(self, boro_cd: int, geom: BaseGeometry, district: Unit) -> Unit:
        return self.unit(
            str(boro_cd),
            level=UnitLevel.STREET,
            names=catalog.street_names(boro_cd),
            parent=district,
            area=geom,
            source=STREET_SOURCE.format(code=boro_cd),
        )

    def _communities(self, street: Unit, geom: BaseGeometry) -> None:
        pieces = clip(geom, self.lattice, min_area_m2=catalog.MIN_COMMUNITY_M2)
        for number, piece in enumerate(pieces, start=1):
            community = self.unit(
                catalog.community_code(street.code, number),
                level=UnitLevel.COMMUNITY,
                names=catalog.community_names(street.code, number),
                parent=street,
                area=piece,
                source=LATTICE_SOURCE.format(parent=street.code),
            )
            self._grids(street, number, community, piece)

    def _grids(self, street: Unit, number: int, community: Unit, geom: BaseGeometry) -> None:
        lattice = self.lattice.refined(catalog.GRID_SPLIT)
        for grid_number, piece in enumerate(
            clip(geom, lattice, min_area_m2=catalog.MIN_GRID_M2), start=1
        ):
            self.unit(
                catalog.grid_code(community.code, grid_number),
                level=UnitLevel.GRID,
                names=catalog.grid_names(street.code, number, grid_number),
                parent=community,
                area=piece,
                source=LATTICE_SOURCE.format(parent=community.code),
            )

    def _bar(self, items: Iterable[tuple[int, BaseGeometry]]) -> Iterable[tuple[int, BaseGeometry]]:
        return tqdm(
            list(items),
            desc="community districts",
            unit="cd",
            file=sys.stderr,
            disable=not self.progress,
        )
