"""Status: bitstring revocation/suspension, statusSize > 1, StatusList2021, 1EdTech lists."""

from __future__ import annotations

import base64
import copy
import gzip
import json
from typing import Any

import pytest

from badges.jsonld.contexts import (
    DATA_INTEGRITY_V2_CONTEXT,
    STATUS_LIST_2021_CONTEXT,
    VC_V1_CONTEXT,
)
from badges.jsonld.loader import StaticDocumentLoader
from badges.statuslist import StatusBits
from tests.unit.verifier.builders import (
    NOW,
    STATUS_INDEX,
    WEB_DID,
    did_key_signer,
    environment,
    sign,
    smart_city,
    status_list,
    web_did_document,
    web_signer,
)
from verifier import (
    CheckId,
    MapFetcher,
    Outcome,
    StatusListCache,
    VerificationReport,
    verify_credential,
)

LIST = "https://badges.danube-university.example/status/9"


def _verify(
    entry: dict[str, Any] | list[dict[str, Any]],
    documents: dict[str, Any],
    loader: StaticDocumentLoader,
    *,
    extra_context: str | None = None,
) -> VerificationReport:
    signer = web_signer()
    unsigned = {**smart_city(WEB_DID), "credentialStatus": entry}
    if extra_context:
        unsigned["@context"] = [*unsigned["@context"], extra_context]
    credential = sign(unsigned, signer, loader=loader)
    fetcher = MapFetcher({WEB_DID: web_did_document(signer), **documents})
    return verify_credential(credential, loader=loader, fetcher=fetcher, now=NOW)


def _entry(index: int = STATUS_INDEX, purpose: str = "revocation", **extra: Any) -> dict[str, Any]:
    return {
        "id": f"{LIST}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": LIST,
        **extra,
    }


def _status(report: VerificationReport) -> tuple[Outcome, str]:
    check = report.check(CheckId.STATUS)
    assert check is not None
    return check.outcome, check.details.get("reason", "")


def test_a_clear_bit_passes(loader: StaticDocumentLoader) -> None:
    report = _verify(_entry(), {LIST: status_list(web_signer(), url=LIST)}, loader)

    assert _status(report) == (Outcome.PASS, "ok")
    assert report.verified


def test_a_numeric_index_is_accepted(loader: StaticDocumentLoader) -> None:
    lists = {LIST: status_list(web_signer(), url=LIST, set_indexes=(7,))}

    report = _verify({**_entry(7), "statusListIndex": 7}, lists, loader)

    assert _status(report) == (Outcome.FAIL, "revoked")


def test_status_size_above_one_reports_the_message(loader: StaticDocumentLoader) -> None:
    messages = [
        {"status": "0x0", "message": "valid"},
        {"status": "0x1", "message": "under review"},
        {"status": "0x2", "message": "withdrawn"},
        {"status": "0x3", "message": "replaced"},
    ]
    lists = {LIST: status_list(web_signer(), url=LIST, purpose="message", status_size=2)}
    bits = StatusBits.create(status_size=2).set(STATUS_INDEX, 2)
    lists[LIST] = status_list(web_signer(), url=LIST, purpose="message", status_size=2)
    lists[LIST]["credentialSubject"]["encodedList"] = bits.encode()
    lists[LIST] = sign({k: v for k, v in lists[LIST].items() if k != "proof"}, web_signer())

    entry = _entry(purpose="message", statusSize=2, statusMessage=messages)
    report = _verify(entry, lists, loader)

    check = report.check(CheckId.STATUS)
    assert check is not None
    assert check.outcome == Outcome.WARNING
    assert check.details["statusMessage"] == "withdrawn"
    assert "withdrawn" in check.message


def test_status_size_above_one_needs_messages(loader: StaticDocumentLoader) -> None:
    report = _verify(_entry(statusSize=2), {}, loader)

    assert _status(report) == (Outcome.FAIL, "status_unverifiable")


@pytest.mark.parametrize(
    "change",
    [
        {"issuer": "did:web:someone-else.example"},
        {"validUntil": "2026-12-01T00:00:00Z"},
        {"validFrom": "2028-01-01T00:00:00Z"},
        {"type": ["VerifiableCredential"]},
    ],
)
def test_an_untrustworthy_list_fails(change: dict[str, Any], loader: StaticDocumentLoader) -> None:
    document = status_list(web_signer(), url=LIST)
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    # Re-signed by the issuer's key, so only the changed property can be what fails.
    resigned = sign({**unsigned, **change}, web_signer())

    report = _verify(_entry(), {LIST: resigned}, loader)

    assert _status(report) == (Outcome.FAIL, "status_unverifiable")


def test_a_list_signed_by_another_key_fails(loader: StaticDocumentLoader) -> None:
    other = did_key_signer("list-forger")
    forged = status_list(other, url=LIST, issuer=WEB_DID)

    report = _verify(_entry(), {LIST: forged}, loader)

    assert _status(report) == (Outcome.FAIL, "status_unverifiable")


