from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    """Values every page needs: the site name and the deployment's time zone."""
    return {"SITE_NAME": settings.SITE_NAME, "DEPLOYMENT_TIME_ZONE": settings.TIME_ZONE}
