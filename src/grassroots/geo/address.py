"""Where an address is: the standard address library first, then unit names in the text.

`locate_address(text)` answers `(point, located, how)`:

1. **The library** (`AddressPoint`): one indexed query for the address's key and the keys
   with trailing localities stripped (`addresskeys.key_candidates`); the most specific hit
   gives the point, and the area index the unit at it. `how` is `"address"`.
2. **Unit names**: the deepest active territorial unit whose Chinese or English name occurs in
   the text, preferring one whose ancestors' names occur too. When several tie, the deepest
   named unit that contains all of them, else nothing: a guess would send the case to the
   wrong unit. No point; `how` is `"unit_name"`.

The names (and the localities stripped in step 1) are read once per process into an
`AddressMatcher`, rebuilt like the area index (`geo.index`): at once by `invalidate()`, and
after another process renamed or added units, by a version check at most once every
`settings.GEO_INDEX_REFRESH_SECONDS`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.db.models import Count, Max

from grassroots.organizations.enums import TERRITORIAL_LEVELS, UnitLevel
from grassroots.organizations.models import Unit

from . import index as geo_index
from .addresskeys import clean, is_chinese, key_candidates, locality_phrases
from .index import Located
from .models import AddressPoint

Point = tuple[float, float]  # (lat, lng), WGS84
BY_LIBRARY = "address"
BY_UNIT_NAME = "unit_name"
MIN_NAME = 2  # shorter names would be found inside too many addresses


def _ascii_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


UNIT_FIELDS = ("code", "name_zh", "name_en", "level", "path", "depth", "parent_id")


def _occurs(name: str, text: str) -> bool:
    """Whether `name` occurs in `text`, not inside a longer word or number: a name that
    starts (ends) with a Latin letter or digit needs another character before (after) it.
    Chinese has no word boundaries: `朝阳区` is found anywhere."""
    start = text.find(name)
    while start >= 0:
        end = start + len(name)
        left_ok = not (_ascii_alnum(name[0]) and start > 0 and _ascii_alnum(text[start - 1]))
        right_ok = not (_ascii_alnum(name[-1]) and end < len(text) and _ascii_alnum(text[end]))
        if left_ok and right_ok:
            return True
        start = text.find(name, start + 1)
    return False


class AddressMatcher:
    """Unit names and place names of one moment, for `match` and `candidates`."""

    def __init__(self, units: Sequence[Unit], version: Any) -> None:
        self.version = version
        refs = {unit.pk: geo_index._ref(unit) for unit in units}
        self.located = [geo_index._located(unit, refs) for unit in units]
        self.names: list[tuple[str, int]] = []
        for i, unit in enumerate(units):
            for name in {clean(unit.name_zh), clean(unit.name_en)}:
                if len(name) >= MIN_NAME:
                    self.names.append((name, i))
        self.localities = locality_phrases(
            unit.name_en
            for unit in units
            if unit.level in (UnitLevel.CITY, UnitLevel.DISTRICT) and not is_chinese(unit.name_en)
        )

    def candidates(self, cleaned: str) -> list[str]:
        """The library keys to try for a `clean`ed address, most specific first."""
        return key_candidates(cleaned, self.localities)

    def match(self, cleaned: str) -> Located | None:
        """The unit the address names (see the module's docstring), or None."""
        hits = {i for name, i in self.names if _occurs(name, cleaned)}
        if not hits:
            return None
        named = {self.located[i].id for i in hits}

        def score(i: int) -> tuple[int, int]:
            found = self.located[i]
            return found.depth, sum(ref.id in named for ref in found.ancestors)

        best = max(score(i) for i in hits)
        top = [self.located[i] for i in hits if score(i) == best]
        if len(top) == 1:
            return top[0]
        shared = set.intersection(*({ref.id for ref in found.ancestors} for found in top))
        common = [self.located[i] for i in hits if self.located[i].id in shared]
        return max(common, key=lambda found: found.depth) if common else None


def current_version() -> Any:
    """The count and latest change of units: what the matcher is built from."""
    units = Unit.objects.aggregate(n=Count("pk"), t=Max("updated_at"))
    return units["n"], units["t"]


def build_matcher() -> AddressMatcher:
    """Read the active territorial units and build a matcher from them."""
    version = current_version()
    units = list(
        Unit.objects.filter(is_active=True, level__in=TERRITORIAL_LEVELS).only(*UNIT_FIELDS)
    )
    return AddressMatcher(units, version)


class MatcherHolder:
    """A process's matcher and the time of its last version check (`clock` for tests)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.matcher: AddressMatcher | None = None
        self.checked_at = 0.0
        self.clock = clock
        self.lock = threading.Lock()

    def get(self) -> AddressMatcher:
        """The matcher, rebuilt first when dropped or when the units changed."""
        matcher = self.matcher
        now = self.clock()
        if matcher is not None and now - self.checked_at < settings.GEO_INDEX_REFRESH_SECONDS:
            return matcher
        with self.lock:  # a build reads a few thousand units: well under a second
            if self.matcher is None or current_version() != self.matcher.version:
                self.matcher = build_matcher()
            self.checked_at = now
            return self.matcher

    def drop(self) -> None:
        """Forget the matcher; the next lookup builds a new one."""
        with self.lock:
            self.matcher = None


_holder = MatcherHolder()


def invalidate() -> None:
    """Drop this process's matcher now (after units were renamed, added or deactivated)."""
    _holder.drop()


def library_point(keys: Sequence[str]) -> Point | None:
    """The point of the first of `keys` that the library holds (one indexed query)."""
    if not keys:
        return None
    rows = dict(
        (key, (lat, lng))
        for key, lat, lng in AddressPoint.objects.filter(key__in=keys).values_list(
            "key", "lat", "lng"
        )
    )
    return next((rows[key] for key in keys if key in rows), None)


def locate_address(text: str) -> tuple[Point | None, Located | None, str]:
    """Where an address is: `(point or None, unit or None, how)`, `how` being `"address"`
    (the library gave the point), `"unit_name"` (a unit named in the text) or `""`.

    A library point outside every area takes its unit from the names in the text.
    """
    cleaned = clean(text)
    if not cleaned:
        return None, None, ""
    matcher = _holder.get()
    point = library_point(matcher.candidates(cleaned))
    if point is not None:
        return point, geo_index.locate(*point) or matcher.match(cleaned), BY_LIBRARY
    found = matcher.match(cleaned)
    return None, found, BY_UNIT_NAME if found else ""
