"""Retention: personal data of cases that ended long ago is erased; nothing else is."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.utils import timezone

from grassroots.cases import services
from grassroots.cases.models import Case, Resident
from grassroots.cases.services.retention import erase_personal_data
from grassroots.cases.tasks import erase_expired_personal_data
from grassroots.core.models import AuditEntry
from grassroots.geo.public import snap
from tests.cases.conftest import Api
from tests.factories.cases import submit

pytestmark = pytest.mark.django_db

YEAR = timedelta(days=365)


def _later(years: float) -> Any:
    return timezone.now() + years * YEAR


def _rejected(**kw: Any) -> Case:
    fields = {"lat": 39.91234, "lng": 116.40321, "address": "3 Elm Road, flat 12", **kw}
    case = submit(**fields)
    services.reject_case(case, reason="Out of scope.", actor=None)
    case.refresh_from_db()
    return case


def test_a_case_that_ended_long_ago_loses_address_point_and_resident(settings: Any) -> None:
    settings.PERSONAL_DATA_RETENTION_DAYS = 3 * 365
    case = _rejected()
    resident_id = case.resident_id
    events_before = case.events.count()

    report = erase_personal_data(actor=None, now=_later(3.1))

    assert (report.cases, report.residents) == (1, 1)
    case.refresh_from_db()
    assert case.address == ""
    assert (case.lat, case.lng) == (snap(39.91234), snap(116.40321))
    assert case.erased_at is not None
    # What the figures and the history need stays.
    assert case.subject == "Streetlight out on Elm Road"
    assert case.rejection_reason == "Out of scope."
    assert case.events.count() == events_before
    resident = Resident.objects.get(pk=resident_id)
    assert (resident.name, resident.phone, resident.id_number, resident.email) == ("", "", "", "")
    assert resident.erased_at is not None
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"cases.personal_data.erased", "cases.resident.erased"} <= actions


def test_nothing_is_erased_before_the_period_ends(settings: Any) -> None:
    settings.PERSONAL_DATA_RETENTION_DAYS = 3 * 365
    case = _rejected()

    report = erase_personal_data(actor=None, now=_later(2.9))

    assert (report.cases, report.residents) == (0, 0)
    case.refresh_from_db()
    assert case.address == "3 Elm Road, flat 12" and case.erased_at is None
    assert Resident.objects.get(pk=case.resident_id).phone == "13812345678"


def test_open_cases_and_their_residents_are_kept(settings: Any) -> None:
    settings.PERSONAL_DATA_RETENTION_DAYS = 3 * 365
    old = _rejected()
    still_open = submit(address="3 Elm Road, flat 12", resident_phone="", resident_name="")
    # The same person's open case keeps them reachable.
    Case.objects.filter(pk=still_open.pk).update(resident=old.resident)

    report = erase_personal_data(actor=None, now=_later(5))

    assert report.cases == 1
    still_open.refresh_from_db()
    assert still_open.address == "3 Elm Road, flat 12" and still_open.erased_at is None
    assert Resident.objects.get(pk=old.resident_id).name == "张三丰"


def test_a_second_run_erases_nothing_more_and_a_dry_run_changes_nothing(settings: Any) -> None:
    settings.PERSONAL_DATA_RETENTION_DAYS = 3 * 365
    case = _rejected()

    dry = erase_personal_data(actor=None, now=_later(4), dry_run=True)
    case.refresh_from_db()
    assert (dry.cases, dry.residents) == (1, 1)
    assert case.erased_at is None and case.address
    assert not AuditEntry.objects.filter(action="cases.personal_data.erased").exists()

    first = erase_personal_data(actor=None, now=_later(4))
    second = erase_personal_data(actor=None, now=_later(4))
    assert (first.cases, first.residents) == (1, 1)
    assert (second.cases, second.residents) == (0, 0)


def test_batches_cover_every_case(settings: Any) -> None:
    settings.PERSONAL_DATA_RETENTION_DAYS = 3 * 365
    cases = [_rejected() for _ in range(5)]
    seen: list[tuple[int, int]] = []

    report = erase_personal_data(
        actor=None, now=_later(4), batch=2, progress=lambda d, t: seen.append((d, t))
    )

    assert report.cases == 5 and report.residents == 5
    assert seen[:3] == [(2, 5), (4, 5), (5, 5)]
    assert not Case.objects.filter(pk__in=[c.pk for c in cases], erased_at=None).exists()
    assert AuditEntry.objects.filter(action="cases.personal_data.erased").count() == 3


def test_zero_keeps_everything_and_a_period_inside_the_reopen_window_is_refused(
    settings: Any,
) -> None:
    _rejected()
    settings.PERSONAL_DATA_RETENTION_DAYS = 0
    assert erase_personal_data(actor=None, now=_later(50)).cases == 0

    settings.PERSONAL_DATA_RETENTION_DAYS = settings.CASE_REOPEN_WINDOW_DAYS
    with pytest.raises(ImproperlyConfigured):
        erase_personal_data(actor=None, now=_later(50))
    with pytest.raises(CommandError, match="CASE_REOPEN_WINDOW_DAYS"):
        call_command("erase_personal_data", "--no-progress", stdout=StringIO())
    assert not Case.objects.filter(erased_at__isnull=False).exists()


def test_the_command_and_the_task(settings: Any) -> None:
    settings.PERSONAL_DATA_RETENTION_DAYS = 40
    case = _rejected()
    long_ago = timezone.now() - timedelta(days=41)
    Case.objects.filter(pk=case.pk).update(received_at=long_ago, closed_at=long_ago)
    Resident.objects.filter(pk=case.resident_id).update(created_at=long_ago)

    out = StringIO()
    call_command("erase_personal_data", "--dry-run", "--no-progress", stdout=out)
    assert out.getvalue().splitlines()[-1] == "cases=1 residents=1"

    result = erase_expired_personal_data.call()
    assert result == {"cases": 1, "residents": 1}

    out = StringIO()
    call_command("erase_personal_data", "--no-progress", stdout=out)
    assert out.getvalue().splitlines()[-1] == "cases=0 residents=0"


def test_staff_see_that_the_data_was_erased(settings: Any, tree: Any, people: Any) -> None:
    settings.PERSONAL_DATA_RETENTION_DAYS = 3 * 365
    case = _rejected()
    erase_personal_data(actor=None, now=_later(4))

    body = Api(people["dispatcher"]).get(f"/cases/{case.pk}").json()

    assert body["erased_at"] is not None
    assert body["resident"]["name"] == "" and body["resident"]["phone"] == ""
    assert "Elm Road, flat 12" not in str(body)
