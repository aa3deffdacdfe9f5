"""WSGI entry point for granian or gunicorn."""

import logging
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grassroots.settings.local")
application = get_wsgi_application()


def _warm_up() -> None:
    """Build the area index now, so the first resident's request does not wait for it."""
    try:
        from grassroots.geo.index import get_index

        get_index()
    except Exception:  # a fresh database without tables must not stop the server
        logging.getLogger(__name__).warning("area index not built at start", exc_info=True)


_warm_up()
