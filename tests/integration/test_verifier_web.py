"""The public verifier through the test client: /verify (paste, upload, URL) and the JSON API."""

from __future__ import annotations

import html
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from badges.baking import bake_png
from badges.clock import FixedClock
from tests.forms import csrf_token
from verifier import MapFetcher
from verifier.web import use_fetcher
from verifier.web.presentation import localised_params

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CORPUS = FIXTURES / "credentials" / "corpus"
BADGE_PNG = FIXTURES / "images" / "badge.png"
#: The instant the corpus's expected verdicts hold at.
CORPUS_AT = datetime.fromisoformat(json.loads((CORPUS / "expected.json").read_text())["at"])
#: The recipient the corpus credentials were issued to (tests/unit/ob3/builders.py).
RECIPIENT = "maria.petrova@example.org"


def corpus_text(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


def corpus_fetcher() -> MapFetcher:
    """The corpus's DID documents and status lists, instead of the network."""
    return MapFetcher.from_file(CORPUS / "did-documents.json") | MapFetcher.from_file(
        CORPUS / "status-lists.json"
    )


def install_verifier(app: Flask) -> None:
    """Resolve DIDs and status lists from the corpus's offline maps."""
    use_fetcher(app, corpus_fetcher())


@pytest.fixture
def clock() -> FixedClock:
    """The corpus's verdicts are stated at its own instant."""
    return FixedClock(CORPUS_AT)


@pytest.fixture
def verifier_client(app: Flask) -> FlaskClient:
    install_verifier(app)
    return app.test_client()


def post_form(client: FlaskClient, **fields: Any) -> tuple[int, str]:
    data = {"csrf_token": csrf_token(client, "/verify"), **fields}
    response = client.post("/verify", data=data, content_type="multipart/form-data")
    return response.status_code, response.get_data(as_text=True)


def verdict_of(page: str) -> str:
    marker = 'data-verdict="'
    assert marker in page, page[:2000]
    return page.split(marker, 1)[1].split('"', 1)[0]


def test_the_form_is_accessible_and_carries_a_csrf_token(verifier_client: FlaskClient) -> None:
    response = verifier_client.get("/verify")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    for field in ("credential", "file", "url", "expected_email"):
        assert f'<label for="{field}">' in page
    assert 'name="csrf_token"' in page
    assert 'enctype="multipart/form-data"' in page


def test_a_pasted_valid_credential_is_genuine_and_current(verifier_client: FlaskClient) -> None:
    status, page = post_form(verifier_client, credential=corpus_text("valid-did-web.json"))

    assert status == 200
    assert verdict_of(page) == "verified"
    assert "This badge is genuine and current" in page
    assert "Danube University of Technology" in page
    assert "Smart City Project Manager — Unit 2: Stakeholder engagement" in page
    assert "Technical details" in page
    assert 'data-check="proof"' in page


def test_a_baked_png_upload_verifies(verifier_client: FlaskClient) -> None:
    baked = bake_png(BADGE_PNG.read_bytes(), corpus_text("valid-did-web.json"))

    status, page = post_form(verifier_client, file=(io.BytesIO(baked), "badge.png"))

    assert status == 200
    assert verdict_of(page) == "verified"


def test_a_pasted_jws_verifies(verifier_client: FlaskClient) -> None:
    status, page = post_form(verifier_client, credential=corpus_text("valid-vc-jwt-eddsa.jws"))

    assert status == 200
    assert verdict_of(page) == "verified"


def test_a_url_is_fetched_through_the_apps_fetcher(app: Flask) -> None:
    url = "https://badges.danube-university.example/credentials/1.json"
    install_verifier(app)
    use_fetcher(app, corpus_fetcher() | MapFetcher({url: json.loads(corpus_text("revoked.json"))}))
    client = app.test_client()

    status, page = post_form(client, url=url)

    assert status == 200
    assert verdict_of(page) == "invalid"


def test_a_refused_url_is_a_friendly_error(verifier_client: FlaskClient) -> None:
    status, page = post_form(verifier_client, url="http://127.0.0.1/badge.json")

    assert status == 422
    assert 'role="alert"' in page
    assert "We could not read a credential from what you sent." in page


def test_a_revoked_credential_is_red_and_says_revoked(verifier_client: FlaskClient) -> None:
    status, page = post_form(verifier_client, credential=corpus_text("revoked.json"))

    assert status == 200
    assert verdict_of(page) == "invalid"
    assert "This badge could not be verified" in page
    assert "revoked" in page.lower()
    assert 'class="check check-fail" data-check="status"' in page


@pytest.mark.parametrize(("name", "verdict"), [("expired", "expired"), ("suspended", "suspended")])
def test_expired_and_suspended_are_amber(
    verifier_client: FlaskClient, name: str, verdict: str
) -> None:
    status, page = post_form(verifier_client, credential=corpus_text(f"{name}.json"))

    assert status == 200
    assert verdict_of(page) == verdict
    assert f"verdict-{verdict}" in page


def test_garbage_gets_a_friendly_error_page(verifier_client: FlaskClient) -> None:
    status, page = post_form(verifier_client, credential="this is not a badge")

    assert status == 422
    assert "We could not read a credential from what you sent." in page
    assert "Traceback" not in page


def test_an_empty_form_asks_for_a_credential(verifier_client: FlaskClient) -> None:
    status, page = post_form(verifier_client)

    assert status == 422
    assert "Paste a credential, choose a file or give its https address." in page


def test_the_form_needs_its_csrf_token(verifier_client: FlaskClient) -> None:
    response = verifier_client.post("/verify", data={"credential": corpus_text("revoked.json")})

    assert response.status_code == 400


def test_the_expected_email_is_checked_and_never_echoed(verifier_client: FlaskClient) -> None:
    credential = corpus_text("valid-did-web.json")

    _, right = post_form(verifier_client, credential=credential, expected_email=RECIPIENT)
    _, wrong = post_form(verifier_client, credential=credential, expected_email="x@example.org")

    assert verdict_of(right) == "verified"
    assert 'class="check check-pass" data-check="recipient"' in right
    assert 'class="check check-fail" data-check="recipient"' in wrong
    assert RECIPIENT not in right
    assert "x@example.org" not in wrong


def test_the_api_takes_a_json_credential(verifier_client: FlaskClient) -> None:
    response = verifier_client.post("/api/v1/verify", json=json.loads(corpus_text("revoked.json")))
    body = response.get_json()

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert body["verified"] is False
    assert body["verdict"] == "invalid"
    status = next(check for check in body["checks"] if check["id"] == "status")
    assert status["outcome"] == "fail"
    for check in body["checks"]:
        assert set(check) >= {"id", "outcome", "message"}


def test_the_api_takes_a_wrapped_credential_and_email(verifier_client: FlaskClient) -> None:
    body = {
        "credential": json.loads(corpus_text("valid-did-web.json")),
        "expectedRecipientEmail": RECIPIENT,
    }

    response = verifier_client.post("/api/v1/verify", json=body)
    report = response.get_json()

    assert response.status_code == 200
    assert report["verified"] is True
    assert report["verdict"] == "verified"
    assert {"id": "recipient", "outcome": "pass"}.items() <= next(
        check for check in report["checks"] if check["id"] == "recipient"
    ).items()
    assert RECIPIENT not in response.get_data(as_text=True)


def test_the_api_takes_a_compact_jws_as_text(verifier_client: FlaskClient) -> None:
    response = verifier_client.post(
        "/api/v1/verify",
        data=corpus_text("valid-vc-jwt-eddsa.jws"),
        content_type="text/plain",
    )

    assert response.status_code == 200
    assert response.get_json()["verified"] is True


def test_the_api_takes_a_file_upload(verifier_client: FlaskClient) -> None:
    baked = bake_png(BADGE_PNG.read_bytes(), corpus_text("valid-did-web.json"))

    response = verifier_client.post(
        "/api/v1/verify",
        data={"file": (io.BytesIO(baked), "badge.png")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 200
    assert response.get_json()["verdict"] == "verified"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("not a badge", "text/plain"),
        ('{"credential": 42}', "application/json"),
        ("[" * 10_000, "application/json"),
        ("{not json", "application/json"),
    ],
)
def test_the_api_answers_unusable_input_with_a_problem(
    verifier_client: FlaskClient, body: str, content_type: str
) -> None:
    response = verifier_client.post("/api/v1/verify", data=body, content_type=content_type)

    assert 400 <= response.status_code < 500
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == response.status_code
    assert problem["detail"]


def test_the_api_needs_no_csrf_token_and_sets_no_cookie(verifier_client: FlaskClient) -> None:
    response = verifier_client.post(
        "/api/v1/verify", data=corpus_text("valid-did-key.json"), content_type="application/json"
    )

    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_openapi_describes_the_verify_endpoint(verifier_client: FlaskClient) -> None:
    response = verifier_client.get("/api/v1/openapi.json")
    document = json.loads(response.get_data(as_text=True))

    assert response.status_code == 200
    assert document["openapi"].startswith("3.1")
    assert "post" in document["paths"]["/api/v1/verify"]


def test_the_api_is_rate_limited(verifier_client: FlaskClient) -> None:
    statuses = [
        verifier_client.post("/api/v1/verify", data="x", content_type="text/plain").status_code
        for _ in range(31)
    ]

    assert statuses[:30] == [422] * 30
    assert statuses[30] == 429


def plain_spaces(text: str) -> str:
    """CLDR puts narrow and no-break spaces in dates; compare them as plain spaces."""
    return html.unescape(text).replace("\u202f", " ").replace("\xa0", " ")


def validity_message(page: str) -> str:
    line = page.split('data-check="validity"', 1)[1].split("</li>", 1)[0]
    return line.split('<span class="check-message">', 1)[1].split("</span>", 1)[0]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "This badge expired on Jan 1, 2021, 12:00:00 AM."),
        ("de", "Dieses Badge ist am 01.01.2021, 00:00:00 abgelaufen."),
        ("bg", "1.01.2021 г., 0:00:00"),
        ("ro", "1 ian. 2021, 00:00:00"),
    ],
)
def test_dates_in_check_messages_are_written_the_readers_way(
    verifier_client: FlaskClient, language: str, expected: str
) -> None:
    verifier_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language

    status, page = post_form(verifier_client, credential=corpus_text("expired.json"))

    assert status == 200
    assert expected in plain_spaces(validity_message(page))
    assert "2021-01-01T00:00:00Z" not in validity_message(page)


