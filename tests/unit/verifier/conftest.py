"""Shared fixtures: one loader for the session, the corpus environment as a map fetcher."""

from __future__ import annotations

import pytest

from badges.jsonld.loader import StaticDocumentLoader
from tests.unit.verifier.builders import environment
from verifier import MapFetcher


@pytest.fixture(scope="session")
def loader() -> StaticDocumentLoader:
    return StaticDocumentLoader()


@pytest.fixture(scope="session")
def fetcher() -> MapFetcher:
    env = environment()
    return MapFetcher(env["did-documents"]) | MapFetcher(env["status-lists"])
