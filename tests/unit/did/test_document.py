"""CID 1.0 "Retrieve Verification Method": each binding check refuses a document that fails it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from badges.did import (
    InvalidDidDocument,
    VerificationKey,
    build_did_document,
    did_web_document,
    retrieve_verification_method,
)

DID = "did:web:badges.example.org"
METHOD = f"{DID}#key-1"


@pytest.fixture
def document() -> dict[str, Any]:
    key = Ed25519PrivateKey.generate().public_key()
    return did_web_document(DID, [VerificationKey("key-1", key)])


def test_a_well_bound_method_gives_its_key(document: dict[str, Any]) -> None:
    key = retrieve_verification_method(document, METHOD, relationship="assertionMethod")

    assert key is not None


def test_an_embedded_method_in_the_relationship_is_found(document: dict[str, Any]) -> None:
    embedded = copy.deepcopy(document)
    embedded["assertionMethod"] = embedded.pop("verificationMethod")

    assert retrieve_verification_method(embedded, METHOD, relationship="assertionMethod")


def _set(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        if path.startswith("method."):
            document["verificationMethod"][0][path.removeprefix("method.")] = value
        else:
            document[path] = value

    return change


@pytest.mark.parametrize(
    ("change", "method", "reason"),
    [
        (_set("id", "did:web:attacker.example"), METHOD, "id"),
        (_set("method.id", "#key-1"), METHOD, "no verification method"),
        (_set("method.controller", "did:web:attacker.example"), METHOD, "controller"),
        (_set("assertionMethod", []), METHOD, "assertionMethod"),
        (_set("assertionMethod", "did:web:badges.example.org#key-1"), METHOD, "assertionMethod"),
        (_set("method.type", "JsonWebKey"), METHOD, "Multikey"),
        (
            _set("method.publicKeyMultibase", "zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169"),
            METHOD,
            "unusable",
        ),
        (_set("method.publicKeyMultibase", None), METHOD, "publicKeyMultibase"),
        (_set("name", "unchanged"), DID, "fragment"),
        (_set("name", "unchanged"), f"{DID}#key-2", "no verification method"),
    ],
)
def test_each_binding_check(
    document: dict[str, Any],
    change: Callable[[dict[str, Any]], None],
    method: str,
    reason: str,
) -> None:
    change(document)

    with pytest.raises(InvalidDidDocument, match=reason):
        retrieve_verification_method(document, method, relationship="assertionMethod")


def test_a_document_needs_a_key() -> None:
    with pytest.raises(InvalidDidDocument):
        build_did_document(DID, [], relationships=("assertionMethod",))
