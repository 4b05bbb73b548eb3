"""Hashed e-mail recipients: the spec's IdentityHash examples, salting, and the recipient check."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from badges.ob3 import IdentityObject, hashed_email, identity_hash, matches, normalize_email
from tests.unit.ob3.builders import SALT, fixed_salt


def test_the_spec_example_identity_hash() -> None:
    # OB 3.0 §B.3 "IdentityHash": 'sha256$b5809d…' is SHA-256 of 'a@example.comKosher'.
    assert identity_hash("a@example.com", "Kosher") == (
        "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
    )


def test_the_implementation_guide_example_identity_hash() -> None:
    # OB 3.0 Implementation Guide: jjefferson18@example.com salted with 'FleurDeSel'.
    assert identity_hash("jjefferson18@example.com", "FleurDeSel") == (
        "sha256$658625b25ab3d75d613ca97d9a5a77f70e2192feca5557f4ad09a4d4f121f5fc"
    )


def test_unsalted_and_md5_hashes() -> None:
    assert identity_hash("a@example.com", None) == identity_hash("a@example.com", "")
    assert identity_hash("a@example.com", None, algorithm="md5").startswith("md5$")
    with pytest.raises(ValueError, match="unsupported"):
        identity_hash("a@example.com", None, algorithm="sha1")


def test_hashed_email_normalises_then_appends_the_salt() -> None:
    identity = hashed_email("  A@Example.COM\n", salt_source=lambda n: b"\x00" * n)

    assert identity == IdentityObject(
        identity_hash=identity_hash("a@example.com", "00" * 16),
        identity_type="emailAddress",
        hashed=True,
        salt="00" * 16,
    )


def test_the_default_salt_is_fresh_and_at_least_128_bits() -> None:
    first = hashed_email("a@example.com")
    second = hashed_email("a@example.com")

    assert first.salt is not None
    assert len(bytes.fromhex(first.salt)) >= 16
    assert first.salt != second.salt
    assert first.identity_hash != second.identity_hash


def test_a_short_salt_source_is_refused() -> None:
    with pytest.raises(ValueError, match="128 bits"):
        hashed_email("a@example.com", salt_source=lambda n: b"\x01" * (n - 1))


def test_an_empty_address_is_refused() -> None:
    with pytest.raises(ValueError, match="required"):
        hashed_email("   ", salt_source=fixed_salt)


@pytest.mark.parametrize(
    "entered",
    [
        "maria.petrova@example.org",
        "Maria.Petrova@Example.org",
        "  MARIA.PETROVA@EXAMPLE.ORG\t",
        " Maria.Petrova@Example.org ",
    ],
)
def test_matches_whatever_the_case_and_surrounding_space(entered: str) -> None:
    identity = hashed_email(" Maria.Petrova@Example.org ", salt_source=fixed_salt)

    assert matches(identity, entered)


@pytest.mark.parametrize(
    "entered",
    ["maria.petrova@example.com", "mariapetrova@example.org", "maria.petrova @example.org", ""],
)
def test_does_not_match_another_address(entered: str) -> None:
    identity = hashed_email("maria.petrova@example.org", salt_source=fixed_salt)

    assert not matches(identity, entered)


def test_matches_a_hash_made_by_an_issuer_that_did_not_normalise() -> None:
    # Another issuer hashed the address exactly as typed, mixed case included.
    identity = IdentityObject(
        identity_hash=identity_hash("Maria@Example.org", "pepper")
        .upper()
        .replace("SHA256", "sha256"),
        identity_type="emailAddress",
        hashed=True,
        salt="pepper",
    )

    assert matches(identity, "Maria@Example.org")
    assert not matches(identity, "maria@example.org")


def test_matches_the_spec_example_and_an_md5_hash() -> None:
    spec = IdentityObject(
        identity_hash="sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399",
        identity_type="emailAddress",
        hashed=True,
        salt="Kosher",
    )
    legacy = IdentityObject(
        identity_hash=identity_hash("a@example.com", None, algorithm="md5"),
        identity_type="emailAddress",
        hashed=True,
    )

    assert matches(spec, "A@example.com")
    assert matches(legacy, "a@example.com")


def test_plaintext_identifiers_compare_as_text() -> None:
    plain = IdentityObject(
        identity_hash="Maria@Example.org", identity_type="emailAddress", hashed=False
    )

    assert matches(plain, " maria@example.org")
    assert not matches(plain, "other@example.org")


@pytest.mark.parametrize(
    "identity",
    [
        IdentityObject(
            identity_hash=identity_hash("a@example.com", None), identity_type="name", hashed=True
        ),
        IdentityObject(identity_hash="sha512$00", identity_type="emailAddress", hashed=True),
        IdentityObject(identity_hash="no-separator", identity_type="emailAddress", hashed=True),
        IdentityObject(identity_hash="sha256$ünïcode", identity_type="emailAddress", hashed=True),
    ],
)
def test_never_matches_other_types_or_unknown_algorithms(identity: IdentityObject) -> None:
    assert not matches(identity, "a@example.com")


@settings(database=None)
@given(email=st.emails(), salt=st.binary(min_size=16, max_size=32))
def test_an_issued_identifier_matches_its_own_address(email: str, salt: bytes) -> None:
    identity = hashed_email(email, salt_source=lambda n: salt)

    assert matches(identity, email)
    assert matches(identity, email.upper())
    assert identity.identity_hash == identity_hash(normalize_email(email), salt.hex())


def test_fixture_identity_is_reproducible() -> None:
    identity = hashed_email(" Maria.Petrova@Example.org ", salt_source=fixed_salt)

    assert identity.salt == SALT.hex()
    assert identity.identity_hash == (
        "sha256$24de045f268ad7af873b91a67ec72320b80aba859529f4575160758a14b7ec61"
    )
