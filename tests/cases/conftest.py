from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from grassroots.accounts.services import issue_token
from tests.factories.cases import staff
from tests.factories.organizations import make_tree


class Api:
    """A JSON client for /api/v1 acting as one user (bearer token) or anonymously."""

    def __init__(self, user: Any = None) -> None:
        self.client = Client()
        self.headers: dict[str, str] = {}
        if user is not None:
            key, _token = issue_token(user, actor=user)
            self.headers["Authorization"] = f"Bearer {key}"

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def post(self, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        return self.client.post(
            f"/api/v1{path}",
            body or {},
            content_type="application/json",
            headers={**self.headers, **(headers or {})},
        )


@pytest.fixture
def tree() -> Any:
    return make_tree()


@pytest.fixture
def people(tree: Any) -> Any:
    return staff(tree)


@pytest.fixture
def api_as(people: Any) -> Any:
    return lambda name: Api(people[name]) if name != "anonymous" else Api()
