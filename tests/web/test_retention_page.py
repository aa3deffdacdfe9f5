"""The case page after the retention period erased the resident's data."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from grassroots.cases import services
from grassroots.cases.services.retention import erase_personal_data
from tests.factories.cases import submit

pytestmark = pytest.mark.django_db


def test_the_case_page_says_the_data_was_erased_and_offers_no_reveal(
    settings: Any, city: Any, people: Any
) -> None:
    settings.PERSONAL_DATA_RETENTION_DAYS = 3 * 365
    case = submit(lat=39.1, lng=116.1, address="3 Elm Road, flat 12")
    services.reject_case(case, reason="Out of scope.", actor=None)
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(people["dispatcher"])

    before = client.get(f"/console/cases/{case.pk}/").content.decode()
    erase_personal_data(actor=None, now=timezone.now() + timedelta(days=4 * 365))
    after = client.get(f"/console/cases/{case.pk}/").content.decode()

    assert "3 Elm Road, flat 12" in before and 'data-testid="erased"' not in before
    assert 'data-testid="erased"' in after and "retention period had passed" in after
    assert "3 Elm Road, flat 12" not in after and "Show (logged)" not in after
