"""Recent reports as each reader sees them, kept per language (issue #5, speed).

Translating a report's dozen messages costs about a third of a millisecond, more than reusing
the report itself, and the page and the API show the same report many times a minute. What a
report looks like in a language (the page's check lines, the API's JSON text) is kept by the
report object, which the report cache hands out unchanged while it holds and replaces when
anything it rests on changes; so a new report is always rendered afresh. Each entry holds its
report, so the report's ``id`` cannot be taken by another object meanwhile.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

from verifier import VerificationReport

#: Renderings kept at most (a report read in four languages takes four).
MAX_RENDERINGS = 256

T = TypeVar("T")


class Translated(Generic[T]):
    """Renderings by (report, language), the least recently used dropped first."""

    def __init__(self, *, max_entries: int = MAX_RENDERINGS) -> None:
        self._max = max_entries
        self._entries: OrderedDict[tuple[int, str], tuple[VerificationReport, T]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def get(
        self, report: VerificationReport, language: str, render: Callable[[VerificationReport], T]
    ) -> T:
        """``render(report)`` in ``language`` (the caller has switched to it), made on first use."""
        key = (id(report), language)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                return entry[1]
        rendered = render(report)
        with self._lock:
            self._entries[key] = (report, rendered)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
        return rendered
