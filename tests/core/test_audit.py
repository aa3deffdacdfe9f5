"""One shape for every audit entry: `audit.record` and the intake's prepared insert share it."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from grassroots.cases import services
from grassroots.cases.models import Case
from grassroots.core import audit
from grassroots.core.models import AuditEntry

COLUMNS = ("actor_id", "actor_label", "action", "target_type", "target_id", "summary", "data")


def _columns(entry: AuditEntry) -> dict[str, object]:
    return {name: getattr(entry, name) for name in COLUMNS}


@pytest.mark.django_db
def test_record_writes_the_row_the_builder_describes() -> None:
    user = get_user_model().objects.create_user(username="clerk", password="x" * 12)
    case = services.submit_case(
        services.CaseDraft(kind="complaint", subject="Lamp"), actor=None
    ).case

    entry = audit.record(
        "cases.case.noted", actor=user, target=case, summary="s" * 400, data={"a": 1}
    )

    row = audit.entry_row(
        "cases.case.noted", actor=user, target=case, summary="s" * 400, data={"a": 1}
    )
    assert _columns(AuditEntry.objects.get(pk=entry.pk)) == {
        **{k: v for k, v in row.items() if k != "actor"},
        "actor_id": user.pk,
    }
    assert row["summary"] == "s" * 300 and row["target_type"] == "cases.case"
    assert entry.actor == user


@pytest.mark.django_db
def test_the_intake_audit_entry_is_the_one_record_would_write() -> None:
    case = services.submit_case(
        services.CaseDraft(kind="complaint", subject="Lamp", category="environment.noise"),
        actor=None,
    ).case
    stored = AuditEntry.objects.get(action="cases.case.received", target_id=str(case.pk))

    written_by_record = audit.record(
        "cases.case.received",
        actor=services.RESIDENT,
        target=Case.objects.get(pk=case.pk),
        summary=case.tracking_code,
        data=stored.data,
    )

    assert _columns(stored) == _columns(AuditEntry.objects.get(pk=written_by_record.pk))
    assert (stored.actor_id, stored.actor_label) == (None, "resident")
