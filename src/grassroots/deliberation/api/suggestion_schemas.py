"""Request and response shapes of the suggestion-collection and meeting endpoints."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema


class CallIn(Schema):
    unit: str = Field(description="Code of the owner unit.")
    title: str
    description: str = ""
    area: str = Field("", description="Code of the unit whose area the call covers.")
    opens_on: date
    closes_on: date
    support_threshold: int = Field(50, description="Supports that force an official answer.")
    answer_days: int = Field(15, description="Working days to answer once at the threshold.")


class CallOut(Schema):
    id: int
    unit: str
    unit_name: str
    area: str | None
    title: str
    description: str
    opens_on: date
    closes_on: date
    status: str
    accepting: bool = Field(description="Open and inside its period: proposals and support.")
    support_threshold: int
    answer_days: int
    proposals: int
    may_moderate: bool


class ProposalIn(Schema):
    title: str
    text: str
    address: str = ""
    lat: float | None = None
    lng: float | None = None


class OfflineProposalIn(ProposalIn):
    author_name: str = Field("", description="Who made the suggestion (staff-only).")
    source_note: str = Field(description="Where and when it was collected.")
    meeting: int | None = Field(None, description="The deliberation meeting it came from.")


class PromoteCaseIn(Schema):
    case: int = Field(description="Id of a case you can see.")
    title: str = ""
    text: str = Field("", description="Rewritten text; defaults to the case's description.")


class UpdateOut(Schema):
    implementation: str
    note: str
    at: datetime


class PhotoOut(Schema):
    id: int
    url: str
    content_type: str


class CommentOut(Schema):
    id: int
    text: str
    created_at: datetime
    mine: bool
    hidden: bool
    hidden_reason: str = Field(description="Only for moderators.")


class ProposalOut(Schema):
    id: int
    call: int
    title: str
    text: str
    address: str
    lat: float | None
    lng: float | None
    channel: str
    status: str
    support_count: int
    support_threshold: int
    supported: bool = Field(description="Whether the caller already supports it.")
    mine: bool
    answer_due: datetime | None
    outcome: str
    answer: str
    answered_at: datetime | None
    implementation: str
    follow_through: str
    implemented_at: datetime | None
    case: str | None = Field(description="Tracking code of the linked case, for staff.")
    created_at: datetime
    hidden: bool
    hidden_reason: str = Field(description="Only for moderators.")
    author_name: str = Field(description="Only for moderators (offline entries).")
    source_note: str = Field(description="Only for moderators.")


class ProposalDetailOut(ProposalOut):
    photos: list[PhotoOut]
    comments: list[CommentOut]
    updates: list[UpdateOut]


class SupportOut(Schema):
    proposal: int
    support_count: int
    status: str
    answer_now_due: bool


class CommentIn(Schema):
    text: str


class HideIn(Schema):
    reason: str


class AnswerIn(Schema):
    outcome: str = Field(description="adopted, partly_adopted or not_adopted")
    answer: str = Field(description="The answer with its reasons.")


class FollowThroughIn(Schema):
    implementation: str = Field(description="planned, in_progress, done or stalled")
    note: str


class CaseLinkOut(Schema):
    proposal: int
    case: int
    tracking_code: str


# Meetings


class MeetingIn(Schema):
    unit: str = Field(description="Code of the organising unit.")
    title: str = Field(description="The one issue the meeting is about.")
    description: str = ""
    place: str = ""
    starts_at: datetime
    proposal: int | None = Field(None, description="A proposal the meeting discusses.")
    agenda: list[str] = Field(default_factory=list)


class AgendaItemIn(Schema):
    title: str
    notes: str = ""


class AgendaItemOut(Schema):
    id: int
    position: int
    title: str
    notes: str


class ParticipantIn(Schema):
    name: str
    role: str = Field(description="resident, official, expert or other")
    affiliation: str = ""
    unit: str = Field("", description="Code of the participant's unit, for officials.")
    attended: bool = False


class ParticipantOut(Schema):
    id: int
    name: str
    role: str
    affiliation: str
    unit: str | None
    attended: bool


class DecisionIn(Schema):
    text: str
    owner_unit: str = Field(description="Code of the unit that must carry it out.")
    due_on: date


class MinutesIn(Schema):
    minutes: str
    attended: list[int] = Field(default_factory=list, description="Participant ids present.")
    decisions: list[DecisionIn] = Field(default_factory=list)


class CancelIn(Schema):
    reason: str


class DecisionUpdateIn(Schema):
    status: str = Field(description="open, in_progress, done or dropped")
    note: str


class DecisionUpdateOut(Schema):
    status: str
    note: str
    at: datetime


class DecisionOut(Schema):
    id: int
    meeting: int
    text: str
    owner_unit: str
    due_on: date
    status: str
    overdue: bool
    completed_at: datetime | None
    updates: list[DecisionUpdateOut]


class MeetingOut(Schema):
    id: int
    unit: str
    title: str
    description: str
    place: str
    starts_at: datetime
    status: str
    minutes: str
    proposal: int | None
    agenda: list[AgendaItemOut]
    participants: list[ParticipantOut]
    decisions: list[DecisionOut]
