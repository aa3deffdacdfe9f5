"""The NYC 311 requests the demo cases are made from (`data/nyc_311_requests.csv.gz`).

Times in the file are New York local time. The demo moves every record by the same whole
number of weeks, so that weekdays and hours stay real and the newest record lands between one
and eight days before the load (`week_shift`).
"""

from __future__ import annotations

import csv
import gzip
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from .sources import DATA_DIR

REQUESTS_FILE = DATA_DIR / "nyc_311_requests.csv.gz"
NEW_YORK = ZoneInfo("America/New_York")
WEEK = timedelta(weeks=1)


@dataclass(frozen=True)
class Record:
    """One NYC 311 service request (no personal data: the portal publishes none)."""

    key: str
    created: datetime  # naive, New York local time
    closed: datetime | None
    agency: str
    complaint_type: str
    descriptor: str
    location_type: str
    address: str
    resolution: str
    channel: str  # the portal's Open Data Channel Type: PHONE, ONLINE, MOBILE, UNKNOWN …
    community_board: str
    lat: float
    lng: float


def _record(row: dict[str, str]) -> Record:
    closed = row["Closed Date"]
    return Record(
        key=row["Unique Key"],
        created=datetime.fromisoformat(row["Created Date"]),
        closed=datetime.fromisoformat(closed) if closed else None,
        agency=row["Agency"],
        complaint_type=row["Complaint Type"],
        descriptor=row["Descriptor"],
        location_type=row["Location Type"],
        address=row["Incident Address"],
        resolution=row["Resolution Description"],
        channel=row["Open Data Channel Type"],
        community_board=row["Community Board"],
        lat=float(row["Latitude"]),
        lng=float(row["Longitude"]),
    )


@cache
def records() -> tuple[Record, ...]:
    """Every request of the subset, oldest first."""
    with gzip.open(REQUESTS_FILE, "rt", encoding="utf-8", newline="") as fh:
        return tuple(_record(row) for row in csv.DictReader(fh))


def week_shift(newest: datetime, now: datetime) -> timedelta:
    """Whole weeks that move `newest` (local, naive) to 1–8 days before `now` (aware)."""
    target = now.astimezone(NEW_YORK).replace(tzinfo=None) - timedelta(days=1)
    return ((target - newest) // WEEK) * WEEK


def moment(local: datetime, shift: timedelta) -> datetime:
    """A record's local time moved by `shift`, as an aware datetime (the wall-clock hour kept
    across daylight-saving changes)."""
    return (local + shift).replace(tzinfo=NEW_YORK)
