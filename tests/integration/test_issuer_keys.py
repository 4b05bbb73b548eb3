"""Issuer signing keys on both databases: generate, sign, encrypt at rest, rotate, remove."""

from __future__ import annotations

import base64
import json
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.accounts import create_organisation
from badges.config import Settings
from badges.did import did_key_document, retrieve_verification_method
from badges.jsonld.loader import StaticDocumentLoader
from badges.proofs import EDDSA_RDFC_2022, create_proof, verify_proof
from badges.proofs.multikey import multikey_to_public_key, public_key_to_multikey
from issuer import (
    Issuer,
    IssuerNotFound,
    Keyring,
    KeyStateConflict,
    KeyUnavailable,
    SigningKey,
    SigningKeyNotFound,
    create_issuer,
    did_document,
    did_documents,
    generate_key,
    remove_key,
    rotate_key,
    rotate_key_encryption_key,
    signer_for,
)
from issuer.keys import current_key
from tests.environment import NOW, make_settings

ROOT = Path(__file__).resolve().parents[2]
OLD_KEK = Fernet.generate_key().decode()
NEW_KEK = Fernet.generate_key().decode()
HTTPS = "https://badges.example.org"
LOCAL = "http://127.0.0.1:5000"


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url, key_encryption_keys=(OLD_KEK,))


@pytest.fixture
def keyring() -> Keyring:
    return Keyring([OLD_KEK])


def _issuer(session: Session, *, base_url: str = HTTPS, slug: str = "academy") -> Issuer:
    organisation = create_organisation(session, slug=slug, name="Sofia Academy", now=NOW)
    return create_issuer(session, organisation.id, name="Sofia Academy", base_url=base_url, now=NOW)


def _seed(key: SigningKey, kek: str) -> bytes:
    """What the ciphertext hides (tests only: production never decrypts outside issuer.keys)."""
    assert key.encrypted_private_key is not None
    return Fernet(kek.encode()).decrypt(key.encrypted_private_key)


def _signed(signer: Any, issuer_did: str) -> dict[str, Any]:
    credential = json.loads((ROOT / "tests/fixtures/credentials/ob3-minimal.json").read_text())
    credential.pop("proof", None)
    credential["issuer"]["id"] = issuer_did
    return create_proof(
        credential,
        signer=signer,
        created=NOW,
        cryptosuite=EDDSA_RDFC_2022,
        loader=StaticDocumentLoader(),
    )


def _verifies(credential: dict[str, Any], documents: dict[str, dict[str, Any]]) -> bool:
    """Verify as a stranger would: resolve the method in the published DID document only."""

    def public_key_for(method: str) -> Any:
        document = documents.get(method.partition("#")[0])
        if document is None and method.startswith("did:key:"):
            document = did_key_document(method.partition("#")[0])
        return retrieve_verification_method(document or {}, method, relationship="assertionMethod")

    results = verify_proof(credential, public_key_for=public_key_for, loader=StaticDocumentLoader())
    return all(result.verified for result in results)


def _did_of(issuer: Issuer) -> str | None:
    """The issuer's DID, read afresh (mypy would keep an earlier narrowing)."""
    return issuer.did


def test_generated_key_signs_and_verifies_with_the_published_multikey(
    session: Session, keyring: Keyring
) -> None:
    issuer = _issuer(session)
    key = generate_key(session, issuer.id, keyring=keyring, now=NOW)
    signer = signer_for(session, issuer.id, keyring=keyring)

    signature = signer.sign(b"smart city")

    multikey_to_public_key(key.public_key_multibase).verify(signature, b"smart city")
    assert signer.algorithm == "Ed25519"
    assert key.verification_method == "did:web:badges.example.org:issuers:academy#key-1"
    assert signer.verification_method == key.verification_method
    assert key.is_current
    credential = _signed(signer, issuer.did or "")
    assert _verifies(credential, did_documents(session, issuer))


