"""badges.ob3.schema: every issue at once, never an exception for bad data, never the network."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from badges.ob3.schema import (
    ACHIEVEMENT_CREDENTIAL,
    ANY_ACHIEVEMENT_CREDENTIAL,
    ANY_ENDORSEMENT_CREDENTIAL,
    ENDORSEMENT_CREDENTIAL,
    CredentialSchemas,
    SchemaIssue,
    SchemaUnavailable,
    schema_name_for,
    validate_credential,
)

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "credentials" / "ob3-minimal.json"
OFFICIAL = CredentialSchemas.bundled()
needs_official_schemas = pytest.mark.skipif(
    ACHIEVEMENT_CREDENTIAL not in OFFICIAL.names,
    reason="the official OB 3.0 JSON Schemas are not bundled: no registry package ships them"
    " (badges/ob3/schemas/SOURCES.md)",
)


@pytest.fixture
def credential() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return document


# ------------------------------------------------------------------ the official schemas


@needs_official_schemas
def test_the_minimal_credential_has_no_issues(credential: dict[str, Any]) -> None:
    assert validate_credential(credential, schemas=OFFICIAL) == []


@needs_official_schemas
def test_a_broken_credential_reports_every_issue(credential: dict[str, Any]) -> None:
    del credential["validFrom"]
    credential["credentialSubject"]["identifier"][0]["identityType"] = "email"
    del credential["credentialSubject"]["achievement"]["criteria"]
    credential["credentialSubject"]["achievement"]["image"]["extra"] = "not allowed"
    issues = validate_credential(credential, schemas=OFFICIAL)
    paths = {issue.path for issue in issues}
    assert len(issues) >= 4, issues
    assert "$" in paths
    assert any(path.startswith("$.credentialSubject") for path in paths)


# ------------------------------------------------------------------ the machinery
# A small schema pair, written for these tests only (not the official schemas): the credential
# schema refers to the subject schema by $id, as the official ones refer to their $defs.

SUBJECT_ID = "https://schemas.test/subject.json"
TEST_SCHEMAS: dict[str, dict[str, Any]] = {
    ACHIEVEMENT_CREDENTIAL: {
        "$schema": "https://json-schema.org/draft/2019-09/schema#",
        "$id": "https://schemas.test/credential.json",
        "type": "object",
        "required": ["@context", "id", "type", "issuer", "validFrom", "credentialSubject"],
        "properties": {
            "@context": {
                "type": "array",
                "items": [{"const": "https://www.w3.org/ns/credentials/v2"}],
                "additionalItems": {"type": "string"},
            },
            "id": {"type": "string"},
            "type": {"type": "array", "contains": {"const": "OpenBadgeCredential"}},
            "credentialSubject": {"$ref": SUBJECT_ID},
        },
    },
    "subject.json": {
        "$schema": "https://json-schema.org/draft/2019-09/schema#",
        "$id": SUBJECT_ID,
        "type": "object",
        "required": ["achievement"],
        "properties": {"achievement": {"type": "object", "required": ["name", "criteria"]}},
    },
}


@pytest.fixture
def schemas() -> CredentialSchemas:
    return CredentialSchemas(TEST_SCHEMAS)


def test_valid_document_has_no_issues(
    credential: dict[str, Any], schemas: CredentialSchemas
) -> None:
    assert validate_credential(credential, schemas=schemas) == []


def test_every_issue_is_reported_with_its_path(
    credential: dict[str, Any], schemas: CredentialSchemas
) -> None:
    broken = copy.deepcopy(credential)
    del broken["validFrom"]
    broken["@context"] = ["https://www.w3.org/2018/credentials/v2", 7]
    del broken["credentialSubject"]["achievement"]["criteria"]
    issues = validate_credential(broken, schemas=schemas)
    assert issues == [
        SchemaIssue("$", "'validFrom' is a required property", "required"),
        SchemaIssue(
            "$.credentialSubject.achievement", "'criteria' is a required property", "required"
        ),
        SchemaIssue(
            '$["@context"][0]', "'https://www.w3.org/ns/credentials/v2' was expected", "const"
        ),
        SchemaIssue('$["@context"][1]', "7 is not of type 'string'", "type"),
    ]


@pytest.mark.parametrize("document", [None, 42, "text", [], {"type": 5}])
def test_any_json_value_gives_issues_not_exceptions(
    document: Any, schemas: CredentialSchemas
) -> None:
    issues = validate_credential(document, schemas=schemas)
    assert issues
    assert all(isinstance(issue, SchemaIssue) for issue in issues)


def test_a_missing_schema_is_a_configuration_error(credential: dict[str, Any]) -> None:
    with pytest.raises(SchemaUnavailable) as caught:
        validate_credential(credential, schemas=CredentialSchemas({}))
    assert caught.value.name == ACHIEVEMENT_CREDENTIAL


def test_a_reference_outside_the_bundle_is_never_fetched(credential: dict[str, Any]) -> None:
    only_credential = {ACHIEVEMENT_CREDENTIAL: TEST_SCHEMAS[ACHIEVEMENT_CREDENTIAL]}
    with pytest.raises(SchemaUnavailable) as caught:
        validate_credential(credential, schemas=CredentialSchemas(only_credential))
    assert SUBJECT_ID in caught.value.name


@pytest.mark.parametrize(
    ("document", "name"),
    [
        ({"type": ["VerifiableCredential", "OpenBadgeCredential"]}, ACHIEVEMENT_CREDENTIAL),
        ({"type": ["VerifiableCredential", "EndorsementCredential"]}, ENDORSEMENT_CREDENTIAL),
        (
            {"@context": ["https://www.w3.org/2018/credentials/v1"], "type": "X"},
            ANY_ACHIEVEMENT_CREDENTIAL,
        ),
        (
            {
                "@context": ["https://www.w3.org/2018/credentials/v1"],
                "type": ["EndorsementCredential"],
            },
            ANY_ENDORSEMENT_CREDENTIAL,
        ),
        ("not an object", ACHIEVEMENT_CREDENTIAL),
    ],
)
def test_the_schema_follows_the_kind_of_credential(document: Any, name: str) -> None:
    assert schema_name_for(document) == name
