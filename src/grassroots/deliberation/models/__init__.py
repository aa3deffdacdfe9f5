"""Deliberation models: conversations (Polis) and suggestion collection."""

from .conversations import (
    Conversation,
    ConversationMath,
    Participant,
    ParticipantVote,
    Statement,
    VoteEvent,
)
from .suggestions import (
    Proposal,
    ProposalComment,
    ProposalPhoto,
    ProposalSupport,
    SuggestionCall,
)

__all__ = [
    "Conversation",
    "ConversationMath",
    "Participant",
    "ParticipantVote",
    "Proposal",
    "ProposalComment",
    "ProposalPhoto",
    "ProposalSupport",
    "Statement",
    "SuggestionCall",
    "VoteEvent",
]