def test_the_api_keeps_dates_as_iso_text(verifier_client: FlaskClient) -> None:
    response = verifier_client.post(
        "/api/v1/verify",
        json=json.loads(corpus_text("expired.json")),
        headers={"Accept-Language": "de"},
    )

    validity = next(c for c in response.get_json()["checks"] if c["id"] == "validity")
    assert validity["message"] == "Dieses Badge ist am 2021-01-01T00:00:00Z abgelaufen."
    assert validity["details"]["reason"] == "expired"


@pytest.mark.parametrize(
    ("language", "grouped"), [("en", "20,971,520"), ("de", "20.971.520"), ("ro", "20.971.520")]
)
def test_numbers_and_dates_in_messages_follow_the_locale(
    app: Flask, language: str, grouped: str
) -> None:
    params = {"max": 20_971_520, "count": "12", "date": "2021-01-01T00:00:00Z", "iri": "123"}

    with app.test_request_context(headers={"Accept-Language": language}):
        localised = localised_params(params)

    assert localised["max"] == grouped
    assert localised["count"] == "12"
    assert localised["iri"] == "123"  # only known number parameters are formatted
    assert "2021" in str(localised["date"])
    assert localised["date"] != params["date"]


def test_a_date_parameter_that_is_not_a_date_is_left_alone(app: Flask) -> None:
    with app.test_request_context():
        assert localised_params({"date": "soon", "max": "12a"}) == {"date": "soon", "max": "12a"}


