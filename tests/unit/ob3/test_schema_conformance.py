"""Credentials built by the model pass the official OB 3.0 JSON Schema (badges.ob3.schema).

Skipped, like ``test_schema.py``, while the official schemas are not bundled.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from badges.ob3 import AchievementSubject, from_json_ld, to_json_ld
from badges.ob3.schema import ACHIEVEMENT_CREDENTIAL, CredentialSchemas, validate_credential
from tests.unit.ob3.builders import smart_city_credential

OFFICIAL = CredentialSchemas.bundled()
pytestmark = pytest.mark.skipif(
    ACHIEVEMENT_CREDENTIAL not in OFFICIAL.names,
    reason="the official OB 3.0 JSON Schemas are not bundled: no registry package ships them"
    " (badges/ob3/schemas/SOURCES.md)",
)


def test_the_smart_city_credential_has_no_schema_issues() -> None:
    assert validate_credential(to_json_ld(smart_city_credential()), schemas=OFFICIAL) == []


def test_a_minimal_credential_has_no_schema_issues() -> None:
    full = smart_city_credential()
    achievement = replace(
        full.credential_subject.achievement,
        image=None,
        alignment=(),
        result_description=(),
        creator=None,
        tag=(),
        version=None,
        in_language=None,
    )
    credential = replace(
        full,
        name=None,
        description=None,
        valid_until=None,
        awarded_date=None,
        evidence=(),
        credential_schema=(),
        credential_status=None,
        contexts=(),
        issuer=replace(full.issuer, address=None, image=None, email=None, description=None),
        credential_subject=AchievementSubject(
            id="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
            achievement=achievement,
        ),
    )

    assert validate_credential(to_json_ld(credential), schemas=OFFICIAL) == []


def test_a_credential_read_from_vcdm_1_1_is_rewritten_schema_valid() -> None:
    document = to_json_ld(smart_city_credential())
    document["@context"] = [
        "https://www.w3.org/2018/credentials/v1",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
    ]
    document["issuanceDate"] = document.pop("validFrom")

    assert validate_credential(to_json_ld(from_json_ld(document)), schemas=OFFICIAL) == []
