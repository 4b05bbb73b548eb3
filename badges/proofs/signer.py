"""The one thing the proof code needs from a private key: a way to sign bytes.

STYLE rule 6: private keys stay in ``issuer/keys.py``, which hands out objects of this shape.
"""

from __future__ import annotations

from typing import Protocol

#: ``Signer.algorithm`` values. Ed25519 for the Data Integrity suites (pure EdDSA, RFC 8032);
#: the JWS names for VC-JWT.
ED25519 = "Ed25519"
RS256 = "RS256"
ES256 = "ES256"
EDDSA = "EdDSA"


class Signer(Protocol):
    """Signs with a key it keeps to itself."""

    @property
    def verification_method(self) -> str:
        """The absolute URL of the key's verification method (``did:web:…#key-1``), or a ``kid``."""
        ...

    @property
    def algorithm(self) -> str:
        """What ``sign`` makes: ``Ed25519``, ``RS256``, ``ES256`` (raw r‖s) or ``EdDSA``."""
        ...

    def sign(self, data: bytes) -> bytes:
        """Return the signature of ``data``."""
        ...
