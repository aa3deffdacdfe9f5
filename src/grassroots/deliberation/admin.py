"""Admin pages for deliberation: inspection only. Conversations, statements and votes change
through the services (the API and commands), so their records and audit stay whole."""

from __future__ import annotations

from django.contrib import admin

from grassroots.core.admin import ReadOnlyAdmin

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


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    list_display = ("title", "unit", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("title",)


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdmin):
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
    admin.site.register(model, ReadOnlyAdmin)


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
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("title", "unit", "starts_at", "status")
    list_filter = ("status",)
    search_fields = ("title",)


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("text", "owner_unit", "due_on", "status")
    list_filter = ("status",)


for meeting_model in (AgendaItem, MeetingParticipant, DecisionUpdate, ProposalUpdate):
    admin.site.register(meeting_model, ReadOnlyAdmin)
