from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TriageConfig(AppConfig):
    name = "grassroots.triage"
    label = "triage"
    verbose_name = _("Triage")

    def ready(self) -> None:
        # The case page words triage's timeline notes in the reader's language.
        from grassroots.cases import presenters as case_presenters

        from .presenters import render_event_notes

        if render_event_notes not in case_presenters.NOTE_HOOKS:
            case_presenters.NOTE_HOOKS.append(render_event_notes)
