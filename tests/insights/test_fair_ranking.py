"""Open overdue cases count against a unit's score whatever the weights; the scoring settings
are checked when read and by `grassroots check`."""

from __future__ import annotations

from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from grassroots.core import clock
from grassroots.insights import conf
from grassroots.insights.apps import check_scoring_settings
from grassroots.insights.buckets import Bucket
from grassroots.insights.kpis import Scope, kpi_table
from grassroots.insights.periods import parse_period
from grassroots.insights.scoring import score
from grassroots.insights.services import fold_changes

NOW = 1_000_000.0


def _unit(received: int, overdue: int, **counts: int) -> Bucket:
    """A unit whose every finished case went well, with `overdue` open cases past deadline."""
    bucket = Bucket(counts=Counter(received=received, **counts))
    bucket.open_dues = [NOW - 60] * overdue
    return bucket


def _config(**kw: Any) -> conf.Config:
    weights = {"response": 0.1, "resolution": 0.45, "satisfaction": 0.45}
    base = conf.Config(weights, {"satisfied": 1.0, "basic": 0.8, "unsatisfied": 0.0}, 10, 0.0)
    return conf.Config(**{**base.__dict__, **kw})


def test_open_overdue_cases_lower_the_score_although_on_time_has_no_weight() -> None:
    # given two units alike in every weighted rate, one with 12 of its 54 cases open overdue
    finished = {"response_base": 42, "responded_on_time": 42, "followed_up": 42, "resolved": 42}
    finished |= {"rated": 42, "satisfied": 42}
    clean, late = _unit(42, 0, **finished), _unit(54, 12, **finished)
    city = dict.fromkeys(("response", "resolution", "satisfaction", "on_time", "overdue"))
    # when both are scored with the default weights (no weight on on-time closure)
    a, b = score(clean, city, NOW, _config()), score(late, city, NOW, _config())
    # then both weighted composites are 1.0, but the overdue share takes 12/54 off the late one
    assert a.base == b.base == pytest.approx(1.0)
    assert (a.value, b.overdue.raw) == (pytest.approx(1.0), pytest.approx(12 / 54))
    assert b.value == pytest.approx(1.0 * (1 - 12 / 54))
    # a deployment may soften the penalty (0: overdue cases do not touch the ranking)
    assert score(late, city, NOW, _config(overdue_penalty=0.5)).value == pytest.approx(
        1 - 0.5 * 12 / 54
    )
    assert score(late, city, NOW, _config(overdue_penalty=0.0)).value == pytest.approx(1.0)


def test_overdue_share_is_pulled_toward_the_city_like_the_rates() -> None:
    bucket = _unit(2, 1, response_base=1, responded_on_time=1)
    city: dict[str, float | None] = dict.fromkeys(("response", "resolution"), 1.0)
    city |= {"satisfaction": 1.0, "on_time": 1.0}
    found = score(bucket, city | {"overdue": 0.1}, NOW, _config(shrink_cases=20.0))
    assert found.overdue.raw == 0.5  # the raw share stays beside the adjusted one
    assert found.overdue_adjusted == pytest.approx((1 + 20 * 0.1) / (2 + 20))


@pytest.mark.django_db
def test_stuck_case_counts_against_its_street_in_the_table(month: Any) -> None:
    # given the month, where street S2's only kept case is stuck past its deadline
    fold_changes()
    rows = kpi_table(
        "street", parse_period("2025-03"), unit=None, scope=Scope(None), now=clock.now()
    )
    s2 = next(r for r in rows if r["unit"] == "KS2")
    # then its overdue share is 1 of 1 raw, adjusted toward the city, and lowers its score
    assert (s2["overdue_open"], s2["overdue_rate"]) == (1, 1.0)
    assert s2["score"] == pytest.approx(s2["score_before_overdue"] * (1 - s2["overdue_adjusted"]))
    assert s2["score"] < s2["score_before_overdue"]


@pytest.mark.parametrize(
    ("setting", "value", "named"),
    [
        ("INSIGHTS_SCORE_WEIGHTS", "respons=10,resolution=45", "“respons”"),
        ("INSIGHTS_SCORE_WEIGHTS", "response=-1,resolution=45", "“response”"),
        ("INSIGHTS_SCORE_WEIGHTS", "response=0,resolution=0", "every weight is zero"),
        ("INSIGHTS_SCORE_WEIGHTS", "response=ten", "not a number"),
        ("INSIGHTS_SATISFACTION_WEIGHTS", "satisfed=1", "“satisfed”"),
        ("INSIGHTS_OVERDUE_PENALTY", "2", "outside 0..1"),
    ],
)
def test_bad_scoring_settings_are_refused_by_name(setting: str, value: str, named: str) -> None:
    with override_settings(**{setting: value}):
        # reading them fails with the bad key and the allowed ones named
        with pytest.raises(ImproperlyConfigured) as refused:
            conf.load()
        assert setting in str(refused.value) and named in str(refused.value)
        if "unknown key" in str(refused.value):
            assert "allowed keys:" in str(refused.value)
        # and the system check reports it
        errors = check_scoring_settings()
        assert [e.id for e in errors] == ["insights.E001"]
        assert named in errors[0].msg


def test_grassroots_check_reports_a_misspelt_weight() -> None:
    misspelt = override_settings(INSIGHTS_SCORE_WEIGHTS="respons=10,resolution=45,satisfaction=45")
    with misspelt, pytest.raises(SystemCheckError) as failed:
        call_command("check", stdout=StringIO(), stderr=StringIO())
    message = str(failed.value)
    assert "insights.E001" in message and "respons" in message
    assert "response, resolution, satisfaction, on_time" in message


def test_default_settings_pass_the_check() -> None:
    assert check_scoring_settings() == []
    assert conf.load().overdue_penalty == 1.0
