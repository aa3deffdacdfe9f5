"""The demo cases made from NYC 311 records, loaded once for this module."""

from __future__ import annotations

import csv
import gzip
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count

from grassroots.cases.enums import CaseEventType, CaseStatus, ExtensionStatus, Priority
from grassroots.cases.models import Case, CaseAssignment, CaseEvent, Category, Resident
from grassroots.core.models import AuditEntry
from grassroots.demo import sources
from grassroots.demo.builder import DemoSummary, load_demo
from grassroots.demo.cases import CHANNEL_PREFIX, CaseLoad
from grassroots.demo.complaints import COMPLAINT_TYPES
from grassroots.demo.records import REQUESTS_FILE, records
from grassroots.organizations.enums import UnitLevel

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoSummary]:
    """Load the demo once; every test runs in a savepoint inside this rolled-back block."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo()
        transaction.set_rollback(True)


@pytest.fixture
def cases(demo: DemoSummary) -> CaseLoad:
    assert demo.cases is not None
    return demo.cases


def _record_key(case: Case) -> str:
    return case.channel_detail.removeprefix(CHANNEL_PREFIX)


def test_every_record_of_the_subset_is_one_case(cases: CaseLoad) -> None:
    keys = Case.objects.filter(channel_detail__startswith=CHANNEL_PREFIX)
    assert sorted(_record_key(c) for c in keys) == sorted(r.key for r in records())
    assert cases.created == len(records()) == Case.objects.count()


def test_every_state_is_present(cases: CaseLoad) -> None:
    present = set(Case.objects.values_list("status", flat=True))
    assert present == set(CaseStatus.values)


def test_the_counts_per_state_are_the_planned_ones(cases: CaseLoad) -> None:
    counts = dict(Case.objects.values_list("status").annotate(n=Count("id")).order_by())
    assert counts == dict(cases.intended)
    assert all(n >= 10 for n in counts.values()), counts


def test_timelines_are_in_time_order_between_receipt_and_the_load(cases: CaseLoad) -> None:
    received = dict(Case.objects.values_list("id", "received_at"))
    last: dict[int, Any] = {}
    for case_id, at in CaseEvent.objects.order_by("id").values_list("case_id", "at"):
        assert received[case_id] <= at <= cases.now, case_id
        assert at >= last.get(case_id, at), case_id
        last[case_id] = at


def test_the_newest_case_was_received_one_to_eight_days_before_the_load(
    cases: CaseLoad,
) -> None:
    newest = Case.objects.order_by("-received_at").first()
    assert newest is not None
    age = cases.now - newest.received_at
    assert 0.95 <= age.total_seconds() / 86400 < 8.05  # an hour either way: daylight saving


def test_categories_are_the_records_complaint_types(cases: CaseLoad) -> None:
    by_key = {r.key: r for r in records()}
    for case in Case.objects.select_related("category__parent"):
        kind = COMPLAINT_TYPES[by_key[_record_key(case)].complaint_type]
        assert case.category is not None and case.category.parent is not None
        assert (case.category.code, case.category.name_en) == (kind.code, kind.name_en)
        assert case.category.parent.code == kind.parent
    heat = Category.objects.get(code="nyc.heat-hot-water")
    assert (heat.name_en, heat.name_zh, heat.parent.code) == (  # type: ignore[union-attr]
        "HEAT/HOT WATER",
        "暖气和热水",
        "utilities.heating",
    )
    assert AuditEntry.objects.filter(action="cases.category.created").count() == len(
        COMPLAINT_TYPES
    )


def test_every_street_handler_and_the_sanitation_handler_have_cases(cases: CaseLoad) -> None:
    led = Counter(Case.objects.exclude(unit=None).values_list("unit__code", flat=True))
    streets = {str(code) for code in sources.community_districts()}
    assert {code for code in streets if led[code] == 0} == set()
    assert led["NYC-DSNY"] > 0


def test_street_level_problems_go_to_the_street_and_others_to_the_department(
    cases: CaseLoad,
) -> None:
    noise = Case.objects.filter(category__code="nyc.noise-residential").exclude(unit=None)
    assert set(noise.values_list("unit__level", flat=True)) == {UnitLevel.STREET}
    heat = Case.objects.filter(category__code="nyc.heat-hot-water").exclude(unit=None)
    assert set(heat.values_list("unit__code", flat=True)) == {"NYC-HPD"}


def test_the_queue_holds_new_emergencies_and_returned_cases(cases: CaseLoad) -> None:
    queue = Case.objects.filter(status=CaseStatus.RECEIVED)
    assert (
        queue.filter(priority=Priority.EMERGENCY).exists()
        or queue.filter(priority=Priority.URGENT).exists()
    )
    returned = queue.filter(return_count__gt=0)
    assert returned.exists()
    for case in returned:
        event = case.events.get(type=CaseEventType.RETURNED)
        assert event.note


def test_the_handling_scenarios_are_all_there(cases: CaseLoad) -> None:
    accepted = Case.objects.filter(status=CaseStatus.ACCEPTED)
    assert accepted.filter(escalated=True).exists()
    assert accepted.filter(supervise_count__gt=0).exists()
    extensions = Counter(
        accepted.values_list("extensions__status", flat=True).exclude(extensions=None)
    )
    assert extensions[ExtensionStatus.APPROVED] > 0 and extensions[ExtensionStatus.PENDING] > 0
    support = CaseAssignment.objects.filter(case__in=accepted, role="support")
    assert set(support.values_list("via", flat=True)) == {"cohandle", "summon"}
    assert CaseEvent.objects.filter(type=CaseEventType.TRANSFERRED).exists()
    assert CaseEvent.objects.filter(type=CaseEventType.REMINDED).exists()
    dispatched = Case.objects.filter(status=CaseStatus.DISPATCHED)
    assert dispatched.filter(respond_due__lt=cases.now).exists()


def test_the_finished_cases_carry_their_verdicts_and_reasons(cases: CaseLoad) -> None:
    closed = Counter(
        Case.objects.filter(status=CaseStatus.CLOSED).values_list("satisfaction", flat=True)
    )
    assert closed["satisfied"] > closed["basic"] > 0 and closed["unsatisfied"] > 0
    unresolved = Case.objects.filter(status=CaseStatus.FOLLOWED_UP)
    assert set(unresolved.values_list("resolved", flat=True)) == {False}
    assert "" not in set(
        Case.objects.filter(status=CaseStatus.REJECTED).values_list("rejection_reason", flat=True)
    )
    for case in Case.objects.filter(status=CaseStatus.MERGED).select_related("parent"):
        assert case.parent is not None and case.parent.category_id == case.category_id


def test_replied_cases_await_their_follow_up(cases: CaseLoad) -> None:
    replied = Case.objects.filter(status=CaseStatus.REPLIED)
    assert replied.exists()
    assert all(c.reply for c in replied)


def test_resident_data_are_synthetic(cases: CaseLoad) -> None:
    with gzip.open(REQUESTS_FILE, "rt", encoding="utf-8", newline="") as fh:
        source = {v.strip().lower() for row in csv.reader(fh) for v in row if v.strip()}
    residents = Resident.objects.all()
    values = {v.lower() for r in residents for v in (r.name, r.phone, r.email, r.id_number) if v}
    assert values and not values & source
    assert all(re.fullmatch(r"\d{3}55501\d{2}", r.phone) for r in residents if r.phone)
    assert Case.objects.filter(anonymous=True, resident=None).exists()
    assert Case.objects.filter(confidential=True).exists()


def test_a_second_load_adds_no_case(cases: CaseLoad) -> None:
    before = (Case.objects.count(), CaseEvent.objects.count(), AuditEntry.objects.count())

    again = load_demo()
    forced = load_demo(force=True)

    assert again.already_loaded and not forced.changed
    after = (Case.objects.count(), CaseEvent.objects.count(), AuditEntry.objects.count())
    assert after == before


def test_the_open311_demo_key_is_issued(demo: DemoSummary) -> None:
    from grassroots.open311.services import find_api_key

    assert find_api_key("grassroots-demo-key") is not None
