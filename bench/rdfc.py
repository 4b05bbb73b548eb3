"""RDFC-1.0 canonicalisation rate, run by hand: ``.venv/bin/python -m bench.rdfc``.

Prints canonicalisations per second on one core (best of seven rounds: the machines are shared)
for a realistic Open Badges 3.0 credential graph (72 quads, 9 blank nodes: subject, identifier,
results, criteria, alignments, evidence, as pyld's ``to_rdf`` produces them): for our
:func:`badges.rdf.canonicalize` on parsed quads, for parse + canonicalise from N-Quads text, and
for pyld's ``jsonld.normalize`` on the same N-Quads text; then the ratios. The canonical outputs
are compared first: a fast wrong answer is no answer.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from pyld import jsonld

from badges.rdf import BlankNode, canonicalize, parse_nquads

OB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
CRED = "https://www.w3.org/2018/credentials#"
SCHEMA = "https://schema.org/"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
DATETIME = "^^<http://www.w3.org/2001/XMLSchema#dateTime>"
CREDENTIAL = "<urn:uuid:2f4b7f0e-5c1a-4d6e-9a51-7f3f1b0c2d11>"
ACHIEVEMENT = "<https://badges.example/achievements/iot-technician-level-2>"
ISSUER = "<https://badges.example/issuers/sofia-smart-city-academy>"


def _credential_nquads() -> str:
    """An OB 3.0 AchievementCredential as N-Quads, in the shape pyld's ``to_rdf`` gives."""
    lines = [
        f"{CREDENTIAL} {TYPE} <{CRED}VerifiableCredential> .",
        f"{CREDENTIAL} {TYPE} <{OB}AchievementCredential> .",
        f'{CREDENTIAL} <{SCHEMA}name> "IoT Technician, level 2" .',
        f"{CREDENTIAL} <{CRED}issuer> {ISSUER} .",
        f'{CREDENTIAL} <{CRED}validFrom> "2026-11-25T09:00:00Z"{DATETIME} .',
        f'{CREDENTIAL} <{CRED}validUntil> "2031-11-25T09:00:00Z"{DATETIME} .',
        f"{CREDENTIAL} <{CRED}credentialSubject> _:b0 .",
        f"{CREDENTIAL} <{CRED}credentialStatus> <https://badges.example/status/3#94567> .",
        f"{CREDENTIAL} <{CRED}credentialSchema> <https://purl.imsglobal.org/spec/ob/v3p0/schema/"
        "json/ob_v3p0_achievementcredential_schema.json> .",
        f"{ISSUER} {TYPE} <{OB}Profile> .",
        f'{ISSUER} <{SCHEMA}name> "Sofia Smart City Academy" .',
        f"{ISSUER} <{OB}url> <https://academy.sofia.example/> .",
        f'{ISSUER} <{OB}email> "badges@academy.sofia.example" .',
        f"{ISSUER} <{OB}image> <https://badges.example/issuers/sofia/logo.png> .",
        "<https://badges.example/status/3#94567> "
        f"{TYPE} <https://www.w3.org/ns/credentials/status#BitstringStatusListEntry> .",
        "<https://badges.example/status/3#94567> <https://www.w3.org/ns/credentials/status#"
        'statusPurpose> "revocation" .',
        "<https://badges.example/status/3#94567> <https://www.w3.org/ns/credentials/status#"
        'statusListIndex> "94567" .',
        "<https://badges.example/status/3#94567> <https://www.w3.org/ns/credentials/status#"
        "statusListCredential> <https://badges.example/status/3> .",
        f"_:b0 {TYPE} <{OB}AchievementSubject> .",
        f"_:b0 <{OB}achievement> {ACHIEVEMENT} .",
        f"_:b0 <{OB}identifier> _:b1 .",
        f'_:b0 <{OB}activityStartDate> "2026-03-02T00:00:00Z"{DATETIME} .',
        f'_:b0 <{OB}activityEndDate> "2026-10-30T00:00:00Z"{DATETIME} .',
        f"_:b0 <{OB}result> _:b2 .",
        f"_:b0 <{OB}result> _:b3 .",
        f"_:b1 {TYPE} <{OB}IdentityObject> .",
        f'_:b1 <{OB}hashed> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> .',
        f'_:b1 <{OB}identityHash> "sha256$c7ef86405ba71b85acd8e2e95166c4b1'
        '11448089f2e1599f42fe1bba46e865c5" .',
        f"_:b1 <{OB}identityType> <{OB}emailAddress> .",
        f'_:b1 <{OB}salt> "not-so-random-salt" .',
        f"_:b2 {TYPE} <{OB}Result> .",
        f'_:b2 <{OB}value> "passed" .',
        f"_:b2 <{OB}resultDescription> <urn:uuid:a1c2e3f4-0b1d-4e2f-8a9b-0c1d2e3f4a5b> .",
        f"_:b3 {TYPE} <{OB}Result> .",
        f'_:b3 <{OB}value> "92" .',
        f"_:b3 <{OB}resultDescription> <urn:uuid:b2d3f4a5-1c2e-4f3a-9b0c-1d2e3f4a5b6c> .",
        f"{ACHIEVEMENT} {TYPE} <{OB}Achievement> .",
        f'{ACHIEVEMENT} <{SCHEMA}name> "IoT Technician, level 2" .',
        f'{ACHIEVEMENT} <{SCHEMA}description> "Installs, configures and maintains city sensor '
        'networks: LoRaWAN gateways, air-quality and traffic sensors." .',
        f'{ACHIEVEMENT} <{SCHEMA}description> "Инсталира и поддържа сензорни мрежи."@bg .',
        f"{ACHIEVEMENT} <{OB}achievementType> <{OB}Certification> .",
        f"{ACHIEVEMENT} <{OB}criteria> _:b4 .",
        f"{ACHIEVEMENT} <{OB}creator> {ISSUER} .",
        f"{ACHIEVEMENT} <{OB}image> <https://badges.example/achievements/iot-2.png> .",
        f'{ACHIEVEMENT} <{OB}humanCode> "SC-IOT-2" .',
        f'{ACHIEVEMENT} <{OB}fieldOfStudy> "Internet of Things" .',
        f'_:b4 <{OB}narrative> "1. Install a gateway.\\n2. Calibrate three sensors.\\n'
        '3. Pass the \\"field\\" assessment." .',
        f"_:b4 <{OB}id> <https://badges.example/achievements/iot-technician-level-2/criteria> .",
    ]
    for number, (name, code) in enumerate(
        [("Sensor installation", "S3.1"), ("Network operation", "S3.4")],
        start=5,
    ):
        lines += [
            f"{ACHIEVEMENT} <{OB}alignment> _:b{number} .",
            f"_:b{number} {TYPE} <{OB}Alignment> .",
            f'_:b{number} <{OB}targetName> "{name}" .',
            f'_:b{number} <{OB}targetCode> "{code}" .',
            f'_:b{number} <{OB}targetFramework> "Smart City Competence Framework" .',
            f"_:b{number} <{OB}targetUrl> <https://framework.example/competences/{code}> .",
            f"_:b{number} <{OB}targetType> <{OB}ext:SmartCityCompetence> .",
        ]
    for number, title in enumerate(["Gateway install log", "Calibration report"], start=7):
        lines += [
            f"{CREDENTIAL} <{CRED}evidence> _:b{number} .",
            f"_:b{number} {TYPE} <{OB}Evidence> .",
            f'_:b{number} <{SCHEMA}name> "{title}" .',
            f"_:b{number} <{OB}url> <https://badges.example/evidence/{number}> .",
            f'_:b{number} <{OB}genre> "Report" .',
        ]
    return "\n".join(lines) + "\n"


