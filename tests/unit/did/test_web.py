"""did:web <-> https URL, the DID document builder, and hostile input."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from badges.did import (
    DidError,
    InvalidDid,
    VerificationKey,
    did_web_document,
    did_web_from_url,
    did_web_to_url,
)
from badges.proofs.multikey import public_key_to_multikey


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
        ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
        ("did:web:example.com%3A3000", "https://example.com:3000/.well-known/did.json"),
        (
            "did:web:example.com%3A3000:user:alice",
            "https://example.com:3000/user/alice/did.json",
        ),
        (
            "did:web:www.credly.com:api:v1:obi:v3:issuers:1a2b",
            "https://www.credly.com/api/v1/obi/v3/issuers/1a2b/did.json",
        ),
        ("did:web:example.com:a%20b:caf%C3%A9", "https://example.com/a%20b/caf%C3%A9/did.json"),
    ],
)
def test_the_spec_examples_map_both_ways(did: str, url: str) -> None:
    assert did_web_to_url(did) == url
    assert did_web_from_url(url) == did


def test_an_origin_is_a_host_only_did() -> None:
    assert did_web_from_url("https://badges.example.org") == "did:web:badges.example.org"
    assert did_web_from_url("https://badges.example.org/") == "did:web:badges.example.org"


def test_lower_case_escapes_are_read() -> None:
    assert did_web_to_url("did:web:example.com%3a8443") == (
        "https://example.com:8443/.well-known/did.json"
    )


@pytest.mark.parametrize(
    "did",
    [
        "did:web:",
        "did:webs:example.com",
        "did:web:example.com:",
        "did:web:example.com::alice",
        "did:web::alice",
        "did:web:example.com%3A",
        "did:web:example.com%3A0",
        "did:web:example.com%3A65536",
        "did:web:example.com%3Aabc",
        "did:web:example.com%2",
        "did:web:example.com%ZZ",
        "did:web:example.com%2Fetc",
        "did:web:example.com:a%2Fb",
        "did:web:example.com:..",
        "did:web:example.com:%2E%2E",
        "did:web:example.com:%FF",
        "did:web:192.168.0.1",
        "did:web:-example.com",
        "did:web:exa_mple.com",
        "did:web:example.com#key-1",
        "did:web:example.com/path",
        "did:web:user@example.com",
        "did:web:example.com:caf\u00e9",
    ],
)
def test_bad_dids_are_rejected(did: str) -> None:
    with pytest.raises(InvalidDid):
        did_web_to_url(did)


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/.well-known/did.json",
        "ftp://example.com/did.json",
        "https://example.com/user/alice",
        "https://example.com/user//did.json",
        "https://example.com//did.json",
        "https://example.com/did.json/",
        "https://example.com/a/did.json?x=1",
        "https://example.com/a/did.json#frag",
        "https://user:pw@example.com/did.json",
        "https://example.com:99999/did.json",
        "https://127.0.0.1/did.json",
        "https://[::1]/did.json",
        "https://example.com/a%ZZ/did.json",
        "https://example.com/a%2Fb/did.json",
        "https://example.com/%2E%2E/did.json",
        "https://example.com/a b/did.json",
        "https://",
    ],
)
def test_bad_urls_are_rejected(url: str) -> None:
    with pytest.raises(InvalidDid):
        did_web_from_url(url)


def test_the_document_has_absolute_ids_and_string_references() -> None:
    key = Ed25519PrivateKey.generate().public_key()
    did = "did:web:badges.example.org"

    document = did_web_document(did, [VerificationKey("key-1", key)])

    assert document == {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {
                "id": f"{did}#key-1",
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": public_key_to_multikey(key),
            }
        ],
        "assertionMethod": [f"{did}#key-1"],
    }


def test_the_document_builder_checks_its_input() -> None:
    key = Ed25519PrivateKey.generate().public_key()

    with pytest.raises(InvalidDid):
        did_web_document("did:web:127.0.0.1", [VerificationKey("key-1", key)])
    with pytest.raises(DidError):
        did_web_document("did:web:example.com", [])


_LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
_HOST = (
    st.lists(_LABEL, min_size=1, max_size=4)
    .map(".".join)
    .filter(lambda host: not host.replace(".", "").isdigit())
)
_SEGMENT = st.text(min_size=1, max_size=12).filter(lambda s: "/" not in s and s not in (".", ".."))


@given(_HOST, st.one_of(st.none(), st.integers(1, 65535)), st.lists(_SEGMENT, max_size=4))
def test_round_trip(host: str, port: int | None, segments: list[str]) -> None:
    authority = host if port is None else f"{host}:{port}"
    path = "".join(f"/{quote(segment, safe='')}" for segment in segments)
    url = f"https://{authority}{path}/did.json" if segments else f"https://{authority}"

    did = did_web_from_url(url)

    assert did.startswith("did:web:")
    canonical = url if segments else f"{url}/.well-known/did.json"
    assert did_web_to_url(did) == canonical
    assert did_web_from_url(did_web_to_url(did)) == did


@given(st.text(max_size=120))
def test_garbage_raises_only_did_errors(text: str) -> None:
    for call, value in (
        (did_web_to_url, text),
        (did_web_to_url, "did:web:" + text),
        (did_web_from_url, text),
        (did_web_from_url, "https://" + text),
    ):
        try:
            result = call(value)
        except DidError:
            continue
        assert result.startswith(("https://", "did:web:"))
