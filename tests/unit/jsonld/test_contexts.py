"""The bundled contexts: every one loads, matches its pin and is what SOURCES.md says."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path

import pytest

from badges.jsonld import contexts
from badges.jsonld.contexts import BUNDLED_CONTEXTS, BundledContext, read_context_bytes
from badges.jsonld.errors import ContextIntegrityError, ContextNotAllowed

CONTEXTS_DIR = Path(contexts.__file__).parent / "contexts"


@pytest.mark.parametrize("iri", sorted(BUNDLED_CONTEXTS))
def test_every_bundled_context_loads_and_matches_its_pin(iri: str) -> None:
    data = read_context_bytes(iri)
    assert hashlib.sha256(data).hexdigest() == BUNDLED_CONTEXTS[iri].sha256
    document = json.loads(data)
    assert isinstance(document, dict)
    assert isinstance(document["@context"], dict)


def test_the_constants_other_modules_use_are_bundled() -> None:
    for iri in (
        contexts.VC_V1_CONTEXT,
        contexts.VC_V2_CONTEXT,
        contexts.OB_V3_CONTEXT,
        *contexts.OB_V3_CONTEXTS,
        contexts.OB_V3_EXTENSIONS_CONTEXT,
        contexts.DATA_INTEGRITY_V1_CONTEXT,
        contexts.DATA_INTEGRITY_V2_CONTEXT,
        contexts.MULTIKEY_V1_CONTEXT,
        contexts.ED25519_2020_CONTEXT,
        contexts.STATUS_LIST_2021_CONTEXT,
        contexts.BITSTRING_STATUS_LIST_CONTEXT,
        contexts.DID_V1_CONTEXT,
    ):
        assert iri in BUNDLED_CONTEXTS
    assert contexts.OB_V3_CONTEXT == "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
    assert contexts.OB_V3_CONTEXTS[-1] == contexts.OB_V3_CONTEXT


def test_every_file_is_pinned_and_recorded_in_sources() -> None:
    files = {path.name for path in CONTEXTS_DIR.iterdir() if path.suffix in {".json", ".jsonld"}}
    assert files == {bundled.filename for bundled in BUNDLED_CONTEXTS.values()}
    sources = (CONTEXTS_DIR / "SOURCES.md").read_text(encoding="utf-8")
    for bundled in BUNDLED_CONTEXTS.values():
        row = next(line for line in sources.splitlines() if f"`{bundled.iri}`" in line)
        assert f"`{bundled.filename}`" in row
        assert bundled.sha256 in row


def test_the_map_cannot_be_changed_at_run_time() -> None:
    with pytest.raises(TypeError):
        BUNDLED_CONTEXTS["https://evil.example/ctx"] = BUNDLED_CONTEXTS[  # type: ignore[index]
            contexts.VC_V2_CONTEXT
        ]


def test_the_examples_test_vector_context_is_not_bundled() -> None:
    assert "https://www.w3.org/ns/credentials/examples/v2" not in BUNDLED_CONTEXTS
    assert "https://www.w3.org/ns/credentials/undefined-terms/v2" not in BUNDLED_CONTEXTS


def test_unknown_iri_is_not_allowed() -> None:
    with pytest.raises(ContextNotAllowed) as caught:
        read_context_bytes("https://www.w3.org/ns/credentials/v2/")
    assert caught.value.iri == "https://www.w3.org/ns/credentials/v2/"


def test_a_file_that_does_not_match_its_pin_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    tampered = BundledContext(contexts.VC_V2_CONTEXT, "credentials-v2.jsonld", "0" * 64)
    monkeypatch.setattr(
        contexts, "BUNDLED_CONTEXTS", {contexts.VC_V2_CONTEXT: tampered}, raising=True
    )
    with pytest.raises(ContextIntegrityError) as caught:
        read_context_bytes(contexts.VC_V2_CONTEXT)
    assert caught.value.expected == "0" * 64
    assert caught.value.actual == BUNDLED_CONTEXTS[contexts.VC_V2_CONTEXT].sha256


def test_contexts_ship_inside_the_package() -> None:
    package = resources.files("badges.jsonld").joinpath("contexts")
    assert package.joinpath("SOURCES.md").is_file()