def _rate(action: Callable[[], object], rounds: int = 7, seconds: float = 0.3) -> float:
    """The best of a few rounds: the machines are shared, and noise only ever slows things."""
    action()  # warm up
    best = 0.0
    for _ in range(rounds):
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            action()
            count += 1
        best = max(best, count / (time.perf_counter() - start))
    return best


def main() -> None:
    """Check the outputs agree, then measure and print."""
    text = _credential_nquads()
    quads = parse_nquads(text)
    options = {
        "algorithm": "URDNA2015",
        "inputFormat": "application/n-quads",
        "format": "application/n-quads",
    }
    ours = canonicalize(quads)
    theirs = jsonld.normalize(text, options)
    if ours != theirs:
        raise SystemExit("badges.rdf and pyld disagree on the canonical form")
    blank_nodes = {
        term
        for quad in quads
        for term in (quad.subject, quad.object)
        if isinstance(term, BlankNode)
    }
    print(f"graph: {len(quads)} quads, {len(blank_nodes)} blank nodes, one core")
    pyld = "pyld jsonld.normalize (N-Quads in and out)"
    rates = {
        "badges.rdf canonicalize (parsed quads)": _rate(lambda: canonicalize(quads)),
        "badges.rdf parse_nquads + canonicalize": _rate(lambda: canonicalize(parse_nquads(text))),
        pyld: _rate(lambda: jsonld.normalize(text, options)),
    }
    baseline = rates[pyld]
    for name, rate in rates.items():
        print(f"{name:46} {rate:10,.0f}/s {1e3 / rate:8.3f} ms {rate / baseline:7.1f}x pyld")


if __name__ == "__main__":
    main()
