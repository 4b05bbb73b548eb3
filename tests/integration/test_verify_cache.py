"""Recent reports are reused on the credential page and the API, but never hide a change (#5).

The report cache keys a report by the input's digest and the minute, and reuses it only while
every document it rests on (here: our published status list) has the same bytes. Revoking
re-signs the list, so the next request must say "revoked"; an expected recipient email is
never kept; the cache is bounded.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from badges.clock import FixedClock
from issuer import revoke
from tests.environment import NOW
from tests.integration.test_credential_page import award, share
from verifier import MapFetcher, ReportCache
from verifier.report_cache import MAX_CACHED_INPUT_BYTES
from verifier.web import use_fetcher
from verifier.web.service import (
    REPORT_CACHE_EXTENSION,
    TRANSLATED_JSON_EXTENSION,
    TRANSLATED_LINES_EXTENSION,
    verify_document,
)

RECIPIENT = "recipient@academy.example.org"


def cache_of(app: Flask) -> ReportCache:
    cache: ReportCache = app.extensions[REPORT_CACHE_EXTENSION]
    return cache


def revoke_and_publish(app: Flask, session: Session, credential_id: int) -> None:
    revoke(session, credential_id, reason="Issued in error", now=NOW)
    with app.app_context():
        session.commit()  # the eager task re-signs the status list after commit


def verdict_of(page: str) -> str:
    return page.split('data-verdict="', 1)[1].split('"', 1)[0]


def post(client: FlaskClient, body: dict[str, Any] | bytes) -> dict[str, Any]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = client.post("/api/v1/verify", data=data, content_type="application/json")
    assert response.status_code == 200, response.get_data(as_text=True)
    report: dict[str, Any] = response.get_json()
    return report


def status_reason(report: dict[str, Any]) -> str:
    check = next(c for c in report["checks"] if c["id"] == "status")
    return str(check["details"].get("reason", ""))


def test_the_page_reuses_its_report_until_the_credential_is_revoked(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    awarded = award(app, session)
    share(session, awarded.credential)
    url = f"/credentials/{awarded.credential.public_id}"

    assert verdict_of(client.get(url).get_data(as_text=True)) == "verified"
    assert verdict_of(client.get(url).get_data(as_text=True)) == "verified"
    assert len(cache_of(app)) == 1  # the second view reused the first report

    revoke_and_publish(app, session, awarded.credential.id)

    page = client.get(url).get_data(as_text=True)
    assert verdict_of(page) == "invalid"
    assert "This badge was revoked by its issuer." in page


def test_a_reused_report_is_shown_in_each_readers_language(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    awarded = award(app, session)
    share(session, awarded.credential)
    url = f"/credentials/{awarded.credential.public_id}"

    german = client.get(url, headers={"Accept-Language": "de"}).get_data(as_text=True)
    bulgarian = client.get(url, headers={"Accept-Language": "bg"}).get_data(as_text=True)

    assert len(cache_of(app)) == 1
    assert len(app.extensions[TRANSLATED_LINES_EXTENSION]) == 2  # one report, two languages
    assert "Das Badge konnte gelesen werden." in german
    assert "Значката беше прочетена успешно." in bulgarian
    assert "Das Badge konnte gelesen werden." not in bulgarian


def test_a_kept_report_is_the_same_one_until_the_status_list_changes(
    app: Flask, session: Session
) -> None:
    awarded = award(app, session)
    document = awarded.credential.document

    with app.test_request_context("/"):
        first, kept = verify_document(document)
        again, _ = verify_document(document)
    revoke_and_publish(app, session, awarded.credential.id)
    with app.test_request_context("/"):
        after, _ = verify_document(document)

    assert kept

    assert first.verified
    assert again is first
    assert after is not first
    assert not after.verified


def test_the_api_reuses_a_report_for_the_same_bytes_and_never_hides_a_revocation(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    awarded = award(app, session)
    body = {"credential": json.loads(awarded.credential.document)}

    assert post(client, body)["verified"]
    assert post(client, body)["verified"]
    assert len(cache_of(app)) == 1

    revoke_and_publish(app, session, awarded.credential.id)

    report = post(client, body)
    assert not report["verified"]
    assert status_reason(report) == "revoked"


def test_a_request_with_an_expected_email_is_never_kept(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    awarded = award(app, session)
    credential = json.loads(awarded.credential.document)

    report = post(client, {"credential": credential, "expectedRecipientEmail": RECIPIENT})

    recipient = next(c for c in report["checks"] if c["id"] == "recipient")
    assert recipient["outcome"] == "pass"
    assert len(cache_of(app)) == 0
    assert len(app.extensions[TRANSLATED_JSON_EXTENSION]) == 0  # nor its rendered JSON
    post(client, {"credential": credential})
    assert len(cache_of(app)) == 1
    assert len(app.extensions[TRANSLATED_JSON_EXTENSION]) == 1


def test_a_large_body_is_verified_but_not_kept(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    awarded = award(app, session)
    body = json.dumps({"credential": json.loads(awarded.credential.document)}).encode()

    assert post(client, body + b" " * MAX_CACHED_INPUT_BYTES)["verified"]

    assert len(cache_of(app)) == 0
    assert len(app.extensions[TRANSLATED_JSON_EXTENSION]) == 0


def test_unusable_input_is_not_kept(app: Flask, client: FlaskClient) -> None:
    response = client.post("/api/v1/verify", data=b"{not json", content_type="application/json")

    assert response.status_code == 422
    assert len(cache_of(app)) == 0


def test_a_report_made_without_its_status_list_is_not_kept(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    awarded = award(app, session)
    use_fetcher(app, MapFetcher({}))  # our status list cannot be fetched

    report = post(client, {"credential": json.loads(awarded.credential.document)})

    assert status_reason(report) == "status_unverifiable"
    assert len(cache_of(app)) == 0


def test_a_page_verdict_made_without_its_status_list_is_not_kept(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    awarded = award(app, session)
    share(session, awarded.credential)
    use_fetcher(app, MapFetcher({}))  # our status list cannot be fetched

    page = client.get(f"/credentials/{awarded.credential.public_id}").get_data(as_text=True)

    assert verdict_of(page) == "invalid"
    assert len(cache_of(app)) == 0
    assert len(app.extensions[TRANSLATED_LINES_EXTENSION]) == 0


def test_the_clock_is_part_of_the_key_so_an_expiry_is_not_hidden(
    app: Flask, client: FlaskClient, session: Session, clock: FixedClock
) -> None:
    awarded = award(app, session)  # valid for 365 days
    body = {"credential": json.loads(awarded.credential.document)}
    assert post(client, body)["verdict"] == "verified"

    clock.advance(timedelta(days=366))

    assert post(client, body)["verdict"] == "expired"
    assert len(cache_of(app)) == 2


def test_the_report_cache_is_bounded(app: Flask, client: FlaskClient, session: Session) -> None:
    awarded = award(app, session)
    app.extensions[REPORT_CACHE_EXTENSION] = ReportCache(max_entries=2)
    credential = json.loads(awarded.credential.document)

    for indent in (None, 1, 2):  # the same credential, as three different byte strings
        assert post(client, json.dumps({"credential": credential}, indent=indent).encode())[
            "verified"
        ]

    assert len(cache_of(app)) == 2