def test_ciphertext_is_not_the_key_and_decrypts_to_the_published_key(
    session: Session, keyring: Keyring
) -> None:
    issuer = _issuer(session)
    key = generate_key(session, issuer.id, keyring=keyring, now=NOW)
    session.commit()
    session.expire_all()
    stored = session.get(SigningKey, key.id)
    assert stored is not None

    seed = _seed(stored, OLD_KEK)

    assert stored.encrypted_private_key is not None
    assert seed not in stored.encrypted_private_key
    assert base64.urlsafe_b64encode(seed) not in stored.encrypted_private_key
    private = Ed25519PrivateKey.from_private_bytes(seed)
    assert public_key_to_multikey(private.public_key()) == stored.public_key_multibase


def test_kek_rotation_re_encrypts_and_signing_still_works(session: Session) -> None:
    issuer = _issuer(session)
    key = generate_key(session, issuer.id, keyring=Keyring([OLD_KEK]), now=NOW)
    before = key.encrypted_private_key
    seed = _seed(key, OLD_KEK)

    count = rotate_key_encryption_key(session, Keyring([NEW_KEK, OLD_KEK]))
    session.commit()

    assert count == 1
    assert key.encrypted_private_key != before
    assert _seed(key, NEW_KEK) == seed
    signer = signer_for(session, issuer.id, keyring=Keyring([NEW_KEK]))
    multikey_to_public_key(key.public_key_multibase).verify(signer.sign(b"x"), b"x")
    with pytest.raises(KeyUnavailable):
        signer_for(session, issuer.id, keyring=Keyring([OLD_KEK]))


def test_a_wrong_kek_is_key_unavailable_not_a_crash(session: Session, keyring: Keyring) -> None:
    issuer = _issuer(session)
    generate_key(session, issuer.id, keyring=keyring, now=NOW)
    stranger = Keyring([NEW_KEK])

    with pytest.raises(KeyUnavailable, match="BADGES_KEK") as caught:
        signer_for(session, issuer.id, keyring=stranger)
    with pytest.raises(KeyUnavailable):
        rotate_key_encryption_key(session, stranger)

    assert caught.value.code == "key_unavailable"


