from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


def check_scoring_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """`grassroots check` refuses scoring settings that would silently rank no unit (a
    misspelt weight key, a negative weight, every weight zero, a penalty outside 0..1)."""
    from . import conf

    return [
        checks.Error(
            problem,
            hint="See INSIGHTS_* in .env.example and docs/insights.md (KPIs).",
            id="insights.E001",
        )
        for problem in conf.check_settings()
    ]


class InsightsConfig(AppConfig):
    name = "grassroots.insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        checks.register(check_scoring_settings)
