from __future__ import annotations

import pytest
from django.test import Client


def test_health_answers_without_a_database() -> None:
    response = Client().get("/api/v1/health")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/api/v1/no-such-thing"),
        ("get", "/api/v1/cases/null,null"),  # no endpoint's int converter matches
        ("post", "/api/v1/cases/null,null/reply"),  # a POST with a session cookie: no CSRF 403
        ("get", "/api/v2/cases"),
    ],
)
def test_unknown_api_path_is_a_json_404_with_a_code(method: str, path: str) -> None:
    client = Client(enforce_csrf_checks=True)
    client.cookies["sessionid"] = "whatever"

    response = getattr(client, method)(path, headers={"accept-language": "en"})

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"code": "not_found", "message": "Not found."}


@pytest.mark.django_db
def test_every_operation_documents_the_error_shape() -> None:
    document = Client().get("/api/v1/openapi.json").json()

    error = document["components"]["schemas"]["Error"]
    operations = [op for ops in document["paths"].values() for op in ops.values()]
    assert error["required"] == ["code", "message"]
    assert operations
    assert all(
        any(code.startswith("4") for code in op["responses"])
        and any(code.startswith("5") for code in op["responses"])
        for op in operations
    )


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


def test_a_wrong_method_is_a_json_405_naming_the_allowed_ones() -> None:
    response = Client().delete("/api/v1/health", headers={"accept-language": "en"})

    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json() == {
        "code": "method_not_allowed",
        "message": "Method not allowed; use GET.",
    }
