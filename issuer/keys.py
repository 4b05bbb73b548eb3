"""The only module that touches private keys (STYLE rule 6): generate, encrypt, rotate, sign.

Private keys are Ed25519 seeds, encrypted at rest with Fernet under a key-encryption key (KEK)
from the settings; :class:`Keyring` wraps the KEKs in a ``MultiFernet`` so a new KEK can be rolled
in (``rotate_key_encryption_key``) while the old one still decrypts. Nothing here returns, logs or
shows private bytes: callers get a :class:`badges.proofs.Signer` and public Multikeys.

For did:key issuers the DID *is* the key, so rotation gives the issuer a new DID; credentials
signed before keep verifying because a did:key document is derived from the DID itself (see
:mod:`issuer.identity`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badges.config import Settings
from badges.did import did_key_from_public_key
from badges.errors import N_, ConfigurationError
from badges.proofs import Signer
from badges.proofs.multikey import public_key_to_multikey
from badges.proofs.signer import ED25519
from issuer.errors import IssuerNotFound, KeyStateConflict, KeyUnavailable, SigningKeyNotFound
from issuer.models import Issuer, SigningKey

log = logging.getLogger(__name__)


class Keyring:
    """The key-encryption keys, newest first: the first encrypts, every one decrypts."""

    __slots__ = ("_fernet", "_size")

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ConfigurationError(
                N_("No key-encryption key is configured: set BADGES_KEK."), code="no_kek"
            )
        try:
            fernets = [Fernet(key) for key in keys]
        except (ValueError, TypeError):
            # Never echo the value: even a malformed KEK is a secret.
            raise ConfigurationError(
                N_("A key-encryption key is not a valid Fernet key."), code="bad_kek"
            ) from None
        self._fernet = MultiFernet(fernets)
        self._size = len(fernets)

    @classmethod
    def from_settings(cls, settings: Settings) -> Keyring:
        """The keyring of the configured ``BADGES_KEK`` (or the generated development KEK)."""
        return cls(settings.key_encryption_keys)

    def __repr__(self) -> str:
        return f"<Keyring {self._size} key(s), redacted>"

    def _encrypt(self, seed: bytes, *, now: datetime) -> bytes:
        return self._fernet.encrypt_at_time(seed, int(now.timestamp()))

    def _decrypt(self, token: bytes, *, key: SigningKey) -> bytes:
        try:
            return self._fernet.decrypt(token)
        except InvalidToken:
            raise _undecryptable(key) from None

    def _rotate(self, token: bytes, *, key: SigningKey) -> bytes:
        try:
            return self._fernet.rotate(token)
        except InvalidToken:
            raise _undecryptable(key) from None


class _Ed25519Signer:
    """A :class:`badges.proofs.Signer` over one decrypted key; its repr shows no key material."""

    __slots__ = ("_private_key", "_verification_method")

    def __init__(self, private_key: Ed25519PrivateKey, verification_method: str) -> None:
        self._private_key = private_key
        self._verification_method = verification_method

    @property
    def verification_method(self) -> str:
        """The absolute DID URL of the key."""
        return self._verification_method

    @property
    def algorithm(self) -> str:
        """Pure EdDSA over Ed25519 (RFC 8032), as the Data Integrity suites want."""
        return ED25519

    def sign(self, data: bytes) -> bytes:
        """Return the Ed25519 signature of ``data``."""
        return self._private_key.sign(data)

    def __repr__(self) -> str:
        return f"<Signer {self._verification_method} Ed25519, private key redacted>"


def generate_key(
    session: Session, issuer_id: int, *, keyring: Keyring, now: datetime
) -> SigningKey:
    """Create the issuer's current signing key; refused while it still has one (rotate instead).

    A did:key issuer takes the new key's did:key as its DID.
    """
    issuer = _issuer(session, issuer_id, lock=True)
    if _current_key(session, issuer_id) is not None:
        raise KeyStateConflict(
            N_("The issuer %(slug)s already has a signing key; rotate it instead."),
            params={"slug": issuer.slug},
        )
    return _new_key(session, issuer, keyring=keyring, now=now)


def rotate_key(session: Session, issuer_id: int, *, keyring: Keyring, now: datetime) -> SigningKey:
    """Retire the current key (still published, signs nothing new) and generate its successor."""
    issuer = _issuer(session, issuer_id, lock=True)
    current = _current_key(session, issuer_id)
    if current is None:
        raise KeyUnavailable(
            N_("The issuer %(slug)s has no signing key to rotate; generate one first."),
            params={"slug": issuer.slug},
        )
    current.retired_at = now
    # A retired key signs nothing again, so its private half has no further use.
    current.encrypted_private_key = None
    session.flush()
    log.info("Retired signing key %s of issuer %s.", current.verification_method, issuer.slug)
    return _new_key(session, issuer, keyring=keyring, now=now)


def remove_key(session: Session, key_id: int, *, now: datetime) -> SigningKey:
    """Withdraw a compromised key: unpublished, so every credential it signed fails to verify.

    The issuer has no current key afterwards if this was it; generate a new one and re-issue.
    """
    key = session.get(SigningKey, key_id)
    if key is None:
        raise SigningKeyNotFound(N_("No signing key %(id)s."), params={"id": key_id})
    if key.removed_at is not None:
        raise KeyStateConflict(
            N_("The signing key %(id)s was already removed."), params={"id": key_id}
        )
    key.removed_at = now
    key.encrypted_private_key = None
    issuer = _issuer(session, key.issuer_id, lock=True)
    if not issuer.uses_did_web and key.verification_method.startswith(f"{issuer.did}#"):
        # A did:key issuer's DID was this key: it has no identity until a new key is generated.
        issuer.did = None
    session.flush()
    log.warning("Removed (compromised) signing key %s.", key.verification_method)
    return key


def signer_for(session: Session, issuer_id: int, *, keyring: Keyring) -> Signer:
    """A signer over the issuer's current key; ``KeyUnavailable`` when there is none usable."""
    issuer = _issuer(session, issuer_id)
    key = _current_key(session, issuer_id)
    if key is None or key.encrypted_private_key is None:
        raise KeyUnavailable(
            N_("The issuer %(slug)s has no current signing key."), params={"slug": issuer.slug}
        )
    private_key = _load(keyring._decrypt(key.encrypted_private_key, key=key), key=key)
    return _Ed25519Signer(private_key, key.verification_method)


