"""Fixtures shared by the suggestion and meeting tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from grassroots.core import clock
from grassroots.organizations.enums import Role
from tests.factories.cases import person
from tests.factories.organizations import make_tree

MONDAY_MORNING = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # 10:00 in Beijing


@pytest.fixture
def monday_morning() -> Iterator[dt.datetime]:
    """The service clock stands at a working Monday morning for the whole test."""
    with clock.at(MONDAY_MORNING):
        yield MONDAY_MORNING


@pytest.fixture
def tree() -> Any:
    return make_tree()


@pytest.fixture
def worker(tree: Any) -> Any:
    """A community worker at community c1: opens calls, types in offline suggestions."""
    return person("communityworker", Role.GRID_WORKER, tree["c1"])
