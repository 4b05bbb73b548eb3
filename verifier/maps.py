"""Offline fetching: documents given as a mapping instead of the network.

For tests and for ``badges verify --did-documents F --status-lists F``: a JSON object mapping a
DID (or URL) to its document, inline or as a path relative to the map file (ARCHITECTURE.md
"Interfaces"; ``badges credentials export`` writes the same format).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from badges.did import InvalidDid, did_web_to_url
from badges.errors import N_
from verifier.errors import FetchError


class MapFetcher:
    """Answers from a mapping of URL (or ``did:web``) to document; nothing else is reachable.

    For tests and offline verification (``badges verify --did-documents F --status-lists F``).
    A ``did:web`` key is stored under the https URL of its DID document.
    """

    def __init__(self, documents: Mapping[str, Any] | None = None) -> None:
        self._documents: dict[str, bytes] = {}
        for key, document in (documents or {}).items():
            self._documents[_url_for(key)] = (
                document if isinstance(document, bytes) else json.dumps(document).encode()
            )

    def __or__(self, other: MapFetcher) -> MapFetcher:
        merged = MapFetcher()
        merged._documents = {**self._documents, **other._documents}
        return merged

    def fetch(self, url: str, *, accept: str = "application/json") -> bytes:
        """The mapped document for ``url``, or raise ``FetchError``."""
        body = self._documents.get(url)
        if body is None:
            raise FetchError(
                N_("%(url)s is not among the documents given for offline verification."),
                params={"url": url[:300]},
            )
        return body

    @classmethod
    def from_file(cls, path: Path) -> MapFetcher:
        """Read a map file: a JSON object of DID or URL -> document (inline or a relative path).

        Raises:
            FetchError: the file, or a file it names, is missing or not JSON.
        """
        mapping = _read_json_file(path)
        if not isinstance(mapping, dict):
            raise FetchError(
                N_("%(path)s must hold a JSON object of addresses to documents."),
                params={"path": str(path)},
            )
        documents = {
            key: _read_json_file(path.parent / value) if isinstance(value, str) else value
            for key, value in mapping.items()
        }
        return cls(documents)


def _url_for(key: str) -> str:
    if key.startswith("did:web:"):
        try:
            return did_web_to_url(key.partition("#")[0])
        except InvalidDid:
            return key
    return key


def _read_json_file(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise FetchError(
            N_("Could not read the JSON file %(path)s."), params={"path": str(path)}
        ) from err
