"""Recent verification reports, reused only while every document they rest on is unchanged.

Issue #5 asks for p99 under 100 ms on the credential page and ``POST /api/v1/verify``: the same
badge is checked again and again (a QR code on a poster, a job portal re-checking). A report
depends on the credential, the clock and whatever was fetched (status lists, DID documents,
refreshed copies). So an entry is keyed by the credential's digest and the minute, and it
records the SHA-256 of every fetched body; before it is reused, each of those documents is
fetched again (our own from the database, anyone else's through the fetcher's short cache) and
compared. A revocation re-signs the status list, its bytes change, and the very next request
verifies afresh; the cache can never hide it. Entries also expire after a few seconds, and the
cache holds a bounded number of them (least recently used go first).

Belongs to whoever creates it (one per app); nothing here is module-level.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from badges.errors import DomainError
from verifier.fetch import Fetcher
from verifier.report import VerificationReport

#: Seconds a report is reused at most (a did:web key withdrawn is noticed within this time too).
REPORT_TTL_SECONDS = 5.0
#: Reports kept at most; each holds its credential, so this bounds memory with the input cap.
MAX_REPORTS = 256
#: Larger credentials are verified every time rather than kept (a hostile one may be megabytes).
MAX_CACHED_INPUT_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Dependency:
    """A document a report rests on: where it was fetched from, and the digest of its bytes."""

    url: str
    accept: str
    digest: bytes


class RecordingFetcher:
    """One request's fetcher: fetches each URL once, remembers the digest of every body.

    Fetching once per request also means a report is made from exactly the bytes that were
    compared, never from a copy fetched a moment later.
    """

    def __init__(self, fetcher: Fetcher) -> None:
        self._fetcher = fetcher
        self._bodies: dict[tuple[str, str], bytes] = {}
        self.failed = False

    def fetch(self, url: str, *, accept: str = "application/json") -> bytes:
        """The body of ``url``, fetched on first use; a failure is remembered, then re-raised."""
        key = (url, accept)
        body = self._bodies.get(key)
        if body is None:
            try:
                body = self._fetcher.fetch(url, accept=accept)
            except Exception:
                self.failed = True  # a report made without a document is not worth keeping
                raise
            self._bodies[key] = body
        return body

    def dependencies(self) -> tuple[Dependency, ...]:
        """Every document fetched so far, with the digest of its body."""
        return tuple(
            Dependency(url, accept, hashlib.sha256(body).digest())
            for (url, accept), body in self._bodies.items()
        )

    def unchanged(self, dependencies: Iterable[Dependency]) -> bool:
        """Whether each document still has the same bytes (a failed fetch counts as changed)."""
        for dependency in dependencies:
            try:
                body = self.fetch(dependency.url, accept=dependency.accept)
            except DomainError:
                return False
            if hashlib.sha256(body).digest() != dependency.digest:
                return False
        return True


@dataclass(frozen=True, slots=True)
class _Entry:
    expires: float
    report: VerificationReport
    dependencies: tuple[Dependency, ...]


class ReportCache:
    """Reports by key, each reused for ``ttl`` seconds while its documents are unchanged."""

    def __init__(
        self,
        *,
        ttl: float = REPORT_TTL_SECONDS,
        max_entries: int = MAX_REPORTS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl, self._max, self._clock = ttl, max_entries, clock
        self._entries: OrderedDict[bytes, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def get(self, key: bytes, fetcher: RecordingFetcher) -> VerificationReport | None:
        """The report kept under ``key`` if it is fresh and its documents are unchanged."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.expires <= self._clock():
                self._entries.pop(key, None)
                return None
            self._entries.move_to_end(key)
        # Fetched outside the lock: our own documents come from the database.
        if not fetcher.unchanged(entry.dependencies):
            return None
        return entry.report

    def put(self, key: bytes, report: VerificationReport, fetcher: RecordingFetcher) -> bool:
        """Keep ``report``, made with ``fetcher``, unless one of its fetches failed; say if kept."""
        if fetcher.failed:
            return False
        entry = _Entry(self._clock() + self._ttl, report, fetcher.dependencies())
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
        return True


def report_key(kind: str, data: bytes, *, now: datetime, options: str = "") -> bytes | None:
    """The cache key for verifying ``data`` (the exact input bytes) within ``now``'s minute.

    ``None`` (do not cache) when the input is larger than :data:`MAX_CACHED_INPUT_BYTES`.
    ``options`` must not hold anything personal in clear (callers skip the cache when a
    recipient email is given, so none is ever part of a key).
    """
    if len(data) > MAX_CACHED_INPUT_BYTES:
        return None
    minute = now.replace(second=0, microsecond=0).isoformat()
    digest = hashlib.sha256()
    for part in (kind.encode(), minute.encode(), options.encode(), data):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.digest()
