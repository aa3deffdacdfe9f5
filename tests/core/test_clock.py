from __future__ import annotations

from datetime import UTC, datetime

import pytest

from grassroots.cases import services
from grassroots.cases.models import CaseEvent
from grassroots.core import clock


def test_clock_is_real_time_unless_set() -> None:
    moment = datetime(2020, 5, 1, 8, 0, tzinfo=UTC)

    with clock.at(moment):
        inside = clock.now()
    outside = clock.now()

    assert inside == moment
    assert outside > moment


def test_clock_refuses_a_naive_moment() -> None:
    with pytest.raises(ValueError, match="aware"), clock.at(datetime(2020, 5, 1)):
        pass


@pytest.mark.django_db
def test_services_stamp_the_clocks_moment() -> None:
    moment = datetime(2020, 5, 1, 8, 0, tzinfo=UTC)

    with clock.at(moment):
        case = services.submit_case(
            services.CaseDraft(kind="complaint", subject="x"), actor=None
        ).case

    assert case.received_at == moment
    assert CaseEvent.objects.get(case=case).at == moment
