"""The mapping file (TOML) that tells an import how source values become ours.

```toml
source = "councilcasework"      # idempotency namespace (default: the format's name)
timezone = "America/New_York"   # zone of the source's local times (default: TIME_ZONE)
kind = "petition"               # case kind of every row (default: complaint)
channel = "phone"               # channel when the source has none or an unmapped one
unit_code = "NYC-{value}"       # source value → unit code when [units] lacks it ({value})
place_code = ""                 # the same for the place key (empty: only [places])
responded_at_close = false      # treat the closing moment as the first contact
[units]                         # source unit value → unit code
[places]                        # source place value → unit code (a located point wins)
[categories]                    # source label → existing category code (else one is created)
[channels]                      # source channel value → channel
[columns]                       # format csv only: see profiles.Profile
```
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings

from ..enums import CaseKind, Channel, Priority
from .profiles import FORMATS, PROFILES, Profile, profile_from_columns


class MappingError(ValueError):
    """The mapping file cannot be used; the message says which key is wrong."""


@dataclass(frozen=True)
class Mapping:
    """A parsed mapping file, together with the column profile of its format."""

    format: str
    profile: Profile
    source: str
    zone: ZoneInfo
    kind: str = CaseKind.COMPLAINT
    priority: str = Priority.NORMAL
    channel: str = Channel.PHONE
    unit_code: str = ""
    place_code: str = ""
    responded_at_close: bool = False
    units: dict[str, str] = field(default_factory=dict)
    places: dict[str, str] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)

    def unit_for(self, value: str) -> str:
        """The unit code a source unit value names ("" when neither table nor template)."""
        return self.units.get(value) or (
            self.unit_code.format(value=value) if self.unit_code else ""
        )

    def place_for(self, value: str) -> str:
        return self.places.get(value) or (
            self.place_code.format(value=value) if self.place_code else ""
        )


def _choice(data: dict[str, Any], key: str, choices: Any, default: str) -> str:
    value = str(data.get(key, default))
    if value not in choices.values:
        raise MappingError(f"{key}: {value!r} is not one of {', '.join(choices.values)}")
    return value


def _table(data: dict[str, Any], key: str) -> dict[str, str]:
    table = data.get(key, {})
    if not isinstance(table, dict):
        raise MappingError(f"[{key}] must be a table")
    return {str(k): str(v) for k, v in table.items()}


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise MappingError(f"timezone: unknown zone {name!r}") from exc


def _profile(fmt: str, data: dict[str, Any]) -> Profile:
    if fmt != "csv":
        return PROFILES[fmt]
    try:
        return profile_from_columns(data.get("columns") or {})
    except (TypeError, ValueError) as exc:
        raise MappingError(str(exc)) from exc


def parse_mapping(fmt: str, data: dict[str, Any]) -> Mapping:
    """Check a mapping (already read from TOML) for the format `fmt`."""
    if fmt not in FORMATS:
        raise MappingError(f"format: {fmt!r} is not one of {', '.join(FORMATS)}")
    channels = _table(data, "channels")
    bad = sorted(v for v in channels.values() if v not in Channel.values)
    if bad:
        raise MappingError(f"[channels]: {', '.join(bad)} not one of {', '.join(Channel.values)}")
    return Mapping(
        format=fmt,
        profile=_profile(fmt, data),
        source=str(data.get("source") or fmt)[:60],
        zone=_zone(str(data.get("timezone") or settings.TIME_ZONE)),
        kind=_choice(data, "kind", CaseKind, CaseKind.COMPLAINT),
        priority=_choice(data, "priority", Priority, Priority.NORMAL),
        channel=_choice(data, "channel", Channel, Channel.PHONE),
        unit_code=str(data.get("unit_code", "{value}")),
        place_code=str(data.get("place_code", "")),
        responded_at_close=bool(data.get("responded_at_close", False)),
        units=_table(data, "units"),
        places=_table(data, "places"),
        categories=_table(data, "categories"),
        channels=channels,
    )


def load_mapping(fmt: str, path: Path | None) -> Mapping:
    """Read and check a mapping file; no file means the format's defaults."""
    if path is None:
        return parse_mapping(fmt, {})
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise MappingError(f"{path}: {exc}") from exc
    return parse_mapping(fmt, data)
