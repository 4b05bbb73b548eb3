"""Argon2id password hashing (argon2-cffi, RFC 9106 defaults)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

#: RFC 9106 defaults (Argon2id, 64 MiB, 3 passes): about 110 ms of one core, on purpose.
STRONG_HASHER = PasswordHasher()
_hasher = STRONG_HASHER


def hash_password(password: str) -> str:
    """Return an Argon2id PHC string for ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches; a corrupt hash counts as no match, never as an error page."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


#: Verified against when the email is unknown, so that both failures take the same time.
DUMMY_HASH = hash_password("not-a-real-password-used-for-timing")