def test_key_material_stays_out_of_reprs_and_logs(
    session: Session, keyring: Keyring, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    issuer = _issuer(session)
    key = generate_key(session, issuer.id, keyring=keyring, now=NOW)
    signer = signer_for(session, issuer.id, keyring=keyring)
    signer.sign(b"data")
    ciphertext = key.encrypted_private_key
    assert ciphertext is not None
    seed = _seed(key, OLD_KEK)
    rotate_key_encryption_key(session, Keyring([NEW_KEK, OLD_KEK]))
    rotate_key(session, issuer.id, keyring=Keyring([NEW_KEK]), now=NOW)

    shown = " ".join(
        [repr(key), repr(signer), repr(keyring), str(vars(signer.__class__)), caplog.text]
    )

    secrets = [seed.hex(), base64.b64encode(seed).decode(), base64.urlsafe_b64encode(seed).decode()]
    secrets += [ciphertext.decode()[:40], OLD_KEK, NEW_KEK, OLD_KEK[:20]]
    for secret in secrets:
        assert secret not in shown
    assert "redacted" in repr(signer)
    assert "redacted" in repr(keyring)
    assert key.verification_method in caplog.text


def test_rotation_keeps_the_old_key_published_so_old_credentials_verify(
    session: Session, keyring: Keyring
) -> None:
    issuer = _issuer(session)
    old = generate_key(session, issuer.id, keyring=keyring, now=NOW)
    old_credential = _signed(signer_for(session, issuer.id, keyring=keyring), issuer.did or "")

    new = rotate_key(session, issuer.id, keyring=keyring, now=NOW + timedelta(days=1))
    document = did_document(session, issuer)

    assert old.retired_at == NOW + timedelta(days=1)
    assert old.encrypted_private_key is None
    assert new.fragment == "key-2"
    assert current_key(session, issuer.id) is new
    assert [m["id"] for m in document["verificationMethod"]] == [
        new.verification_method,
        old.verification_method,
    ]
    assert document["assertionMethod"] == [new.verification_method, old.verification_method]
    assert all(m["controller"] == issuer.did for m in document["verificationMethod"])
    assert (
        signer_for(session, issuer.id, keyring=keyring).verification_method
        == new.verification_method
    )
    assert _verifies(old_credential, {issuer.did or "": document})


def test_removal_unpublishes_the_key_so_its_credentials_fail(
    session: Session, keyring: Keyring
) -> None:
    issuer = _issuer(session)
    old = generate_key(session, issuer.id, keyring=keyring, now=NOW)
    old_credential = _signed(signer_for(session, issuer.id, keyring=keyring), issuer.did or "")
    new = rotate_key(session, issuer.id, keyring=keyring, now=NOW)
    new_credential = _signed(signer_for(session, issuer.id, keyring=keyring), issuer.did or "")

    remove_key(session, old.id, now=NOW)
    documents = did_documents(session, issuer)

    methods = [m["id"] for m in documents[issuer.did or ""]["verificationMethod"]]
    assert methods == [new.verification_method]
    assert not _verifies(old_credential, documents)
    assert _verifies(new_credential, documents)
    assert old.encrypted_private_key is None


def test_removing_the_current_key_leaves_nothing_to_sign_with(
    session: Session, keyring: Keyring
) -> None:
    issuer = _issuer(session)
    first = generate_key(session, issuer.id, keyring=keyring, now=NOW)
    remove_key(session, first.id, now=NOW)

    with pytest.raises(KeyUnavailable):
        signer_for(session, issuer.id, keyring=keyring)
    with pytest.raises(KeyUnavailable):
        did_document(session, issuer)
    second = generate_key(session, issuer.id, keyring=keyring, now=NOW)
    assert second.fragment == "key-2"  # a DID URL names one key forever


def test_key_operations_refuse_the_wrong_state(session: Session, keyring: Keyring) -> None:
    issuer = _issuer(session)
    with pytest.raises(KeyUnavailable):
        rotate_key(session, issuer.id, keyring=keyring, now=NOW)
    with pytest.raises(KeyUnavailable):
        signer_for(session, issuer.id, keyring=keyring)
    key = generate_key(session, issuer.id, keyring=keyring, now=NOW)
    with pytest.raises(KeyStateConflict):
        generate_key(session, issuer.id, keyring=keyring, now=NOW)
    remove_key(session, key.id, now=NOW)
    with pytest.raises(KeyStateConflict):
        remove_key(session, key.id, now=NOW)
    with pytest.raises(SigningKeyNotFound):
        remove_key(session, 999_999, now=NOW)
    with pytest.raises(IssuerNotFound):
        generate_key(session, 999_999, keyring=keyring, now=NOW)


def test_did_key_issuer_follows_its_current_key(session: Session, keyring: Keyring) -> None:
    issuer = _issuer(session, base_url=LOCAL)
    assert _did_of(issuer) is None  # until its first key

    first = generate_key(session, issuer.id, keyring=keyring, now=NOW)
    first_did = _did_of(issuer)
    old_credential = _signed(signer_for(session, issuer.id, keyring=keyring), first_did or "")
    second = rotate_key(session, issuer.id, keyring=keyring, now=NOW)

    assert first_did == f"did:key:{first.public_key_multibase}"
    assert first.verification_method == f"{first_did}#{first.public_key_multibase}"
    assert issuer.did == f"did:key:{second.public_key_multibase}"
    assert did_document(session, issuer) == did_key_document(issuer.did)
    assert set(did_documents(session, issuer)) == {first_did, issuer.did}
    # did:key is self-describing: the old credential verifies with no published document at all.
    assert _verifies(old_credential, {})

    remove_key(session, second.id, now=NOW)
    assert _did_of(issuer) is None  # its DID was the removed key
    assert set(did_documents(session, issuer)) == {first_did}


def test_keys_survive_a_round_trip_through_the_database(session: Session, keyring: Keyring) -> None:
    issuer = _issuer(session)
    key = generate_key(session, issuer.id, keyring=keyring, now=NOW)
    session.commit()
    session.expire_all()

    stored = session.scalars(select(SigningKey).where(SigningKey.issuer_id == issuer.id)).one()

    assert stored.created_at == NOW
    assert stored.verification_method == key.verification_method
    signer = signer_for(session, issuer.id, keyring=keyring)
    multikey_to_public_key(stored.public_key_multibase).verify(signer.sign(b"y"), b"y")
