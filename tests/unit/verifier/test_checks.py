"""The structural checks one by one: parse, contexts, type, schema, validity."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from badges.did import VerificationKey, did_web_document
from badges.jsonld.contexts import OB_V3_0_2_CONTEXT, VC_V2_CONTEXT
from badges.jsonld.loader import StaticDocumentLoader
from badges.proofs.jwk import b64url_encode
from tests.unit.verifier.builders import (
    NOW,
    KeySigner,
    controller_of,
    did_key_signer,
    private_key,
    sign,
    smart_city,
)
from verifier import (
    CheckId,
    MapFetcher,
    Outcome,
    VerificationReport,
    read_credential,
    verify_credential,
)


def _verify(document: dict[str, Any] | str, loader: StaticDocumentLoader) -> VerificationReport:
    return verify_credential(document, loader=loader, fetcher=MapFetcher(), now=NOW)


def _keyed(**changes: Any) -> dict[str, Any]:
    badge = smart_city(controller_of(did_key_signer()))
    del badge["credentialStatus"]
    badge.update(changes)
    return badge


@pytest.fixture(scope="module")
def signed(loader: StaticDocumentLoader) -> dict[str, Any]:
    return sign(_keyed(), did_key_signer(), loader=loader)


@pytest.mark.parametrize(
    "token",
    [
        "e30.e30.AAAA",
        b64url_encode(b'{"alg":"none","kid":"did:key:x"}') + ".e30.AAAA",
        b64url_encode(b'{"alg":"EdDSA","kid":"k","x5c":[]}') + ".e30.AAAA",
    ],
)
def test_unreadable_tokens_fail_parse_and_skip_the_rest(
    token: str, loader: StaticDocumentLoader
) -> None:
    report = _verify(token, loader)

    assert report.outcome(CheckId.PARSE) == Outcome.FAIL
    assert {c.outcome for c in report.checks[1:]} == {Outcome.SKIPPED}
    assert report.credential is None


@pytest.mark.parametrize(
    ("contexts", "expected"),
    [
        (None, Outcome.FAIL),
        ("https://www.w3.org/ns/credentials/v2", Outcome.FAIL),
        ([OB_V3_0_2_CONTEXT, VC_V2_CONTEXT], Outcome.FAIL),
        ([VC_V2_CONTEXT], Outcome.FAIL),
        ([VC_V2_CONTEXT, OB_V3_0_2_CONTEXT], Outcome.WARNING),
    ],
)
def test_contexts(contexts: Any, expected: Outcome, loader: StaticDocumentLoader) -> None:
    report = _verify(_keyed(**{"@context": contexts}), loader)

    assert report.outcome(CheckId.CONTEXTS) == expected
    if expected == Outcome.FAIL:
        assert report.outcome(CheckId.SAFE_MODE) == Outcome.SKIPPED
        assert report.outcome(CheckId.PROOF) == Outcome.SKIPPED


def test_an_older_ob_context_still_verifies(loader: StaticDocumentLoader) -> None:
    badge = _keyed(**{"@context": [VC_V2_CONTEXT, OB_V3_0_2_CONTEXT]})
    for member in ("credentialSchema", "awardedDate"):
        del badge[member]
    del badge["credentialSubject"]["achievement"]["inLanguage"]

    report = _verify(sign(badge, did_key_signer(), loader=loader), loader)

    assert report.verified
    assert report.outcome(CheckId.CONTEXTS) == Outcome.WARNING


@pytest.mark.parametrize(
    "types", [["VerifiableCredential"], ["OpenBadgeCredential"], "VerifiableCredential"]
)
def test_type(types: Any, signed: dict[str, Any], loader: StaticDocumentLoader) -> None:
    report = _verify({**signed, "type": types}, loader)

    assert report.outcome(CheckId.TYPE) == Outcome.FAIL


def test_achievement_credential_alias_is_accepted(loader: StaticDocumentLoader) -> None:
    badge = _keyed(type=["VerifiableCredential", "AchievementCredential"])

    report = _verify(sign(badge, did_key_signer(), loader=loader), loader)

    assert report.outcome(CheckId.TYPE) == Outcome.PASS
    assert report.verified


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (("credentialSubject", "identifier"), "credentialSubject.id or"),
        (("validFrom",), "validFrom"),
        (("id",), "id"),
        (("credentialSubject",), "credentialSubject"),
    ],
)
def test_schema_conformance(
    path: tuple[str, ...], message: str, signed: dict[str, Any], loader: StaticDocumentLoader
) -> None:
    broken = copy.deepcopy(signed)
    holder = broken
    for step in path[:-1]:
        holder = holder[step]
    del holder[path[-1]]

    report = _verify(broken, loader)

    check = report.check(CheckId.SCHEMA)
    assert check is not None
    assert check.outcome == Outcome.FAIL
    assert message in check.message


def test_schema_is_skipped_clearly_while_the_official_schemas_are_not_bundled(
    signed: dict[str, Any], loader: StaticDocumentLoader
) -> None:
    check = _verify(signed, loader).check(CheckId.SCHEMA)

    assert check is not None
    assert check.outcome == Outcome.SKIPPED
    assert "schema is not available" in check.message


@pytest.mark.parametrize("value", ["2026-11-20", "yesterday", "2026-13-45T00:00:00Z", 5])
def test_unreadable_dates_fail_validity(value: Any, loader: StaticDocumentLoader) -> None:
    report = _verify(_keyed(validUntil=value), loader)

    check = report.check(CheckId.VALIDITY)
    assert check is not None
    assert (check.outcome, check.details["reason"]) == (Outcome.FAIL, "invalid_date")


def test_a_badge_without_expiry_says_so(loader: StaticDocumentLoader) -> None:
    badge = _keyed()
    del badge["validUntil"]

    check = _verify(sign(badge, did_key_signer(), loader=loader), loader).check(CheckId.VALIDITY)

    assert check is not None
    assert (check.outcome, check.message) == (Outcome.PASS, "This badge does not expire.")


def test_clock_skew_is_tolerated(loader: StaticDocumentLoader) -> None:
    badge = sign(_keyed(validFrom="2027-01-15T12:03:00Z"), did_key_signer(), loader=loader)

    assert _verify(badge, loader).outcome(CheckId.VALIDITY) == Outcome.PASS


def test_did_web_with_port_and_path(loader: StaticDocumentLoader) -> None:
    did = "did:web:badges.example%3A8443:issuers:academy"
    signer = KeySigner(private_key("port-path"), f"{did}#key-1")
    badge = smart_city(did)
    del badge["credentialStatus"]
    document = did_web_document(did, [VerificationKey("key-1", signer.public_key)])
    fetcher = MapFetcher({"https://badges.example:8443/issuers/academy/did.json": document})

    report = verify_credential(
        sign(badge, signer, loader=loader), loader=loader, fetcher=fetcher, now=NOW
    )

    assert report.verified, [c.to_json() for c in report.failures]


def test_programmer_errors_raise(loader: StaticDocumentLoader) -> None:
    with pytest.raises(TypeError):
        verify_credential(42, loader=loader, fetcher=MapFetcher(), now=NOW)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="timezone"):
        verify_credential({}, loader=loader, fetcher=MapFetcher(), now=NOW.replace(tzinfo=None))


def test_read_then_verify_round_trip(signed: dict[str, Any], loader: StaticDocumentLoader) -> None:
    assert _verify(read_credential(json.dumps(signed)), loader).verified
