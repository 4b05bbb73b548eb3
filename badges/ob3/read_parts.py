"""Readers for the parts of an OB 3.0 credential: profiles, achievements, subjects, status.

Each takes a JSON value and its JSONPath and returns a model object (see :mod:`badges.ob3.reader`).
"""

from __future__ import annotations

import re

from badges.ob3.json_node import (
    CredentialFormatError,
    Node,
    building,
    child,
    json_object,
)
from badges.ob3.model import (
    Achievement,
    AchievementSubject,
    Address,
    Alignment,
    BitstringStatusListEntry,
    CredentialSchema,
    CredentialStatus,
    Criteria,
    Evidence,
    GeoCoordinates,
    IdentifierEntry,
    IdentityObject,
    Image,
    Profile,
    RefreshService,
    Related,
    Result,
    ResultDescription,
    RubricCriterionLevel,
    TermsOfUse,
)

#: ``parentOrg`` chains longer than this are refused.
MAX_PROFILE_DEPTH = 8
_INDEX = re.compile(r"[0-9]+")


def read_image(value: object, path: str) -> Image:
    """An ``Image`` (id and caption)."""
    node = Node(value, path)
    node.fixed_type(Image.TYPE)
    return Image(id=node.text("id"), caption=node.opt_text("caption"))


def _geo(value: object, path: str) -> GeoCoordinates:
    node = Node(value, path)
    node.fixed_type(GeoCoordinates.TYPE)
    with building(path):
        return GeoCoordinates(latitude=node.number("latitude"), longitude=node.number("longitude"))


def _address(value: object, path: str) -> Address:
    node = Node(value, path)
    with building(path):
        return Address(
            type=node.types("Address"),
            address_country=node.opt_text("addressCountry"),
            address_country_code=node.opt_text("addressCountryCode"),
            address_region=node.opt_text("addressRegion"),
            address_locality=node.opt_text("addressLocality"),
            street_address=node.opt_text("streetAddress"),
            post_office_box_number=node.opt_text("postOfficeBoxNumber"),
            postal_code=node.opt_text("postalCode"),
            geo=node.opt("geo", _geo),
        )


def _identifier_entry(value: object, path: str) -> IdentifierEntry:
    node = Node(value, path)
    node.fixed_type(IdentifierEntry.TYPE)
    return IdentifierEntry(
        identifier=node.text("identifier"), identifier_type=node.text("identifierType")
    )


def read_issuer(value: object, path: str) -> Profile:
    """The credential's issuer: a ``Profile``, or a bare URI tolerated from VCDM 1.1."""
    """``issuer`` is a ProfileRef: a Profile object, or (VCDM 1.1 style) a bare URI."""
    if value is None:
        raise CredentialFormatError(path, "is required")
    if isinstance(value, str):
        with building(path):
            return Profile(id=value)
    return _profile(value, path)


def _profile(value: object, path: str, depth: int = 0) -> Profile:
    if depth > MAX_PROFILE_DEPTH:
        raise CredentialFormatError(path, "parentOrg nested too deeply")
    node = Node(value, path)
    parent = node.get("parentOrg")
    with building(path):
        return Profile(
            id=node.uri("id"),
            type=node.types("Profile"),
            name=node.opt_text("name"),
            url=node.opt_text("url"),
            phone=node.opt_text("phone"),
            description=node.opt_text("description"),
            image=node.opt("image", read_image),
            email=node.opt_text("email"),
            address=node.opt("address", _address),
            other_identifier=node.many("otherIdentifier", _identifier_entry),
            official=node.opt_text("official"),
            parent_org=None
            if parent is None
            else _profile(parent, node.at("parentOrg"), depth + 1),
            family_name=node.opt_text("familyName"),
            given_name=node.opt_text("givenName"),
            additional_name=node.opt_text("additionalName"),
            patronymic_name=node.opt_text("patronymicName"),
            honorific_prefix=node.opt_text("honorificPrefix"),
            honorific_suffix=node.opt_text("honorificSuffix"),
            family_name_prefix=node.opt_text("familyNamePrefix"),
            date_of_birth=node.opt_date("dateOfBirth"),
            endorsement=node.many("endorsement", json_object),
            endorsement_jwt=node.texts("endorsementJwt"),
        )


