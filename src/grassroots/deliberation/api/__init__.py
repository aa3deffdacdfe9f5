"""The deliberation API: conversations (Polis) and suggestion collection."""

from .conversations import router

__all__ = ["router"]