def rotate_key_encryption_key(session: Session, keyring: Keyring) -> int:
    """Re-encrypt every stored private key under the keyring's newest KEK; return how many.

    Every key must decrypt under one of the keyring's KEKs, or nothing is written (the caller
    rolls back on the ``KeyUnavailable``); after commit the older KEKs can be dropped.
    """
    keys = session.scalars(
        select(SigningKey)
        .where(SigningKey.encrypted_private_key.is_not(None))
        .order_by(SigningKey.id)
    ).all()
    for key in keys:
        if key.encrypted_private_key is not None:  # always, by the query; narrows the type
            key.encrypted_private_key = keyring._rotate(key.encrypted_private_key, key=key)
    session.flush()
    log.info("Re-encrypted %d signing key(s) under the newest key-encryption key.", len(keys))
    return len(keys)


def current_key(session: Session, issuer_id: int) -> SigningKey | None:
    """The issuer's current signing key (public data only), or None."""
    return _current_key(session, issuer_id)


def _issuer(session: Session, issuer_id: int, *, lock: bool = False) -> Issuer:
    # Key changes lock the issuer row (FOR UPDATE on PostgreSQL; SQLite has one writer anyway),
    # so two concurrent rotations cannot leave an issuer with two current keys.
    issuer = session.get(Issuer, issuer_id, with_for_update=lock)
    if issuer is None:
        raise IssuerNotFound(N_("No issuer %(id)s."), params={"id": issuer_id})
    return issuer


def _current_key(session: Session, issuer_id: int) -> SigningKey | None:
    # Newest first: should two rotations ever race, the later key is the one that signs.
    return session.scalars(
        select(SigningKey)
        .where(
            SigningKey.issuer_id == issuer_id,
            SigningKey.retired_at.is_(None),
            SigningKey.removed_at.is_(None),
        )
        .order_by(SigningKey.created_at.desc(), SigningKey.id.desc())
        .limit(1)
    ).first()


def _new_key(session: Session, issuer: Issuer, *, keyring: Keyring, now: datetime) -> SigningKey:
    private_key = Ed25519PrivateKey.generate()
    public_key = private_key.public_key()
    multibase = public_key_to_multikey(public_key)
    seed = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    if issuer.did is not None and issuer.uses_did_web:
        # Fragments are never reused, not even a removed key's: a DID URL names one key forever.
        count = session.scalar(
            select(func.count()).select_from(SigningKey).where(SigningKey.issuer_id == issuer.id)
        )
        fragment = f"key-{(count or 0) + 1}"
        verification_method = f"{issuer.did}#{fragment}"
    else:
        issuer.did = did_key_from_public_key(public_key)
        fragment = multibase
        verification_method = f"{issuer.did}#{fragment}"
    key = SigningKey(
        issuer_id=issuer.id,
        fragment=fragment,
        verification_method=verification_method,
        public_key_multibase=multibase,
        encrypted_private_key=keyring._encrypt(seed, now=now),
        created_at=now,
    )
    session.add(key)
    session.flush()
    log.info("Generated signing key %s for issuer %s.", verification_method, issuer.slug)
    return key


def _load(seed: bytes, *, key: SigningKey) -> Ed25519PrivateKey:
    """The private key object, checked against the published public key."""
    try:
        private_key = Ed25519PrivateKey.from_private_bytes(seed)
    except ValueError:
        raise _undecryptable(key) from None
    if public_key_to_multikey(private_key.public_key()) != key.public_key_multibase:
        raise KeyUnavailable(
            N_("The stored private key of %(method)s does not match its public key."),
            params={"method": key.verification_method},
        )
    return private_key


def _undecryptable(key: SigningKey) -> KeyUnavailable:
    return KeyUnavailable(
        N_(
            "The private key of %(method)s cannot be decrypted with the configured "
            "key-encryption keys (BADGES_KEK)."
        ),
        params={"method": key.verification_method},
    )
