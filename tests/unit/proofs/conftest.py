"""Shared fixtures: the W3C vc-di-eddsa vectors (read at run time), a loader, a test signer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from badges.jsonld.loader import StaticDocumentLoader
from badges.proofs import multikey
from tests.unit.proofs.support import EXAMPLES_CONTEXT, Ed25519TestSigner, read_json
from tests.vectors import vectors_dir


@pytest.fixture(scope="session")
def vectors() -> Path:
    return vectors_dir("vc-di-eddsa")


@pytest.fixture(scope="session")
def loader(vectors: Path) -> StaticDocumentLoader:
    """The production loader plus the W3C examples context, which only tests may use."""
    examples = read_json(vectors / "contexts" / "credentials-examples-v2.json")
    return StaticDocumentLoader({EXAMPLES_CONTEXT: examples})


@pytest.fixture(scope="session")
def key_pair(vectors: Path) -> dict[str, Any]:
    return read_json(vectors / "keyPair.json")


@pytest.fixture(scope="session")
def w3c_signer(key_pair: dict[str, Any]) -> Ed25519TestSigner:
    seed = multikey.decode_secret_key_seed(key_pair["privateKeyMultibase"])
    public = key_pair["publicKeyMultibase"]
    return Ed25519TestSigner(
        Ed25519PrivateKey.from_private_bytes(seed), f"did:key:{public}#{public}"
    )


@pytest.fixture(scope="session")
def unsigned(vectors: Path) -> dict[str, Any]:
    return read_json(vectors / "unsigned.json")
