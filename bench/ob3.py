"""Open Badges 3.0 sign / verify / canonicalise rates, by hand: ``.venv/bin/python -m bench.ob3``.

The credential is ``tests/fixtures/credentials/ob3-smart-city.json`` (issuer profile, achievement
with three alignments, three evidence items, hashed email identifier, BitstringStatusListEntry).
Each figure is measured on one core two ways in the same run:

* **ours**: :func:`badges.proofs.create_proof` / :func:`badges.proofs.verify_proof` and
  :func:`badges.proofs.canonical.canonize` with one long-lived
  :class:`~badges.jsonld.loader.StaticDocumentLoader` (compiled contexts, safe mode, RDFC-1.0);
* **naive**: pyld ``normalize`` (URDNA2015, N-Quads) with a fresh loader and a fresh context
  resolver on every call (no caching at all), SHA-256, Ed25519.

Before anything is timed, both ways must give the same canonical N-Quads and the same
``proofValue``, and each must verify the other's proof: a fast wrong answer is no answer. Each
rate is the best of ``BENCH_ROUNDS`` (default 3) interleaved runs of ``BENCH_SECONDS`` (default
1) seconds each: shared machines are noisy. Target (issue 3): 1,000 verifications and 1,000
signatures per second.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,  # noqa: TID251 - the benchmark stands in for issuer/keys.py, as tests do
    Ed25519PublicKey,
)
from pyld import jsonld
from pyld.context_resolver import ContextResolver

from badges.jsonld.contexts import BUNDLED_CONTEXTS, read_context_bytes
from badges.jsonld.loader import StaticDocumentLoader
from badges.jsonld.rdf import to_quads
from badges.proofs import create_proof, multikey, verify_proof
from badges.proofs.canonical import canonize

ROOT = Path(__file__).resolve().parents[1]
CREDENTIAL = ROOT / "tests" / "fixtures" / "credentials" / "ob3-smart-city.json"
CREATED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
SECONDS = float(os.environ.get("BENCH_SECONDS", "1"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
#: A fixed test key: the benchmark must give the same proofValue on every run.
SEED = bytes(range(32))


class BenchSigner:
    """Signs with the fixed test key (a benchmark stands in for ``issuer/keys.py``)."""

    algorithm = "Ed25519"

    def __init__(self, key: Ed25519PrivateKey, verification_method: str) -> None:
        self._key = key
        self.verification_method = verification_method

    def sign(self, data: bytes) -> bytes:
        """Ed25519 signature of ``data``."""
        return self._key.sign(data)


class Naive:
    """The naive way: pyld ``normalize`` with nothing reused between calls."""

    def __init__(self) -> None:
        self._documents = {iri: json.loads(read_context_bytes(iri)) for iri in BUNDLED_CONTEXTS}

    def normalize(self, document: dict[str, Any]) -> str:
        """URDNA2015 canonical N-Quads with a fresh loader and a fresh context resolver."""
        documents = self._documents

        def load(url: str, options: object = None) -> dict[str, Any]:
            return {
                "contextUrl": None,
                "documentUrl": url,
                "document": copy.deepcopy(documents[url]),
            }

        options = {
            "algorithm": "URDNA2015",
            "format": "application/n-quads",
            "documentLoader": load,
            "contextResolver": ContextResolver({}, load),
        }
        canonical: str = jsonld.normalize(document, options)
        return canonical

    def hash_data(self, document: dict[str, Any], proof: dict[str, Any]) -> bytes:
        """vc-di-eddsa hashing: SHA-256(proof configuration) ‖ SHA-256(document)."""
        config = {key: value for key, value in proof.items() if key != "proofValue"}
        config["@context"] = document["@context"]
        unsecured = {key: value for key, value in document.items() if key != "proof"}
        return (
            hashlib.sha256(self.normalize(config).encode()).digest()
            + hashlib.sha256(self.normalize(unsecured).encode()).digest()
        )


def _rates(actions: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Best rate of each action over ``ROUNDS`` interleaved runs of ``SECONDS`` each."""
    best = dict.fromkeys(actions, 0.0)
    for action in actions.values():
        action()  # warm up (ours compiles its contexts here, once per loader)
    for _ in range(ROUNDS):
        for name, action in actions.items():
            count, start = 0, time.perf_counter()
            while (elapsed := time.perf_counter() - start) < SECONDS:
                action()
                count += 1
            best[name] = max(best[name], count / elapsed)
    return best


def main() -> None:
    """Check both ways agree, then time canonicalisation, signing and verification."""
    credential: dict[str, Any] = json.loads(CREDENTIAL.read_text(encoding="utf-8"))
    key = Ed25519PrivateKey.from_private_bytes(SEED)
    public: Ed25519PublicKey = key.public_key()
    signer = BenchSigner(key, f"{credential['issuer']['id']}#key-1")
    loader = StaticDocumentLoader()
    naive = Naive()

    def ours_sign() -> dict[str, Any]:
        return create_proof(credential, signer=signer, created=CREATED, loader=loader)

    signed = ours_sign()
    proof = signed["proof"][0]

    def ours_verify() -> bool:
        results = verify_proof(signed, public_key_for=lambda _: public, loader=loader)
        return all(result.verified for result in results)

    def naive_sign() -> str:
        return multikey.encode_multibase(signer.sign(naive.hash_data(credential, proof)))

    def naive_verify() -> bool:
        signature = multikey.decode_multibase(proof["proofValue"])
        public.verify(signature, naive.hash_data(signed, proof))
        return True

    # A benchmark of wrong code is useless: both ways must agree before anything is timed.
    if canonize(credential, loader=loader) != naive.normalize(credential):
        raise SystemExit("our canonical N-Quads differ from pyld normalize's")
    if naive_sign() != proof["proofValue"] or not ours_verify() or not naive_verify():
        raise SystemExit("the two ways do not give (and accept) the same proofValue")

    size = len(json.dumps(credential, ensure_ascii=False, separators=(",", ":")).encode())
    quads = len(to_quads(credential, loader=loader))
    print(f"OB 3.0 credential {CREDENTIAL.name}: {size:,} bytes of compact JSON, {quads} quads")
    print(f"one core, best of {ROUNDS} x {SECONDS:g} s; proofValue {proof['proofValue'][:16]}…")
    rates = _rates(
        {
            "ours canonicalise": lambda: canonize(credential, loader=loader),
            "naive canonicalise": lambda: naive.normalize(credential),
            "ours sign": ours_sign,
            "naive sign": naive_sign,
            "ours verify": ours_verify,
            "naive verify": naive_verify,
        }
    )
    print(f"{'':16} {'ours':>10} {'naive':>10} {'ratio':>7}")
    for what in ("canonicalise", "sign", "verify"):
        ours, slow = rates[f"ours {what}"], rates[f"naive {what}"]
        print(f"{what + '/s':16} {ours:>10,.0f} {slow:>10,.0f} {ours / slow:>6.1f}x")
    low = min(rates["ours sign"], rates["ours verify"])
    print("target 1,000 signatures/s and verifications/s:", "met" if low >= 1000 else "NOT met")


if __name__ == "__main__":
    main()
