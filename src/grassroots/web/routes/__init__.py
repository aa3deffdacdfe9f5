"""URL modules of the web layer, one per area of the product, included by ``web/urls.py``.

Each module's names live in the ``web`` namespace (``{% url 'web:board' %}``).
"""

AREAS = ("intake", "board", "suggestions", "conversations", "insights", "duty")
