"""Reasons become data (code + parameters) worded in the reader's language when shown.

Rows written before hold reasons as text in whatever language their process ran in. Text
cannot be turned back into a code reliably, so it is kept as `{"text": …}` and shown as it was
written; the next triage of the case stores data. Urgency reasons, other units and duplicates
were already JSON: their strings stay as they are and are shown as written too.
"""

import django.db.models.deletion
from django.db import migrations, models


def text_to_list(apps, schema_editor):  # type: ignore[no-untyped-def]
    Suggestion = apps.get_model("triage", "Suggestion")
    for row in Suggestion.objects.exclude(category_reason="", unit_reason="").iterator():
        row.category_reasons = [{"text": row.category_reason}] if row.category_reason else []
        row.unit_reasons = [{"text": row.unit_reason}] if row.unit_reason else []
        row.save(update_fields=["category_reasons", "unit_reasons"])


def list_to_text(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Backwards: data reasons are worded in the deployment's language; text kept as is."""
    from django.conf import settings
    from django.utils import translation

    from grassroots.triage.reasons import join

    Suggestion = apps.get_model("triage", "Suggestion")
    with translation.override(settings.LANGUAGE_CODE):
        for row in Suggestion.objects.iterator():
            row.category_reason = join(row.category_reasons)
            row.unit_reason = join(row.unit_reasons)
            row.save(update_fields=["category_reason", "unit_reason"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_catalog_version"),
        ("triage", "0002_override_kind_event_feedback_cursor_urgency_score"),
    ]

    operations = [
        migrations.AddField(
            model_name="suggestion",
            name="category_reasons",
            field=models.JSONField(blank=True, default=list, verbose_name="category reasons"),
        ),
        migrations.AddField(
            model_name="suggestion",
            name="unit_reasons",
            field=models.JSONField(blank=True, default=list, verbose_name="routing reasons"),
        ),
        migrations.RunPython(text_to_list, list_to_text),
        migrations.RemoveField(
            model_name="suggestion",
            name="category_reason",
        ),
        migrations.RemoveField(
            model_name="suggestion",
            name="unit_reason",
        ),
        migrations.CreateModel(
            name="TimelineNote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reason", models.JSONField(default=dict, verbose_name="reason")),
                (
                    "event",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="cases.caseevent",
                        verbose_name="event",
                    ),
                ),
            ],
            options={
                "verbose_name": "triage timeline note",
                "verbose_name_plural": "triage timeline notes",
            },
        ),
    ]
