"""eddsa-rdfc-2022 sign and verify rates, run by hand: ``.venv/bin/python -m bench.proofs``.

Signs and verifies the W3C vc-di-eddsa credential (``unsigned.json``, VC v2 + examples contexts)
two ways in the same run, on one core:

* **ours**: :func:`badges.proofs.create_proof` / :func:`badges.proofs.verify_proof` with one
  long-lived :class:`~badges.jsonld.loader.StaticDocumentLoader` (safe-mode JSON-LD to RDF with
  processed contexts reused, then our RDFC-1.0);
* **naive**: what a first implementation does: pyld ``normalize`` (URDNA2015, N-Quads) of the
  proof configuration and of the document through a plain loader, SHA-256 each, Ed25519; no safe
  mode, no reuse beyond pyld's own.

Both must produce the W3C ``proofValue`` before anything is timed: a fast wrong answer is no
answer. Then the same for an Open Badges 3.0 credential (VC v2 + OB 3.0.3 + extensions contexts),
where both ways must give the same signature. The vectors come from ``$BADGES_VECTORS`` or
``../shared/vectors``; ``BENCH_SECONDS`` sets the time per figure (default 3).
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,  # noqa: TID251 - the benchmark stands in for issuer/keys.py, as tests do
    Ed25519PublicKey,
)
from pyld import jsonld

from badges.jsonld.contexts import BUNDLED_CONTEXTS, read_context_bytes
from badges.jsonld.loader import StaticDocumentLoader
from badges.proofs import create_proof, multikey, verify_proof

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES_CONTEXT = "https://www.w3.org/ns/credentials/examples/v2"
OB_CREDENTIAL = ROOT / "tests" / "fixtures" / "credentials" / "ob3-smart-city.json"
CREATED = datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC)
SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))


class BenchSigner:
    """Signs with the W3C test key (a benchmark stands in for ``issuer/keys.py``)."""

    algorithm = "Ed25519"

    def __init__(self, key: Ed25519PrivateKey, verification_method: str) -> None:
        self._key = key
        self.verification_method = verification_method

    def sign(self, data: bytes) -> bytes:
        """Ed25519 signature of ``data``."""
        return self._key.sign(data)


def _vectors() -> Path:
    return (
        Path(os.environ.get("BADGES_VECTORS", ROOT.parent / "shared" / "vectors")) / "vc-di-eddsa"
    )


def _read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _naive_loader(documents: dict[str, Any]) -> Callable[..., dict[str, Any]]:
    def load(url: str, options: object = None) -> dict[str, Any]:
        return {"contextUrl": None, "documentUrl": url, "document": copy.deepcopy(documents[url])}

    return load


def _naive_hash(document: dict[str, Any], proof: dict[str, Any], loader: Any) -> bytes:
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader}
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = document["@context"]
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    proof_hash = hashlib.sha256(jsonld.normalize(config, options).encode()).digest()
    return proof_hash + hashlib.sha256(jsonld.normalize(unsecured, options).encode()).digest()


def _rate(action: Callable[[], object]) -> float:
    action()
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < SECONDS:
        action()
        count += 1
    return count / elapsed


@dataclass(frozen=True, slots=True)
class Case:
    """One credential to sign and verify, with everything both ways need."""

    title: str
    unsigned: dict[str, Any]
    signer: BenchSigner
    public: Ed25519PublicKey
    loader: StaticDocumentLoader
    naive_loader: Callable[..., dict[str, Any]]


def _measure(case: Case, expected_proof: dict[str, Any]) -> None:
    """Check both ways give ``expected_proof``, then time sign and verify each way."""
    signed = {**case.unsigned, "proof": expected_proof}
    keys = {case.signer.verification_method: case.public}

    def ours_sign() -> dict[str, Any]:
        return create_proof(case.unsigned, signer=case.signer, created=CREATED, loader=case.loader)

    def ours_verify() -> bool:
        results = verify_proof(signed, public_key_for=keys.__getitem__, loader=case.loader)
        return all(result.verified for result in results)

    def naive_sign() -> str:
        hash_data = _naive_hash(case.unsigned, expected_proof, case.naive_loader)
        return multikey.encode_multibase(case.signer.sign(hash_data))

    def naive_verify() -> bool:
        signature = multikey.decode_multibase(expected_proof["proofValue"])
        case.public.verify(signature, _naive_hash(signed, expected_proof, case.naive_loader))
        return True

    # A benchmark of wrong code is useless: both ways must give the expected proof first.
    if ours_sign()["proof"][0] != expected_proof or not ours_verify():
        raise SystemExit(f"{case.title}: badges.proofs does not give the expected proof")
    if naive_sign() != expected_proof["proofValue"] or not naive_verify():
        raise SystemExit(f"{case.title}: the naive pyld way does not give the expected proof")
    rates = {
        name: _rate(action)
        for name, action in (
            ("ours sign", ours_sign),
            ("naive sign", naive_sign),
            ("ours verify", ours_verify),
            ("naive verify", naive_verify),
        )
    }
    print(f"{case.title}, {SECONDS:g} s per figure, one core")
    for name, rate in rates.items():
        print(f"  {name:<13} {rate:>9,.1f}/s")
    print(f"  sign ratio   (ours / naive) {rates['ours sign'] / rates['naive sign']:.2f}")
    print(f"  verify ratio (ours / naive) {rates['ours verify'] / rates['naive verify']:.2f}")


def main() -> None:
    """The W3C credential (against its published proof), then an Open Badges 3.0 credential."""
    vectors = _vectors()
    pair = _read(vectors / "keyPair.json")
    examples = _read(vectors / "contexts" / "credentials-examples-v2.json")
    expected = _read(vectors / "eddsa-rdfc-2022" / "signedDataInt.json")
    key = Ed25519PrivateKey.from_private_bytes(
        multikey.decode_secret_key_seed(pair["privateKeyMultibase"])
    )
    documents = {iri: json.loads(read_context_bytes(iri)) for iri in BUNDLED_CONTEXTS}
    w3c = Case(
        "eddsa-rdfc-2022, W3C vc-di-eddsa credential (8 quads)",
        _read(vectors / "unsigned.json"),
        BenchSigner(key, expected["proof"]["verificationMethod"]),
        key.public_key(),
        StaticDocumentLoader({EXAMPLES_CONTEXT: examples}),
        _naive_loader({**documents, EXAMPLES_CONTEXT: examples}),
    )
    _measure(w3c, expected["proof"])

    credential = _read(OB_CREDENTIAL)
    ob = Case(
        "eddsa-rdfc-2022, Open Badges 3.0 credential (tests/fixtures ob3-smart-city.json)",
        credential,
        BenchSigner(key, f"{credential['issuer']['id']}#key-1"),
        key.public_key(),
        StaticDocumentLoader(),
        _naive_loader(documents),
    )
    reference = create_proof(credential, signer=ob.signer, created=CREATED, loader=ob.loader)
    print()
    _measure(ob, reference["proof"][0])


if __name__ == "__main__":
    main()