def _plain_profile(value: object, path: str) -> Profile:
    return _profile(value, path)


def _alignment(value: object, path: str) -> Alignment:
    node = Node(value, path)
    with building(path):
        return Alignment(
            type=node.types("Alignment"),
            target_name=node.text("targetName"),
            target_url=node.text("targetUrl"),
            target_description=node.opt_text("targetDescription"),
            target_framework=node.opt_text("targetFramework"),
            target_code=node.opt_text("targetCode"),
            target_type=node.opt_text("targetType"),
        )


def _criteria(value: object, path: str) -> Criteria:
    node = Node(value, path)
    return Criteria(id=node.opt_text("id"), narrative=node.opt_text("narrative"))


def _rubric_level(value: object, path: str) -> RubricCriterionLevel:
    node = Node(value, path)
    with building(path):
        return RubricCriterionLevel(
            id=node.text("id"),
            type=node.types("RubricCriterionLevel"),
            name=node.text("name"),
            description=node.opt_text("description"),
            level=node.opt_text("level"),
            points=node.opt_text("points"),
            alignment=node.many("alignment", _alignment),
        )


def _result_description(value: object, path: str) -> ResultDescription:
    node = Node(value, path)
    with building(path):
        return ResultDescription(
            id=node.text("id"),
            type=node.types("ResultDescription"),
            name=node.text("name"),
            result_type=node.text("resultType"),
            allowed_value=node.texts("allowedValue"),
            required_level=node.opt_text("requiredLevel"),
            required_value=node.opt_text("requiredValue"),
            rubric_criterion_level=node.many("rubricCriterionLevel", _rubric_level),
            value_min=node.opt_text("valueMin"),
            value_max=node.opt_text("valueMax"),
            alignment=node.many("alignment", _alignment),
        )


def _result(value: object, path: str) -> Result:
    node = Node(value, path)
    with building(path):
        return Result(
            type=node.types("Result"),
            result_description=node.opt_text("resultDescription"),
            achieved_level=node.opt_text("achievedLevel"),
            status=node.opt_text("status"),
            value=node.opt_text("value"),
            alignment=node.many("alignment", _alignment),
        )


def _related(value: object, path: str) -> Related:
    node = Node(value, path)
    with building(path):
        return Related(
            id=node.text("id"),
            type=node.types("Related"),
            in_language=node.opt_text("inLanguage"),
            version=node.opt_text("version"),
        )


def _achievement(value: object, path: str) -> Achievement:
    node = Node(value, path)
    with building(path):
        return Achievement(
            id=node.uri("id"),
            type=node.types("Achievement"),
            name=node.text("name"),
            description=node.text("description"),
            criteria=_criteria(node.required("criteria"), node.at("criteria")),
            achievement_type=node.opt_text("achievementType"),
            image=node.opt("image", read_image),
            alignment=node.many("alignment", _alignment),
            result_description=node.many("resultDescription", _result_description),
            creator=node.opt("creator", _plain_profile),
            credits_available=node.opt_number("creditsAvailable"),
            field_of_study=node.opt_text("fieldOfStudy"),
            human_code=node.opt_text("humanCode"),
            in_language=node.opt_text("inLanguage"),
            other_identifier=node.many("otherIdentifier", _identifier_entry),
            related=node.many("related", _related),
            specialization=node.opt_text("specialization"),
            tag=node.texts("tag"),
            version=node.opt_text("version"),
            endorsement=node.many("endorsement", json_object),
            endorsement_jwt=node.texts("endorsementJwt"),
        )


