"""Full verifications per second through the library, run by hand: ``python -m bench.verify``.

The realistic credential is ``tests/fixtures/credentials/ob3-smart-city.json`` (VC v2 + OB 3.0.3
+ extensions, achievement with alignments, three evidence items, hashed identifier, Bitstring
status entry), signed at run time with eddsa-rdfc-2022 by a did:key issuer, so the key resolves
offline; its status list (also signed by the issuer) comes from a map fetcher. One long-lived
loader, as a server keeps. Prints the rate of whole verifications on one core, then the share of
time spent in each check (measured on the same loop, check by check). ``BENCH_SECONDS`` sets the
time per figure (default 3). Issue #5 target: at least 1,000/s with warm caches.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,  # noqa: TID251 - the benchmark stands in for issuer/keys.py, as tests do
)

from badges.did import did_key_from_public_key
from badges.jsonld.loader import StaticDocumentLoader
from badges.proofs import create_proof
from badges.statuslist import StatusBits
from verifier import DEFAULT_SUITES, MapFetcher, StatusListCache, verify_credential
from verifier.checks import CHECKS
from verifier.resolve import KeyResolver
from verifier.state import Settings, Verification

ROOT = Path(__file__).resolve().parents[1]
CREDENTIAL = ROOT / "tests" / "fixtures" / "credentials" / "ob3-smart-city.json"
SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))
NOW = datetime(2027, 1, 15, 12, 0, tzinfo=UTC)
CREATED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


class BenchSigner:
    """Signs with a throwaway key (a benchmark stands in for ``issuer/keys.py``)."""

    algorithm = "Ed25519"

    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._key = key
        did = did_key_from_public_key(key.public_key())
        self.verification_method = f"{did}#{did.removeprefix('did:key:')}"

    def sign(self, data: bytes) -> bytes:
        """Ed25519 signature of ``data``."""
        return self._key.sign(data)


def _setup(loader: StaticDocumentLoader) -> tuple[dict[str, Any], MapFetcher]:
    signer = BenchSigner(Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"bench").digest()))
    issuer = signer.verification_method.partition("#")[0]
    credential = json.loads(CREDENTIAL.read_text(encoding="utf-8"))
    credential["issuer"]["id"] = issuer
    signed = create_proof(credential, signer=signer, created=CREATED, loader=loader)
    url = credential["credentialStatus"]["statusListCredential"]
    status_list = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": StatusBits.create().set(1, 1).encode(),
        },
    }
    signed_list = create_proof(status_list, signer=signer, created=CREATED, loader=loader)
    return signed, MapFetcher({url: signed_list})


def _rate(run: Any) -> tuple[float, int]:
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < SECONDS:
        run()
        count += 1
    return count / elapsed, count


def main() -> None:
    """Print verifications/s and the share of each check."""
    loader = StaticDocumentLoader()
    credential, fetcher = _setup(loader)
    report = verify_credential(credential, loader=loader, fetcher=fetcher, now=NOW)
    if not report.verified:  # a fast wrong answer is no answer
        raise SystemExit(f"the benchmark credential does not verify: {report.failures}")
    rate, count = _rate(
        lambda: verify_credential(credential, loader=loader, fetcher=fetcher, now=NOW)
    )
    print(f"full verification (did:key, status list from a map): {rate:,.0f}/s ({count} runs)")
    print(f"  {1000 / rate:.2f} ms each; target 1,000/s: ratio {rate / 1000:.2f}")
    cache = StatusListCache()
    warm, count = _rate(
        lambda: verify_credential(
            credential, loader=loader, fetcher=fetcher, now=NOW, status_cache=cache
        )
    )
    print(f"  with a warm status list cache: {warm:,.0f}/s ({count} runs), ratio {warm / 1000:.2f}")

    settings = Settings(loader, fetcher, NOW, timedelta(minutes=5), DEFAULT_SUITES)
    spent: dict[str, float] = defaultdict(float)

    def timed() -> None:
        verification = Verification(credential, settings, KeyResolver(fetcher))
        for check_id, check in CHECKS:
            started = time.perf_counter()
            verification.checks.append(check(verification))
            spent[check_id.value] += time.perf_counter() - started

    _, count = _rate(timed)
    total = sum(spent.values())
    print("share of time per check (safe_mode runs the proofs' RDF conversion, which is the")
    print("safe-mode check and the signature check at once; proof then only reports):")
    for name, seconds in sorted(spent.items(), key=lambda item: -item[1]):
        print(f"  {name:<13} {100 * seconds / total:5.1f} %  {1000 * seconds / count:6.3f} ms")


if __name__ == "__main__":
    main()
