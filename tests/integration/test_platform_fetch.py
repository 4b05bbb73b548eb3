"""Our own verifier checks our own credentials' status, even on an http or loopback BASE_URL."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from issuer import revoke, status_list_credential
from issuer.web.platform_fetch import PlatformFetcher
from tests.environment import NOW
from tests.integration.test_credential_page import BASE_URL, KEYRING, award
from verifier import FetchError, MapFetcher


def _checks(client: FlaskClient, document: str) -> tuple[bool, dict[str, str]]:
    response = client.post("/api/v1/verify", json=json.loads(document))
    assert response.status_code == 200, response.get_data(as_text=True)
    report = response.get_json()
    return report["verified"], {check["id"]: check["outcome"] for check in report["checks"]}


def test_a_credential_we_issued_verifies_on_our_own_api(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    awarded = award(app, session)

    verified, outcomes = _checks(client, awarded.credential.document)

    assert verified
    assert outcomes["status"] == "pass"


def test_after_revocation_our_api_reports_it_revoked(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    awarded = award(app, session)
    revoke(session, awarded.credential.id, reason="Issued in error", now=NOW)
    status_list_credential(
        session, awarded.credential.status_list_id, keyring=KEYRING, base_url=BASE_URL, now=NOW
    )
    with app.app_context():
        session.commit()

    verified, outcomes = _checks(client, awarded.credential.document)

    assert not verified
    assert outcomes["status"] == "fail"


def test_other_addresses_go_to_the_fallback_and_unknown_lists_are_not_found(app: Flask) -> None:
    elsewhere = "https://issuer.example.org/status/1"
    fetcher = PlatformFetcher(BASE_URL, MapFetcher({elsewhere: {"id": elsewhere}}))

    with app.app_context():
        assert json.loads(fetcher.fetch(elsewhere)) == {"id": elsewhere}
        with pytest.raises(FetchError):
            fetcher.fetch(f"{BASE_URL}/status/999")
        with pytest.raises(FetchError):  # not ours and not in the fallback's map
            fetcher.fetch("https://nowhere.example.org/did.json")