def test_a_purpose_the_list_does_not_serve_fails(loader: StaticDocumentLoader) -> None:
    report = _verify(
        _entry(purpose="suspension"), {LIST: status_list(web_signer(), url=LIST)}, loader
    )

    assert _status(report) == (Outcome.FAIL, "status_unverifiable")


def test_an_unreachable_list_fails(loader: StaticDocumentLoader) -> None:
    report = _verify(_entry(), {}, loader)

    assert _status(report) == (Outcome.FAIL, "status_unverifiable")


def test_revocation_and_suspension_entries_together(loader: StaticDocumentLoader) -> None:
    env = environment()["status-lists"]
    revocation = "https://badges.danube-university.example/status/1"
    suspension = "https://badges.danube-university.example/status/2"
    entries = [
        {**_entry(4321), "statusListCredential": revocation},
        {**_entry(4321, "suspension"), "statusListCredential": suspension},
    ]

    report = _verify(entries, env, loader)

    assert _status(report) == (Outcome.FAIL, "suspended")
    assert report.verdict.value == "suspended"


def _status_list_2021(index: int) -> dict[str, Any]:
    raw = bytearray(16384)
    raw[index // 8] |= 0x80 >> (index % 8)
    encoded = base64.urlsafe_b64encode(gzip.compress(bytes(raw), mtime=0)).decode()
    document = {
        "@context": [VC_V1_CONTEXT, STATUS_LIST_2021_CONTEXT, DATA_INTEGRITY_V2_CONTEXT],
        "id": LIST,
        "type": ["VerifiableCredential", "StatusList2021Credential"],
        "issuer": WEB_DID,
        "issuanceDate": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": f"{LIST}#list",
            "type": "StatusList2021",
            "statusPurpose": "revocation",
            "encodedList": encoded,
        },
    }
    return sign(document, web_signer())


def test_status_list_2021_is_read(loader: StaticDocumentLoader) -> None:
    entry = {**_entry(), "type": "StatusList2021Entry"}

    lists = {LIST: _status_list_2021(STATUS_INDEX)}

    report = _verify(entry, lists, loader, extra_context=STATUS_LIST_2021_CONTEXT)

    assert _status(report) == (Outcome.FAIL, "revoked")


@pytest.mark.parametrize(
    ("listed", "expected"),
    [
        ([{"id": "urn:uuid:6938082f-1698-4071-afd1-307c4e69ff5f"}], (Outcome.FAIL, "revoked")),
        (
            [{"id": "urn:uuid:6938082f-1698-4071-afd1-307c4e69ff5f", "revoked": False}],
            (Outcome.PASS, "ok"),
        ),
        ([{"id": "urn:uuid:other"}], (Outcome.PASS, "ok")),
    ],
)
def test_1edtech_revocation_list(
    listed: list[dict[str, Any]], expected: tuple[Outcome, str], loader: StaticDocumentLoader
) -> None:
    entry = {"id": LIST, "type": "1EdTechRevocationList"}

    report = _verify(entry, {LIST: {"revokedCredential": listed}}, loader)

    assert _status(report) == expected


def test_an_unreadable_1edtech_list_is_a_warning(loader: StaticDocumentLoader) -> None:
    report = _verify({"id": LIST, "type": "1EdTechRevocationList"}, {}, loader)

    assert _status(report)[0] == Outcome.WARNING


def test_an_unknown_status_type_is_a_warning(loader: StaticDocumentLoader) -> None:
    report = _verify({"id": LIST, "type": "https://status.example/ns#Other"}, {}, loader)

    assert _status(report)[0] == Outcome.WARNING


def test_the_status_cache_never_serves_other_bytes(loader: StaticDocumentLoader) -> None:
    signer = web_signer()
    credential = sign({**smart_city(WEB_DID), "credentialStatus": _entry()}, signer, loader=loader)
    good = status_list(signer, url=LIST)
    forged = copy.deepcopy(good)
    forged["credentialSubject"]["encodedList"] = StatusBits.create().set(STATUS_INDEX, 1).encode()
    did = {WEB_DID: web_did_document(signer)}
    now = [0.0]
    cache = StatusListCache(ttl=60.0, clock=lambda: now[0])

    def run(document: dict[str, Any]) -> VerificationReport:
        fetcher = MapFetcher({**did, LIST: document})
        return verify_credential(
            credential, loader=loader, fetcher=fetcher, now=NOW, status_cache=cache
        )

    assert run(good).verified
    assert run(good).verified
    assert _status(run(forged)) == (Outcome.FAIL, "status_unverifiable")
    assert cache.get(LIST, json.dumps(good).encode()) is not None
    now[0] = 61.0
    assert cache.get(LIST, json.dumps(good).encode()) is None
