"""``POST /api/v1/verify`` writes its check messages in the reader's language (issue #5).

The language comes from ``Accept-Language`` (en, de, bg, ro; English otherwise), is said in
``Content-Language`` and the answer varies by it. Dates and numbers in messages stay ISO 8601
text and plain digits, since programs read the JSON too; ids, outcomes and details never change.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from badges.clock import FixedClock
from tests.integration.test_verifier_web import CORPUS_AT, corpus_text, install_verifier
from verifier.web.service import REPORT_CACHE_EXTENSION


@pytest.fixture
def clock() -> FixedClock:
    """The corpus's verdicts hold at its own instant."""
    return FixedClock(CORPUS_AT)


@pytest.fixture
def api(app: Flask) -> FlaskClient:
    install_verifier(app)
    return app.test_client()


def verify(api: FlaskClient, name: str, language: str | None = None) -> TestResponse:
    headers = {"Accept-Language": language} if language else {}
    return api.post("/api/v1/verify", json=json.loads(corpus_text(name)), headers=headers)


def messages(response: TestResponse) -> dict[str, str]:
    body: dict[str, Any] = response.get_json()
    return {check["id"]: check["message"] for check in body["checks"]}


def test_german_messages_with_content_language_and_vary(api: FlaskClient) -> None:
    response = verify(api, "valid-did-key.json", "de-DE,de;q=0.9,en;q=0.5")

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "de"
    assert "Accept-Language" in response.headers["Vary"]
    found = messages(response)
    assert found["parse"] == "Das Badge konnte gelesen werden."
    assert found["proof"] == (
        "Die Signatur des Ausstellers ist gültig: Das Badge wurde seit der Signierung nicht"
        " verändert."
    )
    english = messages(verify(api, "valid-did-key.json", "en"))
    assert all(found[check] != english[check] for check in found)  # every message translated


def test_bulgarian_messages(api: FlaskClient) -> None:
    response = verify(api, "valid-did-key.json", "bg")

    assert response.headers["Content-Language"] == "bg"
    found = messages(response)
    assert found["parse"] == "Значката беше прочетена успешно."
    assert found["proof"] == (
        "Подписът на издателя е валиден: значката не е променяна, откакто е подписана."
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de", "Dieses Badge ist am 2021-01-01T00:00:00Z abgelaufen."),
        ("bg", "Валидността на тази значка е изтекла на 2021-01-01T00:00:00Z."),
        (None, "This badge expired on 2021-01-01T00:00:00Z."),
    ],
)
def test_dates_stay_iso_text_in_every_language(
    api: FlaskClient, language: str | None, expected: str
) -> None:
    body = verify(api, "expired.json", language).get_json()

    validity = next(check for check in body["checks"] if check["id"] == "validity")
    assert validity["message"] == expected
    assert validity["details"]["reason"] == "expired"
    assert body["verdict"] == "expired"


@pytest.mark.parametrize("language", [None, "fr", "*", "xx;q=abc,,;"])
def test_anything_else_falls_back_to_english(api: FlaskClient, language: str | None) -> None:
    response = verify(api, "valid-did-key.json", language)

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"
    assert messages(response)["parse"] == "The badge could be read."


def test_quality_values_decide(api: FlaskClient) -> None:
    response = verify(api, "valid-did-key.json", "fr;q=1.0, bg;q=0.9, de;q=0.8")

    assert response.headers["Content-Language"] == "bg"


def test_a_reused_report_is_still_written_in_each_readers_language(
    app: Flask, api: FlaskClient
) -> None:
    german = messages(verify(api, "valid-did-key.json", "de"))
    bulgarian = messages(verify(api, "valid-did-key.json", "bg"))

    assert len(app.extensions[REPORT_CACHE_EXTENSION]) == 1  # one report, two languages
    assert german["parse"] == "Das Badge konnte gelesen werden."
    assert bulgarian["parse"] == "Значката беше прочетена успешно."


def test_only_messages_change_with_the_language(api: FlaskClient) -> None:
    english = verify(api, "valid-did-key.json").get_json()
    german = verify(api, "valid-did-key.json", "de").get_json()

    for body in (english, german):
        for check in body["checks"]:
            del check["message"]
    assert german == english


def test_problems_are_in_the_readers_language_too(api: FlaskClient) -> None:
    response = api.post(
        "/api/v1/verify",
        data="not a credential",
        content_type="text/plain",
        headers={"Accept-Language": "de"},
    )

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.headers["Content-Language"] == "de"
    assert "Accept-Language" in response.headers["Vary"]
    assert response.get_json()["detail"].startswith("Dies ist weder ein Nachweis")


def test_the_description_documents_the_language_headers(api: FlaskClient) -> None:
    operation = api.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/verify"]["post"]

    assert [p["name"] for p in operation["parameters"]] == ["Accept-Language"]
    headers = operation["responses"]["200"]["headers"]
    assert headers["Content-Language"]["schema"]["enum"] == ["en", "de", "bg", "ro"]
    assert "Vary" in headers
