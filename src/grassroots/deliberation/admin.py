"""Admin pages for deliberation: inspection only. Conversations, statements and votes change
through the services (the API and commands), so their records and audit stay whole."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    Conversation,
    ConversationMath,
    Participant,
    ParticipantVote,
    Proposal,
    ProposalComment,
    ProposalPhoto,
    ProposalSupport,
    Statement,
    SuggestionCall,
    VoteEvent,
)


class InspectOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Conversation)
class ConversationAdmin(InspectOnly):
    list_display = ("title", "unit", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("title",)


@admin.register(Statement)
class StatementAdmin(InspectOnly):
    list_display = ("conversation", "number", "status", "is_meta")
    list_filter = ("status", "is_meta")
    search_fields = ("text",)


for model in (
    ConversationMath,
    Participant,
    ParticipantVote,
    VoteEvent,
    SuggestionCall,
    Proposal,
    ProposalComment,
    ProposalPhoto,
    ProposalSupport,
):
    admin.site.register(model, InspectOnly)


# Suggestion collection and meetings: inspection only as well (the services keep the audit).
from .models import (  # noqa: E402
    AgendaItem,
    Decision,
    DecisionUpdate,
    Meeting,
    MeetingParticipant,
    ProposalUpdate,
)


@admin.register(Meeting)
class MeetingAdmin(InspectOnly):
    list_display = ("title", "unit", "starts_at", "status")
    list_filter = ("status",)
    search_fields = ("title",)


@admin.register(Decision)
class DecisionAdmin(InspectOnly):
    list_display = ("text", "owner_unit", "due_on", "status")
    list_filter = ("status",)


for meeting_model in (AgendaItem, MeetingParticipant, DecisionUpdate, ProposalUpdate):
    admin.site.register(meeting_model, InspectOnly)
