"""Issuer profiles and DIDs on both databases: did:web for https, did:key otherwise."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from sqlalchemy.orm import Session

from badges.accounts import create_organisation
from badges.did import did_web_to_url
from badges.errors import NotFound
from badges.ob3 import Address, Image
from issuer import (
    InvalidIssuer,
    IssuerExists,
    IssuerNotFound,
    Keyring,
    KeyUnavailable,
    create_issuer,
    did_document,
    generate_key,
    get_issuer,
    issuer_profile,
)
from tests.environment import NOW

KEYRING = Keyring([Fernet.generate_key().decode()])


def _organisation_id(session: Session, slug: str = "academy") -> int:
    return create_organisation(session, slug=slug, name="Sofia Academy", now=NOW).id


@pytest.mark.parametrize(
    ("base_url", "did"),
    [
        ("https://badges.example.org", "did:web:badges.example.org:issuers:academy"),
        ("https://badges.example.org:8443", "did:web:badges.example.org%3A8443:issuers:academy"),
        ("https://example.org/badges", "did:web:example.org:badges:issuers:academy"),
        ("http://127.0.0.1:5000", None),
        ("http://localhost:5000", None),
    ],
)
def test_the_did_method_follows_base_url(session: Session, base_url: str, did: str | None) -> None:
    issuer = create_issuer(
        session, _organisation_id(session), name="Sofia Academy", base_url=base_url, now=NOW
    )

    assert issuer.did == did
    assert issuer.slug == "academy"
    if did is not None:
        assert did_web_to_url(did) == f"{base_url}/issuers/academy/did.json"


def test_did_web_document_is_the_recommended_shape(session: Session) -> None:
    issuer = create_issuer(
        session,
        _organisation_id(session),
        name="Sofia Academy",
        base_url="https://badges.example.org",
        now=NOW,
    )
    key = generate_key(session, issuer.id, keyring=KEYRING, now=NOW)

    document = did_document(session, issuer)

    assert document == {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": issuer.did,
        "verificationMethod": [
            {
                "id": f"{issuer.did}#key-1",
                "type": "Multikey",
                "controller": issuer.did,
                "publicKeyMultibase": key.public_key_multibase,
            }
        ],
        "assertionMethod": [f"{issuer.did}#key-1"],
    }


def test_an_issuer_without_keys_has_no_document_yet(session: Session) -> None:
    web = create_issuer(
        session, _organisation_id(session), name="A", base_url="https://x.example", now=NOW
    )
    local = create_issuer(
        session, _organisation_id(session, "city"), name="B", base_url="http://localhost", now=NOW
    )

    with pytest.raises(KeyUnavailable):
        did_document(session, web)
    with pytest.raises(KeyUnavailable):
        did_document(session, local)
    with pytest.raises(KeyUnavailable):
        issuer_profile(local)


def test_profile_carries_the_public_fields_with_the_did_as_id(session: Session) -> None:
    issuer = create_issuer(
        session,
        _organisation_id(session),
        name="  Sofia Academy ",
        url="https://academy.example.org",
        email="Badges@Academy.Example.org",
        description="Smart-city training.",
        base_url="https://badges.example.org",
        now=NOW,
    )
    issuer.image_url = "https://badges.example.org/issuers/academy/logo.png"
    issuer.address_locality = "Sofia"
    issuer.address_country_code = "BG"

    profile = issuer_profile(issuer)

    assert profile.id == "did:web:badges.example.org:issuers:academy"
    assert profile.type == ("Profile",)
    assert profile.name == "Sofia Academy"
    assert profile.url == "https://academy.example.org"
    assert profile.email == "badges@academy.example.org"
    assert profile.description == "Smart-city training."
    assert profile.image == Image(id="https://badges.example.org/issuers/academy/logo.png")
    assert profile.address == Address(address_locality="Sofia", address_country_code="BG")


def test_profile_leaves_out_what_is_not_given(session: Session) -> None:
    issuer = create_issuer(
        session, _organisation_id(session), name="A", base_url="https://x.example", now=NOW
    )

    profile = issuer_profile(issuer)

    assert (profile.url, profile.email, profile.image, profile.address) == (None,) * 4


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "academy.example.org"}, "url"),
        ({"email": "not-an-address"}, "email"),
        ({"slug": "Not_A_Slug"}, "slug"),
        ({"slug": "-dash"}, "slug"),
    ],
)
def test_bad_profile_fields_are_named(
    session: Session, changes: dict[str, str], field: str
) -> None:
    values: dict[str, str] = {"name": "Sofia Academy", **changes}

    with pytest.raises(InvalidIssuer) as caught:
        create_issuer(
            session,
            _organisation_id(session),
            base_url="https://badges.example.org",
            now=NOW,
            **values,
        )

    assert caught.value.field == field


def test_one_issuer_per_organisation_and_per_slug(session: Session) -> None:
    organisation_id = _organisation_id(session)
    create_issuer(session, organisation_id, name="A", base_url="https://x.example", now=NOW)
    other = _organisation_id(session, "city")

    with pytest.raises(IssuerExists):
        create_issuer(session, organisation_id, name="A", base_url="https://x.example", now=NOW)
    with pytest.raises(IssuerExists):
        create_issuer(
            session, other, slug="academy", name="B", base_url="https://x.example", now=NOW
        )
    with pytest.raises(NotFound):
        create_issuer(session, 999_999, name="C", base_url="https://x.example", now=NOW)


def test_get_issuer_by_slug(session: Session) -> None:
    created = create_issuer(
        session, _organisation_id(session), name="A", base_url="https://x.example", now=NOW
    )

    assert get_issuer(session, "academy") is created
    with pytest.raises(IssuerNotFound, match="nowhere"):
        get_issuer(session, "nowhere")
