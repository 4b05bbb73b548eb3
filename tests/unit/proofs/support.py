"""Test helpers for the proof tests: a test signer and vector readers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

EXAMPLES_CONTEXT = "https://www.w3.org/ns/credentials/examples/v2"


@dataclass(frozen=True)
class Ed25519TestSigner:
    """A test-only Signer holding a private key object (library code never does)."""

    private_key: Ed25519PrivateKey
    verification_method: str
    algorithm: str = "Ed25519"

    def sign(self, data: bytes) -> bytes:
        return self.private_key.sign(data)

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()


def read_json(path: Path) -> dict[str, Any]:
    value = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(value, dict)
    return value


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")
