"""The keyring and the pure parts of issuer identity: no database needed."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from badges.config import Settings
from badges.errors import ConfigurationError
from issuer import Issuer, Keyring, KeyUnavailable, SigningKey, issuer_did_for, issuer_profile
from tests.environment import NOW, make_settings

KEK = Fernet.generate_key().decode()


def test_keyring_needs_a_key() -> None:
    with pytest.raises(ConfigurationError, match="BADGES_KEK"):
        Keyring([])


def test_a_malformed_kek_is_refused_without_echoing_it() -> None:
    with pytest.raises(ConfigurationError) as caught:
        Keyring(["not-a-fernet-key-but-secret"])

    assert "not-a-fernet-key-but-secret" not in str(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


def test_keyring_repr_is_redacted(tmp_path: Path) -> None:
    second = Fernet.generate_key().decode()
    keyring = Keyring.from_settings(
        make_settings(tmp_path, "sqlite://", key_encryption_keys=(KEK, second))
    )

    assert repr(keyring) == "<Keyring 2 key(s), redacted>"
    assert KEK not in repr(keyring)


def test_keyring_from_settings_without_keys_is_a_configuration_error(tmp_path: Path) -> None:
    settings: Settings = make_settings(tmp_path, "sqlite://", key_encryption_keys=())

    with pytest.raises(ConfigurationError):
        Keyring.from_settings(settings)


def test_signing_key_repr_shows_public_facts_only() -> None:
    key = SigningKey(
        id=7,
        verification_method="did:web:x.example:issuers:a#key-1",
        public_key_multibase="z6MkExample",
        encrypted_private_key=b"gAAAAAciphertext",
    )

    assert repr(key) == "<SigningKey 7 did:web:x.example:issuers:a#key-1 current>"


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("https://badges.example.org", "did:web:badges.example.org:issuers:academy"),
        ("https://badges.example.org/", "did:web:badges.example.org:issuers:academy"),
        ("http://badges.example.org", None),
        ("http://127.0.0.1:5000", None),
    ],
)
def test_issuer_did_for_follows_the_scheme(base_url: str, expected: str | None) -> None:
    assert issuer_did_for(base_url, "academy") == expected


def test_an_https_base_url_that_cannot_host_a_did_web_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="did:web"):
        issuer_did_for("https://10.0.0.1", "academy")


def test_profile_needs_a_did() -> None:
    issuer = Issuer(slug="academy", name="Sofia Academy", created_at=NOW)

    with pytest.raises(KeyUnavailable, match="generate a signing key"):
        issuer_profile(issuer)
