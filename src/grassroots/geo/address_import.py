"""Read a CSV of addresses and points for the address library (`grassroots import-addresses`).

Each row becomes an `AddressRow` or a `Rejected` with its reason; a missing column stops the
import before anything is read. `.csv.gz` files are read as they are.
"""

from __future__ import annotations

import csv
import gzip
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

from .addresskeys import address_key
from .datum import Datum, gcj02_to_wgs84
from .errors import GeoError, GeoErrorCode

MAX_KEY = 300  # `AddressPoint.key`


@dataclass(frozen=True)
class AddressRow:
    """One usable row: the address as given, its key and its WGS84 point."""

    line: int
    address: str
    key: str
    lat: float
    lng: float


@dataclass(frozen=True)
class Rejected:
    """A row left out, with the reason (`no_address`, `no_point`, `too_long`)."""

    line: int
    reason: str


def _open(path: Path) -> IO[str]:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    return path.open(encoding="utf-8-sig", newline="")


def _point(lat_text: str, lng_text: str) -> tuple[float, float] | None:
    try:
        lat, lng = float(lat_text), float(lng_text)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lng)):
        return None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180) or (lat == 0 and lng == 0):
        return None  # 0,0 is what a blank geocode becomes in many exports
    return lat, lng


def read_address_csv(
    path: Path, *, address_field: str, lat_field: str, lng_field: str, datum: str = Datum.WGS84
) -> Iterator[AddressRow | Rejected]:
    """The rows of the file, usable or rejected; `line` is the file's line number."""
    try:
        fh = _open(path)
    except OSError as exc:
        raise GeoError(GeoErrorCode.IMPORT_FAILED, f"{path}: {exc.strerror}") from exc
    with fh:
        reader = csv.DictReader(fh)
        missing = [
            f for f in (address_field, lat_field, lng_field) if f not in (reader.fieldnames or ())
        ]
        if missing:
            raise GeoError(
                GeoErrorCode.IMPORT_FAILED,
                _("%(file)s: no column %(columns)s.")
                % {"file": path.name, "columns": ", ".join(f"“{f}”" for f in missing)},
            )
        for number, row in enumerate(reader, start=2):
            yield _row(number, row, address_field, lat_field, lng_field, datum)


def _row(
    line: int, row: dict[str, str], address_field: str, lat_field: str, lng_field: str, datum: str
) -> AddressRow | Rejected:
    address = " ".join((row.get(address_field) or "").split())
    key = address_key(address)
    if not key:
        return Rejected(line, "no_address")
    if len(key) > MAX_KEY or len(address) > MAX_KEY:
        return Rejected(line, "too_long")
    point = _point(row.get(lat_field) or "", row.get(lng_field) or "")
    if point is None:
        return Rejected(line, "no_point")
    lat, lng = gcj02_to_wgs84(*point) if datum == Datum.GCJ02 else point
    return AddressRow(line, address, key, lat, lng)
