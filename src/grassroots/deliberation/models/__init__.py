"""Deliberation models: conversations (Polis) and suggestion collection."""

from .conversations import (
    Conversation,
    ConversationMath,
    Participant,
    ParticipantVote,
    Statement,
    VoteEvent,
)
from .meetings import AgendaItem, Decision, DecisionUpdate, Meeting, MeetingParticipant
from .suggestions import (
    Proposal,
    ProposalComment,
    ProposalPhoto,
    ProposalSupport,
    ProposalUpdate,
    SuggestionCall,
)

__all__ = [
    "AgendaItem",
    "Conversation",
    "ConversationMath",
    "Decision",
    "DecisionUpdate",
    "Meeting",
    "MeetingParticipant",
    "Participant",
    "ParticipantVote",
    "Proposal",
    "ProposalComment",
    "ProposalPhoto",
    "ProposalSupport",
    "ProposalUpdate",
    "Statement",
    "SuggestionCall",
    "VoteEvent",
]
