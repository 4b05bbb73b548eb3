"""Hashed recipient identifiers: OB 3.0 §B.1.12 IdentityObject and the derived type IdentityHash.

``identityHash`` is ``"<alg>$<hex>"`` where ``hex = H(UTF-8(identifier) || UTF-8(salt))``: the salt
is appended with no separator (spec example: ``sha256("a@example.comKosher")``). Summary and the
pitfalls this module guards against are in ``reference/ob3-spec.md`` §1.7:

* the spec does not normalise e-mail case, so we trim and lower-case before hashing, and the
  verifier also tries the address as entered;
* a salted e-mail hash is brute-forceable with a short salt, so each credential gets a fresh random
  salt of 128 bits or more;
* hex may be upper- or lower-case, so hashes compare case-insensitively (and in constant time).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

#: ``identityType`` for e-mail addresses (OB 2.0's ``"email"`` is not valid in OB 3.0).
EMAIL_ADDRESS = "emailAddress"
#: Bytes of randomness in a salt: 16 bytes = 128 bits.
SALT_BYTES = 16
_ALGORITHMS = frozenset({"sha256", "md5"})

#: Returns ``n`` random bytes; :func:`secrets.token_bytes` outside tests.
SaltSource = Callable[[int], bytes]


@dataclass(frozen=True, slots=True, kw_only=True)
class IdentityObject:
    """One identifier of the recipient; ``type`` is the single IRI ``IdentityObject``.

    When ``hashed`` is false, ``identity_hash`` holds the plaintext value (spec wording).
    """

    TYPE: ClassVar[str] = "IdentityObject"

    identity_hash: str
    identity_type: str
    hashed: bool
    salt: str | None = None


def normalize_email(email: str) -> str:
    """Trim and lower-case an e-mail address, the form our issuer hashes."""
    return email.strip().lower()


def identity_hash(identifier: str, salt: str | None, *, algorithm: str = "sha256") -> str:
    """Return the IdentityHash ``"<alg>$<hex>"`` of ``identifier`` salted with ``salt``.

    Args:
        identifier: The value to hash, used exactly as given (normalise it first if needed).
        salt: Appended to ``identifier`` before hashing; ``None`` means unsalted.
        algorithm: ``"sha256"`` (what we issue) or ``"md5"`` (allowed by the spec, read only).

    Raises:
        ValueError: ``algorithm`` is not one the spec allows.
    """
    if algorithm not in _ALGORITHMS:
        raise ValueError(f"unsupported identity hash algorithm {algorithm!r}")
    data = (identifier + (salt or "")).encode("utf-8")
    digest = hashlib.new(algorithm, data, usedforsecurity=False).hexdigest()
    return f"{algorithm}${digest}"


def hashed_email(email: str, *, salt_source: SaltSource = secrets.token_bytes) -> IdentityObject:
    """Build a hashed ``emailAddress`` identifier with a fresh random salt.

    Args:
        email: The recipient's address; trimmed and lower-cased before hashing.
        salt_source: Returns ``n`` random bytes; inject a fixed source for reproducible tests.

    Raises:
        ValueError: the address is empty, or the salt source returned fewer than 16 bytes.
    """
    normalized = normalize_email(email)
    if not normalized:
        raise ValueError("an e-mail address is required")
    raw = salt_source(SALT_BYTES)
    if len(raw) < SALT_BYTES:
        raise ValueError(f"the salt needs at least {SALT_BYTES * 8} bits")
    salt = raw.hex()
    return IdentityObject(
        identity_hash=identity_hash(normalized, salt),
        identity_type=EMAIL_ADDRESS,
        hashed=True,
        salt=salt,
    )


def matches(identity: IdentityObject, email: str) -> bool:
    """Tell whether ``identity`` names the holder of ``email`` (the verifier's recipient check).

    Follows "Verify the Recipient Using an Identifier": only ``emailAddress`` identifiers are
    considered; a hashed one is recomputed with its salt and algorithm, a plain one compared as
    text. The address is tried as entered, trimmed, and trimmed and lower-cased, because issuers
    differ in whether they normalise. Every candidate is compared in constant time.
    """
    if identity.identity_type != EMAIL_ADDRESS:
        return False
    candidates = dict.fromkeys((email, email.strip(), normalize_email(email)))
    if not identity.hashed:
        expected = identity.identity_hash.strip().lower().encode("utf-8")
        found = False
        for candidate in candidates:
            found |= hmac.compare_digest(expected, candidate.lower().encode("utf-8"))
        return found
    algorithm, separator, digest = identity.identity_hash.partition("$")
    if not separator or algorithm.lower() not in _ALGORITHMS:
        return False
    expected = digest.lower().encode("ascii", errors="replace")
    found = False
    for candidate in candidates:
        computed = identity_hash(candidate, identity.salt, algorithm=algorithm.lower())
        found |= hmac.compare_digest(expected, computed.partition("$")[2].encode("ascii"))
    return found
