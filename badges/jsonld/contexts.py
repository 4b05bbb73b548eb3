"""The JSON-LD contexts this service accepts, and the exact bytes it ships for each.

Contexts are never fetched: each accepted IRI maps to a file in ``contexts/`` whose SHA-256 is
pinned here and checked every time the file is read (ob3-spec §2.2 "Context loading"; Data
Integrity 1.0 §"Context Validation"). ``contexts/SOURCES.md`` records which registry package each
file came from. The map is frozen, so nothing can add an IRI to it at run time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType

from badges.jsonld.errors import ContextIntegrityError, ContextNotAllowed

VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_V3_0_1_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"
OB_V3_0_2_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"
OB_V3_0_3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_V3_CONTEXT = OB_V3_0_3_CONTEXT
"""The current Open Badges 3.0 context: the one to issue with."""
OB_V3_CONTEXTS: tuple[str, ...] = (OB_V3_0_1_CONTEXT, OB_V3_0_2_CONTEXT, OB_V3_0_3_CONTEXT)
"""Every accepted Open Badges 3.0 context version, oldest first."""
OB_V3_EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
"""Defines ``1EdTechJsonSchemaValidator2019`` and friends (ob3-spec §1.1 "Extensions context")."""
DATA_INTEGRITY_V1_CONTEXT = "https://w3id.org/security/data-integrity/v1"
DATA_INTEGRITY_V2_CONTEXT = "https://w3id.org/security/data-integrity/v2"
MULTIKEY_V1_CONTEXT = "https://w3id.org/security/multikey/v1"
ED25519_2020_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"
STATUS_LIST_2021_CONTEXT = "https://w3id.org/vc/status-list/2021/v1"
BITSTRING_STATUS_LIST_CONTEXT = "https://www.w3.org/ns/credentials/status/v1"
DID_V1_CONTEXT = "https://www.w3.org/ns/did/v1"


@dataclass(frozen=True, slots=True)
class BundledContext:
    """One accepted context: its IRI, the file under ``contexts/`` and that file's SHA-256."""

    iri: str
    filename: str
    sha256: str


BUNDLED_CONTEXTS: Mapping[str, BundledContext] = MappingProxyType(
    {
        context.iri: context
        for context in (
            BundledContext(
                VC_V1_CONTEXT,
                "credentials-v1.jsonld",
                "00d7dd6d3ad8b920e3e550dd3a3d9090bffcac84cdbf943da6924b3e0a5c8bb8",
            ),
            BundledContext(
                VC_V2_CONTEXT,
                "credentials-v2.jsonld",
                "8a9f494a89ecc51db093e90e84713e07e84d6d9204364a9b3c7868b21751236f",
            ),
            BundledContext(
                OB_V3_0_1_CONTEXT,
                "ob-v3p0-context-3.0.1.json",
                "5f3d9dd6288ef437ff8286cf95ffbff609c748a66f24a1e9450c45ca64be1571",
            ),
            BundledContext(
                OB_V3_0_2_CONTEXT,
                "ob-v3p0-context-3.0.2.json",
                "00666ad080ba407687ed1846b7f5e7495f5019042b202a727de47c48a1755c53",
            ),
            BundledContext(
                OB_V3_0_3_CONTEXT,
                "ob-v3p0-context-3.0.3.json",
                "3d34f4d4ef1bce691106e63798beb5e7b862ba841423f5ee1e53ab7ddf3bca84",
            ),
            BundledContext(
                OB_V3_EXTENSIONS_CONTEXT,
                "ob-v3p0-extensions.json",
                "87c06c81bc2317663bf288d740d94fddd2818c4342b186270ff6371dfaa63f93",
            ),
            BundledContext(
                DATA_INTEGRITY_V1_CONTEXT,
                "data-integrity-v1.jsonld",
                "b5d829bd09aa7c42abc6efa0c8ed7635313b5487f37ccfce3ecd149ca9418554",
            ),
            BundledContext(
                DATA_INTEGRITY_V2_CONTEXT,
                "data-integrity-v2.jsonld",
                "0f77743daf5b4e8fc067fc5ba5b21044283053aa717fc6b0219843bed3b00363",
            ),
            BundledContext(
                MULTIKEY_V1_CONTEXT,
                "multikey-v1.jsonld",
                "c5f3806f8286920573221938917988a18a4cc5a09e968d29649613c7a1c2b1f6",
            ),
            BundledContext(
                ED25519_2020_CONTEXT,
                "ed25519-signature-2020-v1.jsonld",
                "b9e1ab971fd8bf2c7553e0c4a9438e0b9450afde1ea1ca5b2492368b9f549588",
            ),
            BundledContext(
                STATUS_LIST_2021_CONTEXT,
                "status-list-2021-v1.jsonld",
                "634d71c159289f068c96012e4511c657fdf82ac4231900081bda3ba24e2e1160",
            ),
            BundledContext(
                BITSTRING_STATUS_LIST_CONTEXT,
                "bitstring-status-list-v1.jsonld",
                "fd08cbf28ddd829ab2f1978c48f43ab07a112c1c90245a0cfac7ba721c65170c",
            ),
            BundledContext(
                DID_V1_CONTEXT,
                "did-v1.jsonld",
                "62c1054bf404d6dd3a4b26b64f830fd72095f6a26edc4469908c94351352ce5f",
            ),
        )
    }
)
"""Accepted context IRI -> bundled file and pinned hash (exact-match: no aliases, no prefixes)."""


def read_context_bytes(iri: str) -> bytes:
    """Return the bundled bytes of the context ``iri`` after checking them against the pin.

    Raises:
        ContextNotAllowed: ``iri`` is not a bundled context.
        ContextIntegrityError: the file on disk does not hash to the pinned SHA-256.
    """
    bundled = BUNDLED_CONTEXTS.get(iri)
    if bundled is None:
        raise ContextNotAllowed(iri)
    data = (
        resources.files("badges.jsonld")
        .joinpath("contexts")
        .joinpath(bundled.filename)
        .read_bytes()
    )
    actual = hashlib.sha256(data).hexdigest()
    if actual != bundled.sha256:
        raise ContextIntegrityError(iri, expected=bundled.sha256, actual=actual)
    return data
