"""JSON-LD -> RDF conversion rate, run by hand: ``.venv/bin/python -m bench.jsonld``.

For the W3C vc-di-eddsa credential, our minimal Open Badges 3.0 fixture and a larger OB 3.0
credential (more alignments and evidence), prints conversions per second on one core of:

* ``to_quads`` with one loader reused (the processed contexts cached in it: the way the issuer and
  verifier run it), with safe mode;
* ``to_quads`` with a fresh loader each time (nothing cached between calls);
* plain pyld ``jsonld.to_rdf`` with a fresh static loader each time (the naive way);

and the ratio of the first to the last. Each rate is the best of five interleaved runs. Each
output is first compared with pyld's: a fast wrong answer is no answer. ``performance.md`` in
the shared reference folder has the budget (about 5 ms today, 0.75 ms left for everything but
the cryptography at 1,000 verifications/s).
"""

from __future__ import annotations

import copy
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pyld import jsonld

from badges.jsonld.loader import StaticDocumentLoader
from badges.jsonld.rdf import to_quads
from badges.rdf.nquads import parse_nquads

ROOT = Path(__file__).resolve().parents[1]
VECTORS = Path(os.environ.get("BADGES_VECTORS", ROOT.parent / "shared" / "vectors"))
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"


def _rates(
    actions: list[Callable[[], object]], rounds: int = 5, seconds: float = 0.4
) -> list[float]:
    """Best rate of each action over ``rounds`` interleaved runs (shared machines are noisy)."""
    best = [0.0] * len(actions)
    for action in actions:
        action()  # warm up
    for _ in range(rounds):
        for index, action in enumerate(actions):
            count, start = 0, time.perf_counter()
            while time.perf_counter() - start < seconds:
                action()
                count += 1
            best[index] = max(best[index], count / (time.perf_counter() - start))
    return best


def _read(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def _larger(credential: dict[str, Any]) -> dict[str, Any]:
    """The OB fixture grown to the size of a real path credential (several competences)."""
    document = copy.deepcopy(credential)
    achievement = document["credentialSubject"]["achievement"]
    for number in range(2, 6):
        alignment = copy.deepcopy(achievement["alignment"][0])
        alignment["targetName"] = f"Competence {number}"
        alignment["targetUrl"] = alignment["targetUrl"].replace("iot-1", f"iot-{number}")
        achievement["alignment"].append(alignment)
        evidence = copy.deepcopy(document["evidence"][0])
        evidence["id"] = f"https://badges.example.org/evidence/{number:08x}"
        evidence["name"] = f"Evidence for competence {number}"
        document["evidence"].append(evidence)
    return document


def main() -> None:
    """Measure and print."""
    examples = _read(VECTORS / "vc-di-eddsa" / "contexts" / "credentials-examples-v2.json")
    ob = _read(ROOT / "tests" / "fixtures" / "credentials" / "ob3-minimal.json")
    cases = {
        "vc-di-eddsa unsigned credential": _read(VECTORS / "vc-di-eddsa" / "unsigned.json"),
        "OB 3.0 minimal fixture": ob,
        "OB 3.0 larger credential": _larger(ob),
    }

    def fresh_loader() -> StaticDocumentLoader:
        return StaticDocumentLoader({EXAMPLES_V2: examples})

    shared = fresh_loader()
    print(f"{'document':34} {'quads':>5} {'to_quads':>10} {'cold':>8} {'pyld':>8} {'ratio':>6}")
    for name, document in cases.items():
        expected = parse_nquads(
            jsonld.to_rdf(
                document, {"documentLoader": fresh_loader(), "format": "application/n-quads"}
            )
        )
        quads = to_quads(document, loader=shared)
        if sorted(map(repr, quads)) != sorted(map(repr, expected)):
            raise SystemExit(f"{name}: to_quads differs from pyld's to_rdf")

        def reused(document: dict[str, Any] = document) -> object:
            return to_quads(document, loader=shared)

        def cold(document: dict[str, Any] = document) -> object:
            return to_quads(document, loader=fresh_loader())

        def naive(document: dict[str, Any] = document) -> object:
            return jsonld.to_rdf(document, {"documentLoader": fresh_loader()})

        fast, slow_ours, slow = _rates([reused, cold, naive])
        print(
            f"{name:34} {len(quads):5} {fast:8.0f}/s {slow_ours:6.0f}/s {slow:6.0f}/s"
            f" {fast / slow:5.1f}x"
        )


if __name__ == "__main__":
    main()