def _identity_object(value: object, path: str) -> IdentityObject:
    node = Node(value, path)
    node.fixed_type(IdentityObject.TYPE)
    return IdentityObject(
        identity_hash=node.text("identityHash"),
        identity_type=node.text("identityType"),
        hashed=node.flag("hashed"),
        salt=node.opt_text("salt"),
    )


def read_subject(value: object, path: str) -> AchievementSubject:
    """The ``AchievementSubject`` (a one-item array is tolerated)."""
    if isinstance(value, list) and len(value) == 1:
        value, path = value[0], child(path, 0)
    if value is None:
        raise CredentialFormatError(path, "is required")
    node = Node(value, path)
    with building(path):
        return AchievementSubject(
            id=node.opt_text("id"),
            type=node.types("AchievementSubject"),
            identifier=node.many("identifier", _identity_object),
            achievement=_achievement(node.required("achievement"), node.at("achievement")),
            result=node.many("result", _result),
            activity_start_date=node.opt_timestamp("activityStartDate"),
            activity_end_date=node.opt_timestamp("activityEndDate"),
            credits_earned=node.opt_number("creditsEarned"),
            image=node.opt("image", read_image),
            license_number=node.opt_text("licenseNumber"),
            narrative=node.opt_text("narrative"),
            role=node.opt_text("role"),
            source=node.opt("source", _plain_profile),
            term=node.opt_text("term"),
        )


def read_evidence(value: object, path: str) -> Evidence:
    """One ``Evidence`` entry."""
    node = Node(value, path)
    with building(path):
        return Evidence(
            id=node.opt_text("id"),
            type=node.types("Evidence"),
            name=node.opt_text("name"),
            narrative=node.opt_text("narrative"),
            description=node.opt_text("description"),
            genre=node.opt_text("genre"),
            audience=node.opt_text("audience"),
        )


def read_credential_schema(value: object, path: str) -> CredentialSchema:
    """One ``credentialSchema`` entry."""
    node = Node(value, path)
    return CredentialSchema(id=node.text("id"), type=node.text("type"))


def read_refresh_service(value: object, path: str) -> RefreshService:
    """The ``refreshService``."""
    node = Node(value, path)
    return RefreshService(id=node.text("id"), type=node.text("type"))


def read_terms_of_use(value: object, path: str) -> TermsOfUse:
    """One ``termsOfUse`` entry, keeping its other properties."""
    node = Node(value, path)
    properties = json_object(value, path)
    return TermsOfUse(
        id=node.opt_text("id"),
        type=node.text("type"),
        properties={k: v for k, v in properties.items() if k not in {"id", "type"}},
    )


def read_status(value: object, path: str) -> BitstringStatusListEntry | CredentialStatus | None:
    """``credentialStatus``: a Bitstring Status List entry, another status type, or None."""
    """``credentialStatus``: one object (the OB schema), or a one-item array (VCDM 2.0)."""
    if isinstance(value, list):
        if len(value) != 1:
            raise CredentialFormatError(path, "expected one status entry")
        value, path = value[0], child(path, 0)
    if value is None:
        return None
    node = Node(value, path)
    status_type = node.text("type")
    if status_type != BitstringStatusListEntry.TYPE:
        properties = json_object(value, path)
        return CredentialStatus(
            id=node.opt_text("id"),
            type=status_type,
            properties={k: v for k, v in properties.items() if k not in {"id", "type"}},
        )
    size = node.get("statusSize")
    with building(path):
        return BitstringStatusListEntry(
            id=node.opt_text("id"),
            status_purpose=node.text("statusPurpose"),
            status_list_index=_index(node.required("statusListIndex"), node.at("statusListIndex")),
            status_list_credential=node.text("statusListCredential"),
            status_size=None if size is None else _index(size, node.at("statusSize")),
        )


def _index(value: object, path: str) -> int:
    """A non-negative integer written as a base-10 string (or, tolerated, as a JSON integer)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and _INDEX.fullmatch(value) and len(value) <= 20:
        return int(value)
    raise CredentialFormatError(path, "expected a non-negative integer as a base-10 string")
