"""The exact OB 3.0 JSON shape, pinned against the smart-city fixture, and reading it back."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from badges.errors import InvalidInput
from badges.ob3 import (
    AchievementCredential,
    AchievementSubject,
    BitstringStatusListEntry,
    CredentialFormatError,
    CredentialStatus,
    JsonObject,
    JsonValue,
    Profile,
    TermsOfUse,
    format_timestamp,
    from_json_ld,
    to_json_ld,
)
from tests.unit.ob3.builders import OB_EXTENSIONS, load_fixture, smart_city_credential

VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def _walk(value: JsonValue, path: str = "$") -> list[tuple[str, JsonValue]]:
    found: list[tuple[str, JsonValue]] = [(path, value)]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _walk(item, f"{path}[{index}]")
    return found


def test_smart_city_credential_serialises_exactly_to_the_fixture() -> None:
    document = to_json_ld(smart_city_credential())

    # Same keys, values *and* key order.
    assert json.dumps(document, ensure_ascii=False) == json.dumps(
        load_fixture("ob3-smart-city.json"), ensure_ascii=False
    )


def test_the_fixture_reads_back_into_the_same_credential() -> None:
    assert from_json_ld(load_fixture("ob3-smart-city.json")) == smart_city_credential()


def test_contexts_come_first_in_order_then_id_and_type() -> None:
    document = to_json_ld(smart_city_credential())

    assert list(document)[:3] == ["@context", "id", "type"]
    assert document["@context"] == [VC_V2, OB_303, OB_EXTENSIONS]
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]


def test_no_nulls_and_no_empty_arrays_anywhere() -> None:
    document = to_json_ld(smart_city_credential())

    for path, value in _walk(document):
        assert value is not None, path
        assert value != [], path


def test_single_iri_types_are_strings_and_other_types_are_arrays() -> None:
    document = to_json_ld(smart_city_credential())
    subject = document["credentialSubject"]
    assert isinstance(subject, dict)
    achievement = subject["achievement"]
    assert isinstance(achievement, dict)
    identifier = subject["identifier"]
    assert isinstance(identifier, list)
    image = achievement["image"]
    assert isinstance(image, dict)
    issuer = document["issuer"]
    assert isinstance(issuer, dict)

    first = identifier[0]
    assert isinstance(first, dict)
    assert first["type"] == "IdentityObject"
    assert image["type"] == "Image"
    assert issuer["type"] == ["Profile"]
    assert achievement["type"] == ["Achievement"]
    assert subject["type"] == ["AchievementSubject"]


def test_status_list_index_is_a_string() -> None:
    status = to_json_ld(smart_city_credential())["credentialStatus"]

    assert isinstance(status, dict)
    assert status["statusListIndex"] == "94567"


def test_timestamps_are_utc_with_z_and_whole_seconds() -> None:
    sofia = timezone(timedelta(hours=2))
    credential = replace(
        smart_city_credential(),
        valid_from=datetime(2026, 11, 20, 11, 30, 15, 999_999, tzinfo=sofia),
        valid_until=None,
        awarded_date=None,
    )

    document = to_json_ld(credential)

    assert document["validFrom"] == "2026-11-20T09:30:15Z"
    assert "validUntil" not in document
    assert "awardedDate" not in document
    assert format_timestamp(datetime(5, 1, 2, 3, 4, 5, tzinfo=UTC)) == "0005-01-02T03:04:05Z"


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2026, 11, 20, 9, 30)  # noqa: DTZ001 - the point of the test
    credential = smart_city_credential()

    with pytest.raises(ValueError, match="timezone-aware"):
        replace(credential, valid_from=naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        replace(credential, valid_until=naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        replace(credential.credential_subject, activity_start_date=naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        format_timestamp(naive)


def test_a_subject_without_id_or_identifier_cannot_be_issued() -> None:
    credential = smart_city_credential()
    anonymous = replace(credential.credential_subject, identifier=())

    with pytest.raises(ValueError, match="id or at least one identifier"):
        to_json_ld(replace(credential, credential_subject=anonymous))
    with_did = replace(anonymous, id="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")
    assert to_json_ld(replace(credential, credential_subject=with_did))["credentialSubject"]


def test_extension_types_need_the_extensions_context() -> None:
    with pytest.raises(ValueError, match=r"extensions\.json"):
        to_json_ld(replace(smart_city_credential(), contexts=()))


def test_to_json_ld_returns_a_fresh_document() -> None:
    proof: JsonObject = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}
    credential = replace(smart_city_credential(), proof=(proof,))

    document = to_json_ld(credential)
    proofs = document["proof"]
    assert isinstance(proofs, list)
    first = proofs[0]
    assert isinstance(first, dict)
    first["cryptosuite"] = "changed"

    assert credential.proof[0]["cryptosuite"] == "eddsa-rdfc-2022"


def test_opaque_parts_round_trip() -> None:
    credential = replace(
        smart_city_credential(),
        credential_status=CredentialStatus(
            id="https://example.org/revocations/1",
            type="1EdTechRevocationList",
            properties={"note": ["kept", {"as": "is"}]},
        ),
        terms_of_use=(TermsOfUse(type="TrustFrameworkPolicy", properties={"policy": "x"}),),
        proof=({"type": "DataIntegrityProof", "proofValue": "z3abc"},),
        endorsement=({"type": ["VerifiableCredential", "EndorsementCredential"]},),
        contexts=(OB_EXTENSIONS, {"@vocab": "https://example.org/terms#"}),
    )

    document = to_json_ld(credential)

    assert document["credentialStatus"] == {
        "id": "https://example.org/revocations/1",
        "type": "1EdTechRevocationList",
        "note": ["kept", {"as": "is"}],
    }
    assert from_json_ld(json.loads(json.dumps(document))) == credential


# ---------------------------------------------------------------- reading, tolerance


def _vcdm_1_1() -> JsonObject:
    document = load_fixture("ob3-smart-city.json")
    document["@context"] = [VC_V1, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"]
    document["issuanceDate"] = document.pop("validFrom")
    document["expirationDate"] = document.pop("validUntil")
    document["issuer"] = "did:web:badges.danube-university.example"
    del document["credentialSchema"]
    return document


def test_reads_a_vcdm_1_1_credential() -> None:
    credential = from_json_ld(_vcdm_1_1())

    assert credential.valid_from == datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    assert credential.valid_until == datetime(2029, 11, 20, 9, 30, tzinfo=UTC)
    assert credential.issuer == Profile(id="did:web:badges.danube-university.example")
    assert credential.contexts == ()


def test_a_vcdm_1_1_credential_is_rewritten_as_vcdm_2() -> None:
    legacy = _vcdm_1_1()
    legacy["issuer"] = {
        "id": "did:web:badges.danube-university.example",
        "type": "Profile",  # compacted, as VCDM 1.1 issuers often write it
        "name": "DUT",
    }
    document = to_json_ld(from_json_ld(legacy))

    assert document["@context"] == [VC_V2, OB_303]
    assert document["validFrom"] == "2026-11-20T09:30:00Z"
    assert "issuanceDate" not in document
    assert document["issuer"] == {
        "id": "did:web:badges.danube-university.example",
        "type": ["Profile"],
        "name": "DUT",
    }


def test_an_issuer_without_a_name_cannot_be_issued() -> None:
    # A bare issuer URI reads fine, but we never write an issuer displayers cannot name.
    credential = from_json_ld(_vcdm_1_1())

    with pytest.raises(ValueError, match="issuer needs a name"):
        to_json_ld(credential)


def test_vcdm_1_1_may_put_the_ob_context_after_other_contexts() -> None:
    document = _vcdm_1_1()
    document["@context"] = [VC_V1, "https://w3id.org/security/suites/ed25519-2020/v1", OB_303]

    credential = from_json_ld(document)

    assert credential.contexts == ("https://w3id.org/security/suites/ed25519-2020/v1",)


def test_reads_compacted_values_and_an_achievement_credential_type() -> None:
    document = load_fixture("ob3-smart-city.json")
    document["type"] = ["VerifiableCredential", "AchievementCredential"]
    subject = document["credentialSubject"]
    assert isinstance(subject, dict)
    subject["type"] = "AchievementSubject"
    document["credentialSchema"] = {"id": "https://example.org/s.json", "type": "JsonSchema"}
    document["evidence"] = {"id": "https://example.org/e", "type": "Evidence"}
    status = document["credentialStatus"]
    assert isinstance(status, dict)
    status["statusListIndex"] = 94567
    document["credentialStatus"] = [status]

    credential = from_json_ld(document)

    assert credential.type == ("VerifiableCredential", "AchievementCredential")
    assert credential.credential_subject.type == ("AchievementSubject",)
    assert len(credential.credential_schema) == 1
    assert len(credential.evidence) == 1
    assert isinstance(credential.credential_status, BitstringStatusListEntry)
    assert credential.credential_status.status_list_index == 94567


def test_fractional_seconds_and_offsets_are_normalised_on_reading() -> None:
    document = load_fixture("ob3-smart-city.json")
    document["validFrom"] = "2026-11-20T11:30:00.123456789+02:00"

    assert from_json_ld(document).valid_from == datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def test_nulls_are_read_as_absent() -> None:
    document = load_fixture("ob3-smart-city.json")
    document["validUntil"] = None
    document["evidence"] = None

    credential = from_json_ld(document)

    assert credential.valid_until is None
    assert credential.evidence == ()


def test_the_input_document_is_not_shared_with_the_model() -> None:
    document = load_fixture("ob3-smart-city.json")
    document["proof"] = [{"type": "DataIntegrityProof", "nested": {"a": [1]}}]
    credential = from_json_ld(document)
    original = copy.deepcopy(credential.proof)

    proofs = document["proof"]
    assert isinstance(proofs, list)
    proof = proofs[0]
    assert isinstance(proof, dict)
    nested = proof["nested"]
    assert isinstance(nested, dict)
    nested["a"] = [2]

    assert credential.proof == original


# ---------------------------------------------------------------- malformed documents


def _broken(path: list[str | int], value: object) -> JsonObject:
    """The fixture with the value at ``path`` replaced (or deleted, for ``MISSING``)."""
    document = load_fixture("ob3-smart-city.json")
    parent: Any = document  # walking untyped JSON
    for step in path[:-1]:
        parent = parent[step]
    if value is MISSING:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return document


MISSING = KeyError
CASES: list[tuple[list[str | int], object, str]] = [
    (["id"], MISSING, "$.id"),
    (["id"], 42, "$.id"),
    (["id"], "not a uri", "$.id"),
    (["type"], ["VerifiableCredential"], "$.type"),
    (["type"], ["OpenBadgeCredential"], "$.type"),
    (["type"], [], "$.type"),
    (["type"], [7], "$.type[0]"),
    (["@context"], MISSING, '$["@context"]'),
    (["@context"], [VC_V2], '$["@context"][1]'),
    (["@context", 0], "https://example.org/ctx", '$["@context"][0]'),
    (["@context", 1], "https://example.org/ctx", '$["@context"][1]'),
    (["@context", 2], 3, '$["@context"][2]'),
    (["validFrom"], MISSING, "$.validFrom"),
    (["validFrom"], "2026-11-20T09:30:00", "$.validFrom"),
    (["validFrom"], "2026-13-20T09:30:00Z", "$.validFrom"),
    (["validFrom"], "0001-01-01T00:00:00+01:00", "$.validFrom"),
    (["validFrom"], 1_700_000_000, "$.validFrom"),
    (["issuer"], MISSING, "$.issuer"),
    (["issuer"], ["did:web:x"], "$.issuer"),
    (["issuer", "type"], ["Organization"], "$.issuer.type"),
    (["issuer", "id"], "did web", "$.issuer.id"),
    (["issuer"], "not a uri", "$.issuer"),
    (["issuer", "image"], "https://example.org/logo.png", "$.issuer.image"),
    (["issuer", "image", "type"], "Picture", "$.issuer.image.type"),
    (
        ["issuer", "address", "geo"],
        {"type": "GeoCoordinates", "latitude": "42"},
        "$.issuer.address.geo.latitude",
    ),
    (["credentialSubject"], MISSING, "$.credentialSubject"),
    (["credentialSubject"], "did:example:123", "$.credentialSubject"),
    (["credentialSubject", "achievement"], MISSING, "$.credentialSubject.achievement"),
    (
        ["credentialSubject", "achievement", "criteria"],
        MISSING,
        "$.credentialSubject.achievement.criteria",
    ),
    (["credentialSubject", "achievement", "name"], None, "$.credentialSubject.achievement.name"),
    (
        ["credentialSubject", "achievement", "alignment", 1, "targetUrl"],
        MISSING,
        "$.credentialSubject.achievement.alignment[1].targetUrl",
    ),
    (
        ["credentialSubject", "achievement", "alignment", 2, "type"],
        ["Competency"],
        "$.credentialSubject.achievement.alignment[2].type",
    ),
    (
        ["credentialSubject", "achievement", "creditsAvailable"],
        True,
        "$.credentialSubject.achievement.creditsAvailable",
    ),
    (
        ["credentialSubject", "achievement", "creditsAvailable"],
        10**400,
        "$.credentialSubject.achievement.creditsAvailable",
    ),
    (
        ["credentialSubject", "identifier", 0, "hashed"],
        "true",
        "$.credentialSubject.identifier[0].hashed",
    ),
    (
        ["credentialSubject", "identifier", 0, "type"],
        "Identity",
        "$.credentialSubject.identifier[0].type",
    ),
    (["credentialSubject", "identifier", 0], [], "$.credentialSubject.identifier[0]"),
    (["evidence", 2], "https://example.org/e", "$.evidence[2]"),
    (["evidence", 1, "name"], {"en": "x"}, "$.evidence[1].name"),
    (["credentialStatus", "statusListIndex"], "-1", "$.credentialStatus.statusListIndex"),
    (["credentialStatus", "statusListIndex"], "12a", "$.credentialStatus.statusListIndex"),
    (["credentialStatus", "statusListIndex"], 1.5, "$.credentialStatus.statusListIndex"),
    (["credentialStatus", "statusListIndex"], "9" * 21, "$.credentialStatus.statusListIndex"),
    (["credentialStatus", "statusListIndex"], "9" * 5000, "$.credentialStatus.statusListIndex"),
    (["credentialStatus", "statusSize"], 0, "$.credentialStatus"),
    (
        ["credentialStatus", "statusListCredential"],
        MISSING,
        "$.credentialStatus.statusListCredential",
    ),
    (["credentialStatus"], [{"type": "A"}, {"type": "B"}], "$.credentialStatus"),
    (["credentialSchema", 0, "type"], MISSING, "$.credentialSchema[0].type"),
    (["proof"], [{"a": float("nan")}], "$.proof[0].a"),
    (["proof"], [{"a": {1, 2}}], "$.proof[0].a"),
    (["proof"], ["not an object"], "$.proof[0]"),
    (["proof"], [{1: "x"}], "$.proof[0]"),
    (["issuer", "dateOfBirth"], "17.05.1990", "$.issuer.dateOfBirth"),
    (["issuer", "dateOfBirth"], "1990-02-30", "$.issuer.dateOfBirth"),
    (["refreshService"], [], "$.refreshService"),
    (["refreshService"], [{"id": "https://example.org/r"}], "$.refreshService[0].type"),
    (["credentialSubject"], [], "$.credentialSubject"),
    (["credentialSubject"], [{"type": "AchievementSubject"}], "$.credentialSubject[0].achievement"),
]


@pytest.mark.parametrize(("path", "value", "where"), CASES)
def test_malformed_documents_raise_a_format_error_naming_the_path(
    path: list[str | int], value: object, where: str
) -> None:
    with pytest.raises(CredentialFormatError) as caught:
        from_json_ld(_broken(path, value))

    assert caught.value.path == where
    assert caught.value.field == where
    assert isinstance(caught.value, InvalidInput)
    assert caught.value.code == "credential_format"
    assert where in caught.value.message


@pytest.mark.parametrize("document", [None, [], "credential", 3, {"@context": {}}])
def test_documents_that_are_not_credentials_at_all(document: object) -> None:
    with pytest.raises(CredentialFormatError):
        from_json_ld(document)


def test_deeply_nested_opaque_json_is_refused_not_recursed() -> None:
    deep: JsonValue = "bottom"
    for _ in range(100_000):
        deep = [deep]

    with pytest.raises(CredentialFormatError, match="nested too deeply"):
        from_json_ld(_broken(["proof"], [{"x": deep}]))


def test_deeply_nested_parent_organisations_are_refused() -> None:
    profile: JsonObject = {"id": "did:web:root", "type": ["Profile"]}
    for level in range(10_000):
        profile = {"id": f"did:web:p{level}", "type": ["Profile"], "parentOrg": profile}

    with pytest.raises(CredentialFormatError, match="parentOrg nested too deeply"):
        from_json_ld(_broken(["issuer"], profile))


def test_one_item_arrays_are_read_for_single_objects() -> None:
    document = load_fixture("ob3-smart-city.json")
    document["refreshService"] = [
        {"id": "https://example.org/refresh", "type": "1EdTechCredentialRefresh"}
    ]
    document["credentialSubject"] = [document["credentialSubject"]]

    credential = from_json_ld(document)

    assert credential.refresh_service is not None
    assert credential.credential_subject == smart_city_credential().credential_subject


def test_status_entry_indexes_are_bounded() -> None:
    with pytest.raises(ValueError, match="statusListIndex"):
        BitstringStatusListEntry(
            status_purpose="revocation",
            status_list_index=-1,
            status_list_credential="https://example.org/status/1",
        )


def test_a_status_entry_must_not_point_at_its_own_list() -> None:
    with pytest.raises(ValueError, match="status list URL"):
        BitstringStatusListEntry(
            id="https://example.org/status/1",
            status_purpose="revocation",
            status_list_index=1,
            status_list_credential="https://example.org/status/1",
        )


def test_model_invariants_hold_on_construction() -> None:
    credential = smart_city_credential()
    with pytest.raises(ValueError, match="OpenBadgeCredential"):
        replace(credential, type=("VerifiableCredential",))
    with pytest.raises(ValueError, match="absolute URI"):
        replace(credential, id="6938082f")
    with pytest.raises(ValueError, match="AchievementSubject"):
        AchievementSubject(type=("Person",), achievement=credential.credential_subject.achievement)
    with pytest.raises(ValueError, match="repeat id or type"):
        TermsOfUse(type="X", properties={"type": "Y"})
    with pytest.raises(ValueError, match="repeat id or type"):
        CredentialStatus(type="X", properties={"id": "Y"})
    assert isinstance(credential, AchievementCredential)
