"""The issuer's public DID documents over HTTP, on both databases, resolved as a stranger would."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from badges.accounts import create_organisation
from badges.app import create_app
from badges.clock import FixedClock
from badges.config import Settings
from badges.context import current_database
from badges.did import InvalidDidDocument
from badges.jsonld.loader import StaticDocumentLoader
from badges.proofs import EDDSA_RDFC_2022, create_proof, verify_proof
from issuer import (
    Issuer,
    Keyring,
    SigningKey,
    create_issuer,
    generate_key,
    remove_key,
    rotate_key,
    signer_for,
)
from tests.environment import NOW, make_settings
from verifier import FetchError
from verifier.resolve import KeyResolver, resolve_verification_method

ROOT = Path(__file__).resolve().parents[2]
HOST = "badges.example.org"
HTTPS = f"https://{HOST}"
DID = f"did:web:{HOST}:issuers:academy"
DID_JSON = "application/did+json"


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url, base_url=HTTPS)


@pytest.fixture
def keyring(settings: Settings) -> Keyring:
    return Keyring.from_settings(settings)


class ClientFetcher:
    """A stranger's fetcher: https URLs on our host go to the test client, nothing else."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client
        self.urls: list[str] = []

    def fetch(self, url: str, *, accept: str = "application/json") -> bytes:
        self.urls.append(url)
        parts = urlsplit(url)
        if parts.scheme != "https" or parts.netloc != HOST:
            raise FetchError("Only %(host)s is reachable in this test.", params={"host": HOST})
        response = self._client.get(parts.path, headers={"Accept": accept}, base_url=HTTPS)
        if response.status_code != 200:
            raise FetchError(
                "%(url)s answered %(status)s.", params={"url": url, "status": response.status_code}
            )
        return response.get_data()


def _issuer(session: Session, *, base_url: str = HTTPS, slug: str = "academy") -> Issuer:
    organisation = create_organisation(session, slug=slug, name="Sofia Academy", now=NOW)
    return create_issuer(session, organisation.id, name="Sofia Academy", base_url=base_url, now=NOW)


def _method(key: SigningKey) -> dict[str, str]:
    return {
        "id": key.verification_method,
        "type": "Multikey",
        "controller": DID,
        "publicKeyMultibase": key.public_key_multibase,
    }


def _signed(session: Session, issuer: Issuer, keyring: Keyring) -> dict[str, Any]:
    credential = json.loads((ROOT / "tests/fixtures/credentials/ob3-minimal.json").read_text())
    credential.pop("proof", None)
    credential["issuer"]["id"] = issuer.did
    return create_proof(
        credential,
        signer=signer_for(session, issuer.id, keyring=keyring),
        created=NOW,
        cryptosuite=EDDSA_RDFC_2022,
        loader=StaticDocumentLoader(),
    )


def _verifies(credential: dict[str, Any], client: FlaskClient) -> bool:
    resolver = KeyResolver(ClientFetcher(client))
    results = verify_proof(credential, public_key_for=resolver, loader=StaticDocumentLoader())
    return all(result.verified for result in results)


def test_the_document_lists_current_and_retired_keys(
    client: FlaskClient, session: Session, keyring: Keyring
) -> None:
    issuer = _issuer(session)
    first = generate_key(session, issuer.id, keyring=keyring, now=NOW)
    second = rotate_key(session, issuer.id, keyring=keyring, now=NOW)
    session.commit()

    response = client.get("/issuers/academy/did.json")

    assert response.status_code == 200
    assert response.json == {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": DID,
        "verificationMethod": [_method(second), _method(first)],
        "assertionMethod": [second.verification_method, first.verification_method],
    }
    assert first.verification_method == f"{DID}#key-1"


def test_a_removed_key_is_no_longer_published(
    client: FlaskClient, session: Session, keyring: Keyring
) -> None:
    issuer = _issuer(session)
    first = generate_key(session, issuer.id, keyring=keyring, now=NOW)
    second = rotate_key(session, issuer.id, keyring=keyring, now=NOW)
    remove_key(session, first.id, now=NOW)
    session.commit()

    document = client.get("/issuers/academy/did.json").json

    assert document is not None
    assert document["verificationMethod"] == [_method(second)]
    assert document["assertionMethod"] == [second.verification_method]


def test_documents_are_cacheable_and_readable_from_any_origin(
    client: FlaskClient, session: Session, keyring: Keyring
) -> None:
    generate_key(session, _issuer(session).id, keyring=keyring, now=NOW)
    session.commit()

    for path in ("/issuers/academy/did.json", "/.well-known/did.json"):
        response = client.get(path, headers={"Origin": "https://verifier.example"})

        assert response.status_code == 200, path
        assert response.mimetype == DID_JSON
        assert response.headers["Cache-Control"] == "public, max-age=300"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "Accept" in response.headers["Vary"]
        assert json.loads(response.get_data())["id"].startswith(f"did:web:{HOST}")


