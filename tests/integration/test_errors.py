"""Bad input gets a clear message and the right status, as a page or as problem+json."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from badges.errors import Conflict
from badges.web.security import csrf


def test_unknown_route_is_a_friendly_404_page(client: FlaskClient) -> None:
    response = client.get("/no/such/page")

    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "There is nothing at this address." in response.get_data(as_text=True)


def test_json_clients_get_problem_details(client: FlaskClient) -> None:
    response = client.get("/no/such/page", headers={"Accept": "application/json"})

    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.json is not None
    assert response.json["status"] == 404
    assert response.json["title"] == "Not Found"
    assert response.json["code"] == "not_found"


def test_missing_csrf_token_is_explained(client: FlaskClient) -> None:
    response = client.post("/login", data={"email": "a@example.org", "password": "x"})

    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)


def test_malformed_json_gets_a_problem_document(client: FlaskClient) -> None:
    response = client.post("/login", data="{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.json is not None
    assert response.json["code"] == "csrf_failed"


def test_oversize_request_is_413(app: Flask, client: FlaskClient) -> None:
    limit = app.config["MAX_CONTENT_LENGTH"]

    response = client.post(
        "/register", data=b"x" * (limit + 1), content_type="application/octet-stream"
    )

    assert response.status_code == 413
    assert "larger than 20 MB" in response.get_data(as_text=True)


@pytest.fixture
def failing_app(app: Flask) -> Flask:
    @app.get("/test-only/boom")
    def boom() -> str:
        raise RuntimeError("secret internal detail")

    @app.get("/test-only/conflict")
    def conflict() -> str:
        raise Conflict("Already there.", code="already_there")

    def echo() -> dict[str, object]:
        from flask import request  # noqa: PLC0415

        return {"got": request.get_json()}

    # A stateless JSON API is exempt from CSRF, as /api/v1/verify will be.
    app.post("/api/test-only/echo")(csrf.exempt(echo))
    return app


def test_unexpected_errors_show_no_stack_trace(
    failing_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    response = failing_app.test_client().get("/test-only/boom")
    body = response.get_data(as_text=True)

    assert response.status_code == 500
    assert "Something went wrong on our side" in body
    assert "secret internal detail" not in body
    assert "Traceback" not in body
    assert "secret internal detail" in caplog.text  # but the operators see it


def test_domain_errors_map_to_statuses(failing_app: Flask) -> None:
    client = failing_app.test_client()

    page = client.get("/test-only/conflict")
    problem = client.get("/test-only/conflict", headers={"Accept": "application/problem+json"})

    assert page.status_code == 409
    assert "Already there." in page.get_data(as_text=True)
    assert problem.status_code == 409
    assert problem.json == {
        "type": "about:blank",
        "title": "Conflict",
        "status": 409,
        "detail": "Already there.",
        "code": "already_there",
    }


def test_malformed_json_to_an_api_endpoint(failing_app: Flask) -> None:
    client = failing_app.test_client()

    response = client.post("/api/test-only/echo", data="{oops", content_type="application/json")

    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.json is not None
    assert response.json["detail"] == "The JSON in the request body is not valid."
    assert response.json["code"] == "malformed_json"


def test_security_headers_are_set(client: FlaskClient) -> None:
    response = client.get("/")

    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