def test_the_api_fetches_a_url(app: Flask) -> None:
    url = "https://badges.danube-university.example/credentials/2.json"
    use_fetcher(
        app, corpus_fetcher() | MapFetcher({url: json.loads(corpus_text("valid-did-web.json"))})
    )
    client = app.test_client()

    response = client.post("/api/v1/verify", json={"url": url, "expectedRecipientEmail": RECIPIENT})

    assert response.status_code == 200
    report = response.get_json()
    assert report["verdict"] == "verified"
    recipient = next(c for c in report["checks"] if c["id"] == "recipient")
    assert recipient["outcome"] == "pass"


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"url": "http://badges.danube-university.example/1.json"}, "https://"),
        ({"url": "https://unknown.example/1.json"}, "unknown.example"),
        ({"url": 7}, "'url' must be a string"),
        ({"url": "https://x.example/" + "a" * 2100}, "too long"),
        ({"url": "https://x.example/a", "credential": {}}, "not both"),
    ],
)
def test_the_api_refuses_urls_it_cannot_fetch_with_a_problem(
    verifier_client: FlaskClient, body: dict[str, Any], detail: str
) -> None:
    response = verifier_client.post("/api/v1/verify", json=body)

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert detail in response.get_json()["detail"]


def test_page_and_api_refuse_a_plain_http_url_alike(verifier_client: FlaskClient) -> None:
    url = "http://badges.danube-university.example/1.json"

    status, page = post_form(verifier_client, url=url)
    api = verifier_client.post("/api/v1/verify", json={"url": url})

    assert status == api.status_code == 422
    assert "Give an address that starts with https://." in page
    assert api.get_json()["detail"] == "Give an address that starts with https://."


def test_openapi_describes_the_url_input(verifier_client: FlaskClient) -> None:
    document = verifier_client.get("/api/v1/openapi.json").get_json()

    url_request = document["components"]["schemas"]["UrlRequest"]
    assert url_request["required"] == ["url"]
    assert url_request["properties"]["url"]["pattern"] == "^https://"
    body = document["paths"]["/api/v1/verify"]["post"]["requestBody"]["content"]
    refs = [item.get("$ref") for item in body["application/json"]["schema"]["oneOf"]]
    assert "#/components/schemas/UrlRequest" in refs
