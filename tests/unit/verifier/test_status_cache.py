"""StatusListCache.status_bits: decoded lists reused, never stale, never unbounded."""

from __future__ import annotations

from typing import Any

import pytest

from badges.jsonld.loader import StaticDocumentLoader
from badges.statuslist import MalformedStatusList, StatusBits
from tests.unit.verifier.builders import (
    NOW,
    STATUS_INDEX,
    WEB_DID,
    sign,
    smart_city,
    status_list,
    web_did_document,
    web_signer,
)
from verifier import CheckId, MapFetcher, Outcome, StatusListCache, verify_credential
from verifier import status_cache as status_cache_module

LIST = "https://badges.danube-university.example/status/9"


def test_the_same_list_is_decoded_once() -> None:
    cache = StatusListCache()
    encoded = StatusBits.create().set(7, 1).encode()
    first = cache.status_bits(encoded, 1)
    assert first == StatusBits.decode(encoded)
    assert cache.status_bits(encoded, 1) is first
    assert first.get(7) == 1


def test_another_list_or_status_size_is_decoded_afresh() -> None:
    cache = StatusListCache()
    clear = StatusBits.create().encode()
    revoked = StatusBits.create().set(7, 1).encode()
    assert cache.status_bits(clear, 1).get(7) == 0
    assert cache.status_bits(revoked, 1).get(7) == 1
    two_bits = StatusBits.create(status_size=2).set(7, 3).encode()
    assert cache.status_bits(two_bits, 1).get(15) == 1
    wide = cache.status_bits(two_bits, 2)
    assert wide.status_size == 2
    assert wide.get(7) == 3


def test_a_malformed_list_raises_every_time() -> None:
    cache = StatusListCache()
    for _ in range(2):
        with pytest.raises(MalformedStatusList):
            cache.status_bits("not a list", 1)


def test_at_most_max_entries_lists_are_kept() -> None:
    cache = StatusListCache(max_entries=2)
    lists = [StatusBits.create().set(i, 1).encode() for i in range(3)]
    kept = [cache.status_bits(encoded, 1) for encoded in lists]
    assert cache.status_bits(lists[2], 1) is kept[2]
    assert cache.status_bits(lists[0], 1) is not kept[0]  # the oldest was dropped


def test_a_huge_list_is_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(status_cache_module, "MAX_KEPT_BITS", 1024)
    cache = StatusListCache()
    encoded = StatusBits.create().encode()  # 16 KiB decoded
    assert cache.status_bits(encoded, 1) is not cache.status_bits(encoded, 1)


def test_a_republished_list_is_read_anew_through_a_shared_cache(
    loader: StaticDocumentLoader,
) -> None:
    signer = web_signer()
    entry = {
        "id": f"{LIST}#{STATUS_INDEX}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(STATUS_INDEX),
        "statusListCredential": LIST,
    }
    credential = sign({**smart_city(WEB_DID), "credentialStatus": entry}, signer, loader=loader)
    cache = StatusListCache()

    def status(document: dict[str, Any]) -> Outcome:
        fetcher = MapFetcher({WEB_DID: web_did_document(signer), LIST: document})
        report = verify_credential(
            credential, loader=loader, fetcher=fetcher, now=NOW, status_cache=cache
        )
        check = report.check(CheckId.STATUS)
        assert check is not None
        return check.outcome

    assert status(status_list(signer, url=LIST)) == Outcome.PASS
    assert status(status_list(signer, url=LIST)) == Outcome.PASS
    assert status(status_list(signer, url=LIST, set_indexes=(STATUS_INDEX,))) == Outcome.FAIL
    assert status(status_list(signer, url=LIST)) == Outcome.PASS
