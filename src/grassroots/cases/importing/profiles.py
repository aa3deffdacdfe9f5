"""Which source column holds what, per supported format; `csv` takes it from the mapping."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

FORMATS = ("nyc311", "baltimore311", "boston311", "councilcasework", "csv")


@dataclass(frozen=True)
class Profile:
    """Source column names of the logical fields an import reads (empty: not in the source)."""

    id: str
    received: str
    category: str
    unit: str
    closed: str = ""
    detail: str = ""  # a finer label (descriptor), appended to the subject
    place: str = ""  # a place key (community board, neighbourhood) mapped to a unit
    lat: str = ""
    lng: str = ""
    address: str = ""
    status: str = ""  # the source's own status (e.g. "Closed"), checked against the dates
    due: str = ""  # the source's own resolve deadline (SLA), kept instead of ours
    channel: str = ""
    date_format: str = "iso"  # "iso" or a strptime pattern
    # A placeholder point some sources put on rows without a location (Baltimore: 39, -77).
    null_point: tuple[float, float] | None = None


PROFILES: dict[str, Profile] = {
    "nyc311": Profile(
        id="Unique Key",
        received="Created Date",
        closed="Closed Date",
        category="Complaint Type",
        detail="Descriptor",
        unit="Agency",
        place="Community Board",
        lat="Latitude",
        lng="Longitude",
        address="Incident Address",
        status="Status",
        due="Due Date",
        channel="Open Data Channel Type",
        date_format="%m/%d/%Y %I:%M:%S %p",
    ),
    "councilcasework": Profile(
        id="unique_key",
        received="opendate",
        closed="closedate",
        category="complaint_type",
        detail="descriptor",
        unit="account",
        place="community_board",
    ),
    "baltimore311": Profile(
        id="ServiceRequestNum",
        received="CreatedDate",
        closed="CloseDate",
        category="SRType",
        unit="Agency",
        place="Neighborhood",
        lat="Latitude",
        lng="Longitude",
        address="Address",
        status="SRStatus",
        due="DueDate",
        channel="MethodReceived",
        date_format="%m/%d/%Y %I:%M:%S %p",
        null_point=(39.0, -77.0),
    ),
    "boston311": Profile(
        id="case_enquiry_id",
        received="open_dt",
        closed="closed_dt",
        category="type",
        detail="case_title",
        unit="department",
        place="neighborhood",
        lat="latitude",
        lng="longitude",
        address="location",
        status="case_status",
        due="sla_target_dt",
        channel="source",
    ),
}


def profile_from_columns(columns: dict[str, Any]) -> Profile:
    """A profile for the generic `csv` format from the mapping's `[columns]` table."""
    known = {f.name for f in fields(Profile)}
    unknown = sorted(set(columns) - known)
    if unknown:
        raise ValueError(f"[columns]: unknown keys {', '.join(unknown)}")
    missing = [k for k in ("id", "received", "category", "unit") if not columns.get(k)]
    if missing:
        raise ValueError(f"[columns]: missing {', '.join(missing)}")
    values = dict(columns)
    if "null_point" in values:
        values["null_point"] = tuple(values["null_point"])
    return Profile(**values)
