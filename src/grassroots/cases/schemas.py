"""API shapes for cases: In, Out and one body per action."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema
from pydantic import model_validator
from pydantic_core import PydanticCustomError

# Bounds that keep list queries inside what the database and the calendar can hold: a page past
# PAGE_MAX would skip over 20 million cases, and a day outside these years cannot be a case's.
PAGE_MAX = 100_000
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2999, 12, 31)


class ObjectIn(Schema):
    """A nested input object that must be a JSON object.

    ninja's `Schema` reads fields from any object's attributes, so `"resident": "x"` would
    validate as a resident with every field left at its default: refuse anything but a mapping.
    """

    @model_validator(mode="before")
    @classmethod
    def _require_object(cls, data: Any) -> Any:
        given = getattr(data, "_obj", data)  # ninja wraps the input in a DjangoGetter
        if not isinstance(given, dict | Schema):
            raise PydanticCustomError("model_type", "Input should be an object")
        return data


class ResidentIn(ObjectIn):
    name: str = Field("", max_length=100)
    phone: str = Field("", max_length=32)
    id_number: str = Field("", max_length=32)
    email: str = Field("", max_length=254)


class CaseIn(ObjectIn):
    kind: str = Field(
        ..., description="complaint, help, consultation, suggestion, praise, petition"
    )
    subject: str = Field("", max_length=200)
    description: str = Field("", max_length=5000)
    category: str | None = Field(None, max_length=64, description="category code")
    lat: float | None = None
    lng: float | None = None
    datum: str = Field("wgs84", description="wgs84 or gcj02")
    address: str = Field("", max_length=300)
    priority: str = "normal"
    channel: str = "api"
    resident: ResidentIn | None = None
    anonymous: bool = False
    confidential: bool = False


class UnitRef(Schema):
    code: str
    name: str
    level: str


class CategoryRef(Schema):
    code: str
    name: str


class DeadlinesOut(Schema):
    respond_due: datetime | None
    resolve_due: datetime | None
    overdue: bool


class CaseCreatedOut(Schema):
    id: int
    tracking_code: str
    secret: str
    status: str
    unit: UnitRef | None
    place: UnitRef | None
    deadlines: DeadlinesOut
    track_url: str


class ResidentOut(Schema):
    name: str
    phone: str
    id_number: str
    email: str
    masked: bool


class EventOut(Schema):
    type: str
    label: str
    at: datetime
    actor: str | None = None
    unit: UnitRef | None
    from_status: str = ""
    to_status: str = ""
    note: str = ""
    public: bool | None = None


class AssignmentOut(Schema):
    id: int
    unit: UnitRef
    role: str
    via: str
    status: str
    part: str
    result: str


class ExtensionOut(Schema):
    id: int
    working_days: int
    reason: str
    status: str
    created_at: datetime


class AttachmentOut(Schema):
    id: int
    content_type: str
    size: int
    public: bool
    url: str


class CaseSummaryOut(Schema):
    id: int
    tracking_code: str
    kind: str
    channel: str
    subject: str
    category: CategoryRef | None
    priority: str
    status: str
    unit: UnitRef | None
    place: UnitRef | None
    received_at: datetime
    deadlines: DeadlinesOut


class CaseOut(CaseSummaryOut):
    description: str
    lat: float | None
    lng: float | None
    address: str
    resident: ResidentOut | None
    erased_at: datetime | None = Field(
        None, description="When the retention period erased the address, point and resident."
    )
    anonymous: bool
    confidential: bool
    reply: str
    rejection_reason: str
    resolved: bool | None
    satisfaction: str
    followup_comment: str
    parent: str | None
    merged: list[str]
    return_count: int
    reopen_count: int
    supervise_count: int
    assignments: list[AssignmentOut]
    extensions: list[ExtensionOut]
    timeline: list[EventOut]
    attachments: list[AttachmentOut]
    actions: list[str]


class CasePage(Schema):
    items: list[CaseSummaryOut]
    count: int
    page: int
    page_size: int


class CaseFilters(Schema):
    status: str | None = None
    unit: str | None = Field(None, description="unit code; includes its subtree")
    category: str | None = Field(None, description="category code; includes its children")
    overdue: bool | None = None
    text: str | None = Field(None, max_length=200)
    received_from: date | None = Field(None, ge=EARLIEST_DAY, le=LATEST_DAY)
    received_to: date | None = Field(None, ge=EARLIEST_DAY, le=LATEST_DAY)
    page: int = Field(1, ge=1, le=PAGE_MAX)
    page_size: int = Field(50, ge=1, le=200)


class TrackOut(Schema):
    tracking_code: str
    status: str
    status_label: str
    kind: str
    subject: str
    category: CategoryRef | None
    unit: UnitRef | None
    received_at: datetime
    deadlines: DeadlinesOut
    reply: str
    rejection_reason: str
    resolved: bool | None
    satisfaction: str
    timeline: list[EventOut]
    attachments: list[AttachmentOut]
    can_follow_up: bool
    can_reopen: bool


# Action bodies
class NoteIn(ObjectIn):
    note: str = Field("", max_length=5000)


class DispatchIn(NoteIn):
    unit: str = Field(..., max_length=64, description="unit code")


class ReasonIn(ObjectIn):
    reason: str = Field(..., max_length=5000)


class TransferIn(ReasonIn):
    unit: str = Field(..., max_length=64)
    reason: str = Field("", max_length=5000)


class PartIn(ObjectIn):
    unit: str = Field(..., max_length=64)
    part: str = Field("", max_length=5000)


class CohandleIn(ObjectIn):
    units: list[PartIn] = Field(..., min_length=1, max_length=20)
    summon: bool = False


class PartDoneIn(ObjectIn):
    assignment: int
    result: str = Field(..., max_length=5000)


class ExtendIn(ObjectIn):
    working_days: int = Field(..., ge=1, le=60)
    reason: str = Field(..., max_length=5000)


class DecideExtensionIn(ObjectIn):
    extension: int
    approve: bool = True
    note: str = Field("", max_length=5000)


class ReplyIn(ObjectIn):
    reply: str = Field(..., max_length=5000)


class FollowUpIn(ObjectIn):
    resolved: bool
    satisfaction: str = Field(..., description="satisfied, basic or unsatisfied")
    comment: str = Field("", max_length=5000)


class MergeIn(NoteIn):
    into: str = Field(..., max_length=64, description="tracking code or id of the parent case")


class RevealIn(ObjectIn):
    reason: str = Field(..., min_length=2, max_length=300)


class ResidentActionIn(ObjectIn):
    secret: str = Field(..., max_length=16)


class ResidentFollowUpIn(FollowUpIn, ResidentActionIn):
    pass


class ResidentReopenIn(ResidentActionIn):
    reason: str = Field(..., max_length=5000)
