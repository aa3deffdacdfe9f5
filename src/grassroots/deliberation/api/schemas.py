"""Request and response shapes of the deliberation API."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema


class ConversationIn(Schema):
    unit: str = Field(description="Code of the owner unit.")
    title: str
    description: str = ""
    moderation: str = Field("strict", description="strict or open")
    seeds: list[str] = Field(default_factory=list, description="Seed statements.")


class ConversationOut(Schema):
    id: int
    unit: str
    title: str
    description: str
    status: str
    moderation: str
    created_at: datetime
    closed_at: datetime | None
    statements: int
    participants: int
    may_moderate: bool


class StatementIn(Schema):
    text: str
    is_meta: bool = False


class StatementOut(Schema):
    id: int
    number: int
    text: str
    status: str
    is_meta: bool
    mine: bool = False


class ModerationIn(Schema):
    accept: bool
    is_meta: bool | None = None


class VoteIn(Schema):
    statement: int
    value: int = Field(description="1 agree, -1 disagree, 0 pass")


class VoteOut(Schema):
    statement: int
    value: int
    participant: int = Field(description="The voter's number in this conversation.")
    group: int | None = Field(description="Opinion group right after this vote.")


class NextOut(Schema):
    statement: StatementOut | None
    remaining: int


class StatementResultOut(Schema):
    statement: int
    number: int
    text: str
    direction: str
    share: float
    votes: int
    repness: float


class GroupOut(Schema):
    id: int
    members: int
    center: list[float]
    repness: list[StatementResultOut]


class PointOut(Schema):
    participant: int
    x: float
    y: float
    group: int | None


class ResultsOut(Schema):
    version: int
    computed_at: datetime | None
    participants: int
    groups: list[GroupOut]
    points: list[PointOut]
    consensus_agree: list[StatementResultOut]
    consensus_disagree: list[StatementResultOut]


# suggestions ------------------------------------------------------------------------------


class CallIn(Schema):
    unit: str
    area: str | None = None
    title: str
    description: str = ""
    opens_on: date
    closes_on: date
    support_threshold: int = 50


class CallOut(Schema):
    id: int
    unit: str
    area: str | None
    title: str
    description: str
    opens_on: date
    closes_on: date
    support_threshold: int
    status: str


class ProposalIn(Schema):
    title: str
    text: str
    address: str = ""
    lat: float | None = None
    lng: float | None = None


class OfflineProposalIn(ProposalIn):
    author_name: str = Field("", description="Name of the resident, as written down.")
    meeting: str = Field("", description="Where and when it was collected.")


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
    hidden: bool
    hidden_reason: str
    outcome: str
    answer: str
    answered_at: datetime | None
    follow_through: str
    implemented_at: datetime | None
    case: str | None = Field(description="Tracking code of the linked case.")


class CommentIn(Schema):
    text: str


class CommentOut(Schema):
    id: int
    text: str
    hidden: bool
    hidden_reason: str
    created_at: datetime


class HideIn(Schema):
    reason: str


class AnswerIn(Schema):
    outcome: str = Field(description="adopted, partly_adopted or not_adopted")
    answer: str


class FollowThroughIn(Schema):
    note: str
    implemented: bool = False


class PromoteCaseIn(Schema):
    case: str = Field(description="Tracking code of the case.")
    call: int
