from __future__ import annotations

import pytest
from django.test import Client


def test_health_answers_without_a_database() -> None:
    response = Client().get("/api/v1/health")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_unknown_api_path_is_a_json_404_with_a_code() -> None:
    response = Client().get("/api/v1/no-such-thing")

    assert response.status_code == 404


@pytest.mark.django_db
def test_docs_page_is_served() -> None:
    response = Client().get("/api/v1/docs")

    assert response.status_code == 200
    assert b"openapi.json" in response.content


@pytest.mark.django_db
def test_openapi_document_is_served() -> None:
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Grassroots API"


@pytest.mark.django_db
def test_docs_page_loads_swagger_from_our_own_origin_not_a_cdn() -> None:
    response = Client().get("/api/v1/docs")

    assert b"/static/ninja/swagger-ui-bundle.js" in response.content
    assert b"cdn." not in response.content
