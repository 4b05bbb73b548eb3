"""A small, per-owner cache of status list credentials whose signatures already verified."""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from badges.statuslist import StatusBits

#: Largest decoded list (bytes) :meth:`StatusListCache.status_bits` keeps; 131,072 bits is 16 KiB.
MAX_KEPT_BITS = 1024 * 1024


class StatusListCache:
    """Status list credentials whose proofs already verified, by URL and exact bytes, briefly.

    Verifying a list's signature costs as much as verifying the badge; a server sees the same
    list for many badges. An entry is reused only for the identical bytes from the same URL and
    only for ``ttl`` seconds (so a rotated or withdrawn issuer key is noticed), and only the
    signature part is skipped: issuer, validity window and purpose are checked every time.
    Belongs to whoever creates it (per app or per command run); nothing is module-level.
    """

    def __init__(
        self,
        *,
        ttl: float = 300.0,
        max_entries: int = 64,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl, self._max, self._clock = ttl, max_entries, clock
        self._entries: OrderedDict[tuple[str, bytes], tuple[float, dict[str, Any]]] = OrderedDict()
        self._bits: OrderedDict[tuple[str, int], StatusBits] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, url: str, body: bytes) -> dict[str, Any] | None:
        """The verified list for exactly these bytes from ``url``, if still fresh."""
        key = (url, hashlib.sha256(body).digest())
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] <= self._clock():
                self._entries.pop(key, None)
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, url: str, body: bytes, document: dict[str, Any]) -> None:
        """Remember that ``document`` (parsed from ``body``) verified."""
        key = (url, hashlib.sha256(body).digest())
        with self._lock:
            self._entries[key] = (self._clock() + self._ttl, document)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def status_bits(self, encoded: str, status_size: int) -> StatusBits:
        """``StatusBits.decode(encoded, status_size=...)``, remembered for the lists seen lately.

        Decoding (base64, then gunzip of 16 KiB or more) is a tenth of a verification whose list
        came from this cache. The result is a pure function of its arguments, so a kept one can
        never be stale; at most ``max_entries`` lists of up to :data:`MAX_KEPT_BITS` are kept.
        Errors are raised as by ``StatusBits.decode`` and never kept.
        """
        key = (encoded, status_size)
        with self._lock:
            bits = self._bits.get(key)
            if bits is not None:
                self._bits.move_to_end(key)
                return bits
        bits = StatusBits.decode(encoded, status_size=status_size)
        if len(bits.bitstring) <= MAX_KEPT_BITS:
            with self._lock:
                self._bits[key] = bits
                while len(self._bits) > self._max:
                    self._bits.popitem(last=False)
        return bits
