"""The smart-city credential of ``tests/fixtures/credentials/ob3-smart-city.json``, built in code.

The ESCO skill labels are ESCO preferred labels; the UUIDs in their URIs are illustrative only.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from badges.ob3 import (
    Achievement,
    AchievementCredential,
    AchievementSubject,
    Address,
    Alignment,
    BitstringStatusListEntry,
    CredentialSchema,
    Criteria,
    Evidence,
    Image,
    JsonObject,
    Profile,
    Result,
    ResultDescription,
    hashed_email,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "credentials"
OB_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
OB_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
SALT = bytes.fromhex("3f9a1c0e7b5d2a4c8e6f0b1d3a5c7e9f")
RECIPIENT = " Maria.Petrova@Example.org "
BASE = "https://badges.danube-university.example"
ACHIEVEMENT = f"{BASE}/achievements/smart-city-project-manager/unit-2"
UNIT_NAME = "Smart City Project Manager — Unit 2: Stakeholder engagement"


def load_fixture(name: str) -> JsonObject:
    data: JsonObject = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return data


def fixed_salt(size: int) -> bytes:
    assert size == len(SALT)
    return SALT


def esco(name: str, uuid: str, description: str) -> Alignment:
    return Alignment(
        target_name=name,
        target_url=f"http://data.europa.eu/esco/skill/{uuid}",
        target_description=description,
        target_framework="ESCO",
        target_type="ext:ESCOSkill",
    )


def evidence(uuid: str, texts: tuple[str, str, str, str, str]) -> Evidence:
    name, narrative, description, genre, audience = texts
    return Evidence(
        id=f"{BASE}/evidence/{uuid}",
        name=name,
        narrative=narrative,
        description=description,
        genre=genre,
        audience=audience,
    )


CRITERIA = (
    "The participant:\n\n"
    "1. maps the stakeholders of a municipal smart-city project (residents, utilities, operators, "
    "regulators);\n"
    "2. writes an engagement plan with a communication matrix;\n"
    "3. runs a public consultation and reports how its outcome changed the project.\n\n"
    "Each step is assessed by an expert against the unit rubric."
)


def smart_city_credential() -> AchievementCredential:
    university = Profile(
        id="did:web:badges.danube-university.example",
        name="Danube University of Technology",
        url="https://www.danube-university.example",
        description="Public technical university; issuer of the Smart City validation paths.",
        image=Image(
            id=f"{BASE}/static/seal.png", caption="Seal of the Danube University of Technology"
        ),
        email="credentials@danube-university.example",
        address=Address(
            address_country="Bulgaria",
            address_country_code="BG",
            address_locality="Sofia",
            street_address="8 Kliment Ohridski Blvd",
            postal_code="1756",
        ),
    )
    achievement = Achievement(
        id=ACHIEVEMENT,
        name=UNIT_NAME,
        description=(
            "Maps the stakeholders of a smart-city project, plans their engagement and runs a "
            "public consultation."
        ),
        criteria=Criteria(id=f"{ACHIEVEMENT}/criteria", narrative=CRITERIA),
        achievement_type="Badge",
        image=Image(id=f"{ACHIEVEMENT}/image.png", caption="Smart City Project Manager, Unit 2"),
        alignment=(
            esco(
                "liaise with local authorities",
                "947f059a-7628-4e11-bb33-1494fd65d17b",
                "Maintain the liaison and exchange of information with regional or local "
                "authorities.",
            ),
            esco(
                "build business relationships",
                "9724bd4c-d56e-4671-a92f-bf8f1ffe19e1",
                "Establish a positive, long-term relationship between organisations and "
                "interested third parties.",
            ),
            esco(
                "negotiate with stakeholders",
                "6f64d6a5-3d61-41b1-9d3a-c0cc47ce052e",
                "Negotiate compromises with stakeholders and strive to reach the most beneficial "
                "agreements.",
            ),
        ),
        result_description=(
            ResultDescription(id=f"{ACHIEVEMENT}#status", name="Unit status", result_type="Status"),
        ),
        creator=Profile(
            id=f"{BASE}/profiles/faculty-of-urban-planning", name="Faculty of Urban Planning"
        ),
        in_language="en",
        tag=("smart city", "stakeholder engagement"),
        version="2026.1",
    )
    subject = AchievementSubject(
        identifier=(hashed_email(RECIPIENT, salt_source=fixed_salt),),
        achievement=achievement,
        result=(Result(result_description=f"{ACHIEVEMENT}#status", status="Completed"),),
        activity_start_date=datetime(2026, 9, 1, 8, 0, tzinfo=UTC),
        activity_end_date=datetime(2026, 11, 15, 17, 0, tzinfo=UTC),
    )
    return AchievementCredential(
        id="urn:uuid:6938082f-1698-4071-afd1-307c4e69ff5f",
        name=UNIT_NAME,
        description=(
            "Awarded for completing Unit 2 of the Smart City Project Manager validation path."
        ),
        issuer=university,
        valid_from=datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
        valid_until=datetime(2029, 11, 20, 9, 30, tzinfo=UTC),
        awarded_date=datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
        credential_subject=subject,
        evidence=(
            evidence(
                "28915e0b-93a9-40fe-8cd5-4767a44763da",
                (
                    "Stakeholder map",
                    "Power/interest grid of 23 stakeholders of the district-heating metering "
                    "pilot.",
                    "Stakeholder register and map for the Lozenets district smart-metering pilot.",
                    "Stakeholder analysis",
                    "Project board",
                ),
            ),
            evidence(
                "3b5d3577-a534-4501-b32e-5fec166400d7",
                (
                    "Engagement plan",
                    "Engagement plan with a communication matrix, approved by the project sponsor.",
                    "Twelve-month engagement plan covering residents, the utility and the "
                    "municipality.",
                    "Plan",
                    "Project sponsor",
                ),
            ),
            evidence(
                "f6b3a8cd-6648-4df0-8095-28b552db10a5",
                (
                    "Public consultation report",
                    "Report on two public hearings and an online survey (412 replies), with the "
                    "changes they led to.",
                    "Consultation report submitted to the district administration.",
                    "Report",
                    "Residents and the district administration",
                ),
            ),
        ),
        credential_schema=(CredentialSchema(id=OB_SCHEMA, type="1EdTechJsonSchemaValidator2019"),),
        credential_status=BitstringStatusListEntry(
            id=f"{BASE}/status/1#94567",
            status_purpose="revocation",
            status_list_index=94567,
            status_list_credential=f"{BASE}/status/1",
        ),
        contexts=(OB_EXTENSIONS,),
    )
