"""Case deadlines follow the policy for the category and priority, in working time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from grassroots.cases import services
from grassroots.cases.models import DeadlinePolicy

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def _submit(at: datetime, **kw: object):  # type: ignore[no-untyped-def]
    draft = services.CaseDraft(kind="complaint", subject="x", **kw)  # type: ignore[arg-type]
    return services.submit_case(draft, actor=None, now=at).case


def test_general_case_across_national_day_skips_the_holiday_and_counts_the_adjusted_saturday() -> (
    None
):
    # 2025-09-30 (Tue) 10:00: Oct 1-8 are holidays, Sat Oct 11 is an adjusted working day.
    # Day 0 is Sep 30; working days 1..7 are Oct 9, 10, 11 (Sat), 13, 14, 15, 16.
    case = _submit(datetime(2025, 9, 30, 10, 0, tzinfo=SH))

    assert case.resolve_due.astimezone(SH) == datetime(2025, 10, 16, 18, 0, tzinfo=SH)
    # 8 working hours from 10:00: 10-12 (2 h) + 13:30-18 (4.5 h) + Oct 9 09:00-10:30 (1.5 h).
    assert case.respond_due.astimezone(SH) == datetime(2025, 10, 9, 10, 30, tzinfo=SH)


def test_received_on_a_sunday_counts_from_monday_morning() -> None:
    case = _submit(datetime(2025, 11, 16, 15, 0, tzinfo=SH))  # Sunday

    # An office day holds 7.5 working hours (09-12, 13:30-18): 8 h end Tuesday 09:30.
    assert case.respond_due.astimezone(SH) == datetime(2025, 11, 18, 9, 30, tzinfo=SH)


def test_emergency_runs_around_the_clock() -> None:
    at = datetime(2025, 10, 1, 23, 0, tzinfo=SH)  # a holiday, at night

    case = _submit(at, priority="emergency")

    assert case.respond_due.astimezone(SH) == datetime(2025, 10, 2, 1, 0, tzinfo=SH)
    assert case.resolve_due.astimezone(SH) == datetime(2025, 10, 2, 23, 0, tzinfo=SH)


def test_a_subcategory_inherits_its_parents_policy() -> None:
    at = datetime(2025, 11, 14, 17, 0, tzinfo=SH)  # Friday evening: utilities run 24 h

    case = _submit(at, category="utilities.water")

    assert case.resolve_due.astimezone(SH) == datetime(2025, 11, 15, 17, 0, tzinfo=SH)


def test_a_complex_category_gets_fifteen_working_days() -> None:
    case = _submit(datetime(2025, 11, 3, 10, 0, tzinfo=SH), category="labour.wages")

    assert case.resolve_due.astimezone(SH) == datetime(2025, 11, 24, 18, 0, tzinfo=SH)


def test_the_deployment_can_change_a_policy() -> None:
    DeadlinePolicy.objects.filter(category=None, priority="normal").update(resolve_within=1)

    case = _submit(datetime(2025, 11, 3, 10, 0, tzinfo=SH))

    assert case.resolve_due.astimezone(SH) == datetime(2025, 11, 4, 18, 0, tzinfo=SH)
