"""The duty roster page: the week of a unit, adding and cancelling shifts with plain forms,
read-only for dispatchers and invisible (404) to handlers."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from grassroots.core import clock
from grassroots.core.models import AuditEntry
from grassroots.organizations import duty
from grassroots.organizations.models import DutyShift
from tests.web.conftest import login as _login

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)  # a Wednesday


def login(user: Any) -> Any:
    """A logged-in client that asks for English pages."""
    client = _login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


URL = "/console/duty/"


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with clock.at(NOW):
        yield


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=SHANGHAI)


def shift(user: Any, unit: Any, start: datetime, end: datetime, note: str = "") -> DutyShift:
    return duty.add_shift(user, unit=unit, starts_at=start, ends_at=end, note=note, actor=None)


def test_the_week_shows_who_is_on_duty_when_and_the_gaps(
    city: dict[str, Any], people: dict[str, Any]
) -> None:
    with clock.at(at(24, 12)):
        night = shift(people["dispatcher"], city["d1"], at(24, 20), at(25, 8), note="night")
    day = shift(people["dispatcher"], city["city"], at(25, 8), at(25, 20))

    response = login(people["supervisor"]).get(URL, {"unit": "WS1"})

    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["unit"] == city["s1"]
    days = response.context["days"]
    assert [d.day.day for d in days] == [23, 24, 25, 26, 27, 28, 29]
    tuesday, wednesday = days[1], days[2]
    assert [(e.shift, e.starts, e.ends, e.inherited) for e in tuesday.entries] == [
        (night, "20:00", "…", True)
    ]
    assert [(e.shift, e.starts, e.ends) for e in wednesday.entries] == [
        (night, "…", "08:00"),
        (day, "08:00", "20:00"),
    ]
    assert tuesday.gaps == [("00:00", "20:00")]
    assert wednesday.gaps == [("20:00", "24:00")]
    assert days[0].gaps == [("00:00", "24:00")]
    assert [s.pk for s in response.context["now_shifts"]] == [day.pk]
    assert "Nobody on duty 20:00–24:00" in page
    assert f'action="/console/duty/shifts/{day.pk}/cancel/"' in page
    assert 'action="/console/duty/shifts/"' in page


def test_a_supervisor_adds_a_night_shift_across_midnight(
    city: dict[str, Any], people: dict[str, Any]
) -> None:
    client = login(people["supervisor"])

    response = client.post(
        "/console/duty/shifts/",
        {
            "unit": "WD1",
            "week": "2026-11-23",
            "user": people["dispatcher"].pk,
            "day": "2026-11-29",
            "start": "20:00",
            "end": "08:00",
            "note": "weekend night",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/console/duty/?unit=WD1&week=2026-11-23"
    stored = DutyShift.objects.get()
    assert (stored.user, stored.unit, stored.note) == (
        people["dispatcher"],
        city["d1"],
        "weekend night",
    )
    assert (stored.starts_at, stored.ends_at) == (at(29, 20), at(30, 8))
    assert AuditEntry.objects.filter(
        action="organizations.duty_shift.added", actor=people["supervisor"]
    ).exists()


def test_a_refused_shift_shows_the_reason_and_stores_nothing(
    city: dict[str, Any], people: dict[str, Any]
) -> None:
    shift(people["dispatcher"], city["d1"], at(26, 8), at(26, 20))
    client = login(people["supervisor"])

    response = client.post(
        "/console/duty/shifts/",
        {
            "unit": "WD1",
            "user": people["dispatcher"].pk,
            "day": "2026-11-26",
            "start": "18:00",
            "end": "22:00",
        },
    )

    assert response.status_code == 400
    assert "is already on duty for WD1 from 2026-11-26 08:00 to 2026-11-26 20:00." in (
        response.content.decode()
    )
    assert DutyShift.objects.count() == 1


def test_someone_without_a_dispatcher_role_is_not_offered(
    city: dict[str, Any], people: dict[str, Any]
) -> None:
    client = login(people["supervisor"])

    response = client.post(
        "/console/duty/shifts/",
        {
            "unit": "WD1",
            "user": people["handler1"].pk,
            "day": "2026-11-26",
            "start": "08:00",
            "end": "20:00",
        },
    )

    assert response.status_code == 400
    assert response.context["form"].errors["user"]
    assert DutyShift.objects.count() == 0


def test_a_supervisor_cancels_a_shift(city: dict[str, Any], people: dict[str, Any]) -> None:
    planned = shift(people["dispatcher"], city["d1"], at(26, 8), at(26, 20))
    client = login(people["supervisor"])

    response = client.post(
        f"/console/duty/shifts/{planned.pk}/cancel/",
        {"next": "/console/duty/?unit=WD1&week=2026-11-23"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/console/duty/?unit=WD1&week=2026-11-23"
    planned.refresh_from_db()
    assert planned.cancelled_at == NOW
    after = client.get(response["Location"])
    assert "The shift is cancelled." in after.content.decode()
    assert after.context["days"][3].entries == []


def test_a_dispatcher_reads_the_roster_but_cannot_change_it(
    city: dict[str, Any], people: dict[str, Any]
) -> None:
    planned = shift(people["dispatcher"], city["d1"], at(26, 8), at(26, 20))
    client = login(people["dispatcher"])

    page = client.get(URL, {"unit": "WD1"})
    add = client.post(
        "/console/duty/shifts/",
        {
            "unit": "WD1",
            "user": people["dispatcher"].pk,
            "day": "2026-11-27",
            "start": "08:00",
            "end": "20:00",
        },
    )
    cancel = client.post(f"/console/duty/shifts/{planned.pk}/cancel/")

    assert page.status_code == 200
    assert page.context["form"] is None
    assert "/cancel/" not in page.content.decode()
    assert (add.status_code, cancel.status_code) == (403, 403)
    planned.refresh_from_db()
    assert (DutyShift.objects.count(), planned.cancelled_at) == (1, None)


def test_a_handler_gets_a_404_everywhere(city: dict[str, Any], people: dict[str, Any]) -> None:
    planned = shift(people["dispatcher"], city["d1"], at(26, 8), at(26, 20))
    client = login(people["handler1"])

    responses = [
        client.get(URL),
        client.get(URL, {"unit": "WS1"}),
        client.post("/console/duty/shifts/", {"unit": "WS1"}),
        client.post(f"/console/duty/shifts/{planned.pk}/cancel/"),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    planned.refresh_from_db()
    assert planned.cancelled_at is None


def test_anonymous_is_sent_to_log_in(city: dict[str, Any]) -> None:
    from django.test import Client

    response = Client().get(URL)

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_bad_week_is_a_400(city: dict[str, Any], people: dict[str, Any]) -> None:
    response = login(people["supervisor"]).get(URL, {"week": "next tuesday"})

    assert response.status_code == 400


def test_the_page_speaks_chinese_by_default(city: Any, people: Any) -> None:
    html = _login(people["supervisor"]).get(URL, {"unit": "WS1"}).content.decode()

    assert "值班安排" in html and "Duty roster" not in html
