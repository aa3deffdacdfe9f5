"""The intake fast paths keep intake's behaviour: the category/policy cache sees every edit,
the group commit gives each caller its own result and isolates a failing write, and the
single-row inserts write what the ORM would (and skip no signal receiver)."""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import asdict
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection
from django.db.models import signals

from grassroots.cases import services
from grassroots.cases.deadlines import catalog
from grassroots.cases.errors import CaseError
from grassroots.cases.models import (
    Case,
    CaseEvent,
    Category,
    DeadlinePolicy,
    IdempotencyRecord,
    Resident,
)
from grassroots.cases.services import _group
from grassroots.cases.services._group import GroupCommit
from grassroots.cases.services.intake import fingerprint
from grassroots.core.models import AuditEntry

SH = ZoneInfo("Asia/Shanghai")
MONDAY_10 = datetime(2025, 11, 3, 10, 0, tzinfo=SH)


def _submit(**kw: object) -> Case:
    draft = services.CaseDraft(kind="complaint", subject="x", **kw)  # type: ignore[arg-type]
    return services.submit_case(draft, actor=None, now=MONDAY_10).case


@pytest.mark.django_db
def test_a_category_deactivated_by_a_bulk_update_is_refused_at_once() -> None:
    _submit(category="environment.noise")  # the catalog is cached now

    Category.objects.filter(code="environment.noise").update(is_active=False)

    with pytest.raises(CaseError) as refused:
        _submit(category="environment.noise")
    assert refused.value.code == "unknown_category"


@pytest.mark.django_db
def test_a_new_category_and_its_policy_are_used_by_the_next_submission() -> None:
    _submit()
    parent = Category.objects.get(code="environment")
    smell = Category.objects.create(
        code="environment.smell", name_zh="异味", name_en="Smell", parent=parent
    )
    DeadlinePolicy.objects.create(
        category=smell,
        priority="normal",
        respond_within=1,
        respond_unit="working_hours",
        resolve_within=2,
        resolve_unit="working_days",
    )

    case = _submit(category="environment.smell")

    assert case.resolve_due.astimezone(SH) == datetime(2025, 11, 5, 18, 0, tzinfo=SH)
    assert case.respond_due.astimezone(SH) == datetime(2025, 11, 3, 11, 0, tzinfo=SH)
    event = CaseEvent.objects.get(case=case)
    assert event.data["deadline_policy"] == "Smell (environment.smell) / normal"


@pytest.mark.django_db
def test_the_catalog_token_changes_with_every_write_to_either_table() -> None:
    first = catalog().token
    DeadlinePolicy.objects.filter(category=None, priority="normal").update(resolve_within=3)
    second = catalog().token
    Category.objects.filter(code="environment").update(sort=7)
    third = catalog().token

    assert len({first, second, third}) == 3
    assert catalog().policies[(None, "normal")].spec[2] == 3


@pytest.mark.django_db
def test_the_fast_insert_writes_the_rows_the_orm_would() -> None:
    case = services.submit_case(
        services.CaseDraft(
            kind="complaint",
            subject="Broken lamp",
            category="environment.noise",
            resident_name="王五",
            resident_phone="139 1234 5678",
        ),
        actor=None,
        idempotency_key="k-1",
        now=MONDAY_10,
    ).case

    stored = Case.objects.get(pk=case.pk)
    assert (stored.tracking_code, stored.secret, stored.subject) == (
        case.tracking_code,
        case.secret,
        "Broken lamp",
    )
    assert stored.category is not None and stored.category.code == "environment.noise"
    assert stored.received_at == MONDAY_10 and stored.status == "received"
    assert stored.created_at is not None and stored.updated_at is not None
    assert Resident.objects.get(pk=stored.resident_id).phone == "13912345678"
    event = CaseEvent.objects.get(case=stored)
    assert (event.type, event.to_status, event.actor_label, event.public) == (
        "received",
        "received",
        "resident",
        True,
    )
    audit = AuditEntry.objects.get(action="cases.case.received", target_id=str(stored.pk))
    assert audit.target_type == "cases.case" and audit.summary == stored.tracking_code
    assert audit.data == {"from": "", "to": "received", **event.data}
    assert IdempotencyRecord.objects.get(key="anon:k-1").case_id == stored.pk


def test_no_signal_receiver_is_skipped_by_the_fast_insert() -> None:
    for model in (Case, CaseEvent, AuditEntry, IdempotencyRecord, Resident):
        for signal in (signals.pre_save, signals.post_save):
            assert not signal.has_listeners(model), f"{signal} has a receiver for {model}"


@pytest.mark.django_db(transaction=True)
def test_group_commit_gives_each_caller_its_own_result_and_isolates_a_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Group commit is only switched on for SQLite; the mechanism is the same on PostgreSQL.
    monkeypatch.setattr(_group, "enabled", lambda: not connection.in_atomic_block)
    group = GroupCommit()
    leader_inside, release = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def first() -> int:
        leader_inside.set()
        release.wait(10)
        return Resident.objects.create(name="first").pk

    def second() -> int:
        return Resident.objects.create(name="second").pk

    def third() -> int:
        Resident.objects.create(name="third")
        raise IntegrityError("third fails")

    def call(name: str, fn: object) -> None:
        try:
            results[name] = group.run(fn)  # type: ignore[arg-type]
        except IntegrityError as exc:
            results[name] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=call, args=("first", first))]
    threads[0].start()
    assert leader_inside.wait(10)
    for name, fn in (("second", second), ("third", third)):
        threads.append(threading.Thread(target=call, args=(name, fn)))
        threads[-1].start()
    for _ in range(1000):  # both wait behind the running commit
        if len(group._queue) == 2:
            break
        threading.Event().wait(0.01)
    release.set()
    for t in threads:
        t.join(10)

    assert isinstance(results["third"], IntegrityError)
    names = set(Resident.objects.values_list("name", flat=True))
    assert names == {"first", "second"}
    assert Resident.objects.get(name="first").pk == results["first"]
    assert Resident.objects.get(name="second").pk == results["second"]
    assert (group.batches, group.writes) == (2, 3)  # second and third shared one commit


def test_the_fingerprint_is_the_one_keys_were_stored_with() -> None:
    # Computed without `asdict`'s copies now; a key stored before must still match its retry.
    draft = services.CaseDraft(kind="complaint", subject="路灯坏了", lat=31.2, lng=121.4)
    as_before = json.dumps(asdict(draft), sort_keys=True, ensure_ascii=False, default=str)

    assert fingerprint(draft) == hashlib.sha256(as_before.encode()).hexdigest()
