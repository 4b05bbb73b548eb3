"""The report cache: reused only while every fetched document is unchanged; bounded (issue #5)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from badges.jsonld.loader import StaticDocumentLoader
from tests.unit.verifier.builders import (
    NOW,
    STATUS_INDEX,
    STATUS_URL,
    WEB_DID,
    sign,
    smart_city,
    status_list,
    web_did_document,
    web_signer,
)
from verifier import (
    CheckId,
    FetchError,
    Outcome,
    RecordingFetcher,
    ReportCache,
    VerificationReport,
    report_key,
    verify_credential,
)
from verifier.report_cache import MAX_CACHED_INPUT_BYTES


class Documents:
    """A fetcher over a mapping the test changes between requests; counts every fetch."""

    def __init__(self, documents: dict[str, bytes]) -> None:
        self.documents = documents
        self.fetches: list[str] = []

    def fetch(self, url: str, *, accept: str = "application/json") -> bytes:
        self.fetches.append(url)
        if url not in self.documents:
            raise FetchError("Nothing is published at %(url)s.", params={"url": url})
        return self.documents[url]


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self) -> float:
        return self.seconds


def _report(name: str) -> VerificationReport:
    return VerificationReport(True, (), {"name": name})


def _remember(cache: ReportCache, key: bytes, report: VerificationReport, docs: Documents) -> None:
    """Store ``report`` as if it had been made by fetching every document in ``docs``."""
    fetcher = RecordingFetcher(docs)
    for url in docs.documents:
        fetcher.fetch(url)
    cache.put(key, report, fetcher)


def test_the_recording_fetcher_fetches_each_document_once_and_records_its_digest() -> None:
    docs = Documents({"https://a.example/1": b"one"})
    fetcher = RecordingFetcher(docs)

    assert fetcher.fetch("https://a.example/1") == b"one"
    assert fetcher.fetch("https://a.example/1") == b"one"

    assert docs.fetches == ["https://a.example/1"]
    (dependency,) = fetcher.dependencies()
    assert dependency.url == "https://a.example/1"
    assert dependency.digest.hex() == (
        "7692c3ad3540bb803c020b3aee66cd8887123234ea0c6e7143c0add73ff431ed"  # sha256("one")
    )
    assert not fetcher.failed


def test_a_failed_fetch_is_remembered_and_raised() -> None:
    fetcher = RecordingFetcher(Documents({}))

    with pytest.raises(FetchError):
        fetcher.fetch("https://a.example/missing")

    assert fetcher.failed
    assert fetcher.dependencies() == ()


def test_a_report_is_reused_while_its_documents_have_the_same_bytes() -> None:
    docs = Documents({"https://a.example/list": b"v1"})
    cache = ReportCache(clock=Ticks())
    report = _report("first")
    _remember(cache, b"key", report, docs)

    assert cache.get(b"key", RecordingFetcher(docs)) is report

    docs.documents["https://a.example/list"] = b"v2"  # re-signed after a revocation
    assert cache.get(b"key", RecordingFetcher(docs)) is None


def test_a_document_that_can_no_longer_be_fetched_ends_the_reuse() -> None:
    docs = Documents({"https://a.example/list": b"v1"})
    cache = ReportCache(clock=Ticks())
    _remember(cache, b"key", _report("first"), docs)

    del docs.documents["https://a.example/list"]

    assert cache.get(b"key", RecordingFetcher(docs)) is None


def test_a_report_made_after_a_failed_fetch_is_not_kept() -> None:
    cache = ReportCache(clock=Ticks())
    fetcher = RecordingFetcher(Documents({}))
    with pytest.raises(FetchError):
        fetcher.fetch("https://a.example/list")

    assert cache.put(b"key", _report("unverifiable"), fetcher) is False
    assert len(cache) == 0


def test_reports_expire_after_the_ttl() -> None:
    ticks = Ticks()
    cache = ReportCache(ttl=5.0, clock=ticks)
    docs = Documents({})
    _remember(cache, b"key", _report("first"), docs)

    ticks.seconds = 4.9
    assert cache.get(b"key", RecordingFetcher(docs)) is not None
    ticks.seconds = 5.0
    assert cache.get(b"key", RecordingFetcher(docs)) is None
    assert len(cache) == 0


def test_the_cache_is_bounded_and_drops_the_least_recently_used() -> None:
    cache = ReportCache(max_entries=2, clock=Ticks())
    docs = Documents({})
    for key in (b"a", b"b"):
        _remember(cache, key, _report(key.decode()), docs)
    assert cache.get(b"a", RecordingFetcher(docs)) is not None  # "a" is now the most recent

    _remember(cache, b"c", _report("c"), docs)

    assert len(cache) == 2
    assert cache.get(b"b", RecordingFetcher(docs)) is None
    assert cache.get(b"a", RecordingFetcher(docs)) is not None
    assert cache.get(b"c", RecordingFetcher(docs)) is not None


def test_the_key_changes_with_the_input_the_kind_the_options_and_the_minute() -> None:
    key = report_key("api", b"{}", now=NOW, options="application/json")

    assert key == report_key(
        "api", b"{}", now=NOW + timedelta(seconds=59), options="application/json"
    )
    assert key != report_key("api", b"{} ", now=NOW, options="application/json")
    assert key != report_key("document", b"{}", now=NOW, options="application/json")
    assert key != report_key("api", b"{}", now=NOW, options="text/plain")
    assert key != report_key(
        "api", b"{}", now=NOW + timedelta(minutes=1), options="application/json"
    )


def test_parts_cannot_be_shifted_into_each_other() -> None:
    assert report_key("ab", b"c", now=NOW) != report_key("a", b"bc", now=NOW)


def test_large_inputs_are_never_kept() -> None:
    assert report_key("api", b"x" * MAX_CACHED_INPUT_BYTES, now=NOW) is not None
    assert report_key("api", b"x" * (MAX_CACHED_INPUT_BYTES + 1), now=NOW) is None


def _status(report: VerificationReport) -> tuple[Outcome | None, str]:
    check = report.check(CheckId.STATUS)
    assert check is not None
    return check.outcome, check.details.get("reason", "")


def test_a_revocation_is_never_hidden(loader: StaticDocumentLoader) -> None:
    signer = web_signer()
    entry = {
        "id": f"{STATUS_URL}#{STATUS_INDEX}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(STATUS_INDEX),
        "statusListCredential": STATUS_URL,
    }
    credential = sign({**smart_city(WEB_DID), "credentialStatus": entry}, signer, loader=loader)
    docs = Documents(
        {
            "https://badges.danube-university.example/.well-known/did.json": _bytes(
                web_did_document(signer)
            ),
            STATUS_URL: _bytes(status_list(signer)),
        }
    )
    cache = ReportCache(clock=Ticks())
    key = report_key("api", _bytes(credential), now=NOW)
    assert key is not None

    def request() -> VerificationReport:
        fetcher = RecordingFetcher(docs)
        cached = cache.get(key, fetcher)
        if cached is not None:
            return cached
        report = verify_credential(credential, loader=loader, fetcher=fetcher, now=NOW)
        cache.put(key, report, fetcher)
        return report

    first = request()
    assert first.verified
    assert request() is first  # reused: same credential, same list

    docs.documents[STATUS_URL] = _bytes(status_list(signer, set_indexes=(STATUS_INDEX,)))

    revoked = request()
    assert not revoked.verified
    assert _status(revoked) == (Outcome.FAIL, "revoked")
    assert request() is revoked


def _bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(document).encode()
