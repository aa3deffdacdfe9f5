"""The deliberation API: conversations (Polis), suggestion collection and meetings."""

from .conversations import router
from .meetings import router as meetings_router
from .suggestions import router as suggestions_router

router.add_router("/suggestions", suggestions_router)
router.add_router("/meetings", meetings_router)

__all__ = ["router"]