@pytest.mark.parametrize(
    ("accept", "mimetype"),
    [
        ("application/json", "application/json"),
        ("application/did+ld+json, application/did+json, application/json", DID_JSON),
        ("*/*", DID_JSON),
        ("text/html", DID_JSON),
    ],
)
def test_clients_asking_for_plain_json_get_it(
    client: FlaskClient, session: Session, keyring: Keyring, accept: str, mimetype: str
) -> None:
    generate_key(session, _issuer(session).id, keyring=keyring, now=NOW)
    session.commit()

    response = client.get("/issuers/academy/did.json", headers={"Accept": accept})

    assert response.status_code == 200
    assert response.mimetype == mimetype


def test_the_platform_publishes_its_did_without_keys(client: FlaskClient) -> None:
    response = client.get("/.well-known/did.json")

    assert response.status_code == 200
    assert response.json == {"@context": ["https://www.w3.org/ns/did/v1"], "id": f"did:web:{HOST}"}


def test_nothing_verifies_against_the_keyless_platform_did(client: FlaskClient) -> None:
    with pytest.raises(InvalidDidDocument):
        resolve_verification_method(f"did:web:{HOST}#key-1", ClientFetcher(client))


def test_unknown_issuers_are_not_found(client: FlaskClient) -> None:
    response = client.get("/issuers/nobody/did.json", headers={"Accept": "application/json"})

    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.json is not None
    assert response.json["code"] == "issuer_not_found"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Cache-Control" not in response.headers


def test_an_unknown_issuer_gets_the_html_page_in_a_browser(client: FlaskClient) -> None:
    response = client.get("/issuers/nobody/did.json", headers={"Accept": "text/html"})

    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_a_did_key_issuer_publishes_nothing_here(
    client: FlaskClient, session: Session, keyring: Keyring
) -> None:
    issuer = _issuer(session, base_url="http://127.0.0.1:5000")
    generate_key(session, issuer.id, keyring=keyring, now=NOW)
    session.commit()
    assert issuer.did is not None
    assert issuer.did.startswith("did:key:")

    response = client.get("/issuers/academy/did.json", headers={"Accept": "application/json"})

    assert response.status_code == 404
    assert response.json is not None
    assert response.json["code"] == "not_found"


def test_a_did_web_issuer_without_keys_publishes_nothing(
    client: FlaskClient, session: Session, keyring: Keyring
) -> None:
    issuer = _issuer(session)
    session.commit()
    assert client.get("/issuers/academy/did.json").status_code == 404

    key = generate_key(session, issuer.id, keyring=keyring, now=NOW)
    remove_key(session, key.id, now=NOW)
    session.commit()
    assert client.get("/issuers/academy/did.json").status_code == 404


@pytest.mark.parametrize(
    "base_url", ["http://127.0.0.1:5000", "https://example.org/badges", "https://127.0.0.1"]
)
def test_no_platform_document_without_an_https_origin(
    tmp_path: Path, database_url: str, clock: FixedClock, base_url: str
) -> None:
    app = create_app(make_settings(tmp_path, database_url, base_url=base_url), clock=clock)
    app.config["TESTING"] = True
    try:
        response = app.test_client().get("/.well-known/did.json")
    finally:
        with app.app_context():
            current_database().dispose()

    assert response.status_code == 404
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_a_stranger_resolves_the_key_and_checks_a_signature(
    client: FlaskClient, session: Session, keyring: Keyring
) -> None:
    issuer = _issuer(session)
    generate_key(session, issuer.id, keyring=keyring, now=NOW)
    session.commit()
    signer = signer_for(session, issuer.id, keyring=keyring)
    data = b"what the issuer signed"
    fetcher = ClientFetcher(client)

    public_key, binding = resolve_verification_method(signer.verification_method, fetcher)

    public_key.verify(signer.sign(data), data)  # raises InvalidSignature otherwise
    assert fetcher.urls == [f"{HTTPS}/issuers/academy/did.json"]
    assert binding.method == "did:web"
    assert binding.controller == DID


def test_credentials_verify_over_http_until_their_key_is_removed(
    client: FlaskClient, session: Session, keyring: Keyring
) -> None:
    issuer = _issuer(session)
    old_key = generate_key(session, issuer.id, keyring=keyring, now=NOW)
    old = _signed(session, issuer, keyring)
    rotate_key(session, issuer.id, keyring=keyring, now=NOW)
    new = _signed(session, issuer, keyring)
    session.commit()
    assert _verifies(old, client)  # a retired key still verifies what it signed
    assert _verifies(new, client)

    remove_key(session, old_key.id, now=NOW)
    session.commit()

    assert not _verifies(old, client)
    assert _verifies(new, client)
