"""Fixtures: the W3C vc-di-eddsa credential, its test-only context, and our OB credential."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from badges.jsonld.loader import StaticDocumentLoader
from tests.vectors import vectors_dir

EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "credentials"


@pytest.fixture
def examples_context() -> dict[str, Any]:
    """The W3C examples v2 context: a test vector, never part of the production allow-list."""
    path = vectors_dir("vc-di-eddsa", "contexts") / "credentials-examples-v2.json"
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


@pytest.fixture
def vector_loader(examples_context: dict[str, Any]) -> StaticDocumentLoader:
    """The bundled contexts plus the examples context, given explicitly as a test-only extra."""
    return StaticDocumentLoader({EXAMPLES_V2: examples_context})


@pytest.fixture
def unsigned_credential() -> dict[str, Any]:
    """The W3C vc-di-eddsa unsigned credential (VC v2 + examples context)."""
    path = vectors_dir("vc-di-eddsa") / "unsigned.json"
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


@pytest.fixture
def ob_credential() -> dict[str, Any]:
    """Our minimal OB 3.0 credential (VC v2 + OB 3.0.3 + extensions contexts), unsigned."""
    document: dict[str, Any] = json.loads(
        (FIXTURES / "ob3-minimal.json").read_text(encoding="utf-8")
    )
    return document
