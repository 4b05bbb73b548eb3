"""Read an OB 3.0 credential from JSON into the model, naming the JSON path of any problem.

Reads VCDM 2.0 credentials and tolerates VCDM 1.1 ones (``reference/ob3-spec.md`` §1.1):
``issuanceDate`` becomes ``validFrom``, ``expirationDate`` becomes ``validUntil``, the VC v1 context
is accepted in first place, and an issuer given as a bare URI becomes a Profile with only an
``id``. Compacted values (one item where an array is expected, a single ``type`` string) are
accepted everywhere. Older OB contexts are accepted and normalised to 3.0.3 on writing.

Malformed input raises :class:`CredentialFormatError` and nothing else: not ``KeyError``,
``TypeError`` or ``RecursionError``, whatever the document holds.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from typing import TypeVar

from badges.errors import N_, InvalidInput
from badges.ob3.model import (
    Achievement,
    AchievementCredential,
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
from badges.ob3.values import (
    OB_V3_CONTEXTS,
    VC_V1_CONTEXT,
    VC_V2_CONTEXT,
    JsonObject,
    JsonValue,
    require_uri,
    utc_timestamp,
)

T = TypeVar("T")

#: Opaque JSON (proofs, endorsements) nested deeper than this is refused, not recursed into.
MAX_JSON_DEPTH = 64
#: ``parentOrg`` chains longer than this are refused.
MAX_PROFILE_DEPTH = 8
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DATE_TIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})"
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INDEX = re.compile(r"[0-9]+")


class CredentialFormatError(InvalidInput):
    """The document is not a well-formed OB 3.0 credential; ``path`` says where (JSONPath)."""

    code = "credential_format"

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(
            N_("Malformed credential at %(path)s: %(problem)s"),
            params={"path": path, "problem": problem},
            field=path,
        )
        self.path = path
        self.problem = problem


def from_json_ld(document: object) -> AchievementCredential:
    """Read an OB 3.0 AchievementCredential (VCDM 2.0, or VCDM 1.1 tolerated).

    Args:
        document: The parsed JSON, as from :func:`json.loads`.

    Raises:
        CredentialFormatError: the document is malformed; ``path`` names the offending value.
    """
    node = _Node(document, "$")
    version, extras = _contexts(node)
    if version == 1:
        valid_from_key = "issuanceDate" if "issuanceDate" in node.data else "validFrom"
        valid_until_key = "expirationDate" if "expirationDate" in node.data else "validUntil"
    else:
        valid_from_key, valid_until_key = "validFrom", "validUntil"
    types = node.types("VerifiableCredential")
    if "OpenBadgeCredential" not in types and "AchievementCredential" not in types:
        raise CredentialFormatError(
            node.at("type"), "must include 'OpenBadgeCredential' or 'AchievementCredential'"
        )
    status_value = node.get("credentialStatus")
    with _building(node.path):
        return AchievementCredential(
            id=node.uri("id"),
            type=types,
            name=node.opt_text("name"),
            description=node.opt_text("description"),
            image=node.opt("image", _image),
            issuer=_issuer(node.get("issuer"), node.at("issuer")),
            valid_from=node.timestamp(valid_from_key),
            valid_until=node.opt_timestamp(valid_until_key),
            awarded_date=node.opt_timestamp("awardedDate"),
            credential_subject=_subject(
                node.get("credentialSubject"), node.at("credentialSubject")
            ),
            evidence=node.many("evidence", _evidence),
            credential_schema=node.many("credentialSchema", _credential_schema),
            credential_status=_status(status_value, node.at("credentialStatus")),
            refresh_service=node.opt("refreshService", _refresh_service, single=True),
            terms_of_use=node.many("termsOfUse", _terms_of_use),
            endorsement=node.many("endorsement", _json_object),
            endorsement_jwt=node.texts("endorsementJwt"),
            proof=node.many("proof", _json_object),
            contexts=extras,
        )


class _Node:
    """One JSON object being read, and its path."""

    def __init__(self, value: object, path: str) -> None:
        if not isinstance(value, Mapping):
            raise CredentialFormatError(path, "expected a JSON object")
        self.data: Mapping[object, object] = value
        self.path = path

    def at(self, key: str) -> str:
        return _child(self.path, key)

    def get(self, key: str) -> object:
        """The value under ``key``; ``None`` when absent or null (nulls count as absent)."""
        return self.data.get(key)

    def required(self, key: str) -> object:
        value = self.data.get(key)
        if value is None:
            raise CredentialFormatError(self.at(key), "is required")
        return value

    def text(self, key: str) -> str:
        return _text(self.required(key), self.at(key))

    def opt_text(self, key: str) -> str | None:
        value = self.get(key)
        return None if value is None else _text(value, self.at(key))

    def texts(self, key: str) -> tuple[str, ...]:
        return self.many(key, _text)

    def flag(self, key: str) -> bool:
        value = self.required(key)
        if not isinstance(value, bool):
            raise CredentialFormatError(self.at(key), "expected true or false")
        return value

    def number(self, key: str) -> float:
        return _number(self.required(key), self.at(key))

    def opt_number(self, key: str) -> float | None:
        value = self.get(key)
        return None if value is None else _number(value, self.at(key))

    def timestamp(self, key: str) -> datetime:
        return _timestamp(self.required(key), self.at(key))

    def opt_timestamp(self, key: str) -> datetime | None:
        value = self.get(key)
        return None if value is None else _timestamp(value, self.at(key))

    def opt_date(self, key: str) -> date | None:
        value = self.get(key)
        if value is None:
            return None
        path = self.at(key)
        text = _text(value, path)
        if not _DATE.fullmatch(text):
            raise CredentialFormatError(path, "expected a date YYYY-MM-DD")
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise CredentialFormatError(path, "not a valid date") from None

    def types(self, required: str | None = None) -> tuple[str, ...]:
        """A ``type`` set: one IRI string or an array of them, holding ``required`` if given."""
        types = self.many("type", _text, required=True)
        if required is not None and required not in types:
            raise CredentialFormatError(self.at("type"), f"must include {required!r}")
        return types

    def uri(self, key: str) -> str:
        """A required absolute URI (``urn:uuid:…``, ``https://…``, a DID)."""
        value = self.text(key)
        with _building(self.at(key)):
            require_uri(value, key)
        return value

    def fixed_type(self, expected: str) -> None:
        """Check a single-IRI ``type`` (Image, IdentityObject…), tolerating a one-item array."""
        self.types(expected)

    def opt(self, key: str, load: Callable[[object, str], T], *, single: bool = False) -> T | None:
        """An optional object; with ``single``, a one-item array is accepted too."""
        value = self.get(key)
        path = self.at(key)
        if single and isinstance(value, list):
            if len(value) != 1:
                raise CredentialFormatError(path, "expected one object")
            value, path = value[0], _child(path, 0)
        return None if value is None else load(value, path)

    def many(
        self, key: str, load: Callable[[object, str], T], *, required: bool = False
    ) -> tuple[T, ...]:
        """An array (or one compacted value) of items read with ``load``."""
        value = self.required(key) if required else self.get(key)
        path = self.at(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            return (load(value, path),)
        if required and not value:
            raise CredentialFormatError(path, "must not be empty")
        return tuple(load(item, _child(path, index)) for index, item in enumerate(value))


@contextmanager
def _building(path: str) -> Iterator[None]:
    """Turn a model invariant broken by the document into a CredentialFormatError at ``path``."""
    try:
        yield
    except ValueError as error:
        raise CredentialFormatError(path, str(error)) from None


def _child(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    if _NAME.fullmatch(key):
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key)}]"


def _text(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise CredentialFormatError(path, "expected a string")
    return value


def _number(value: object, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CredentialFormatError(path, "expected a number")
    try:
        number = float(value)
    except OverflowError:
        raise CredentialFormatError(path, "number out of range") from None
    if not math.isfinite(number):
        raise CredentialFormatError(path, "expected a finite number")
    return number


def _timestamp(value: object, path: str) -> datetime:
    """A ``DateTimeZ``: RFC 3339 with a time zone; fractions of a second are dropped."""
    match = _DATE_TIME.fullmatch(_text(value, path))
    if match is None:
        raise CredentialFormatError(path, "expected a date-time with a time zone, e.g. …T00:00:00Z")
    day, time, _fraction, zone = match.groups()
    zone = "+00:00" if zone in {"Z", "z"} else zone
    try:
        return utc_timestamp(datetime.fromisoformat(f"{day}T{time}{zone}"), "date-time")
    except ValueError:
        raise CredentialFormatError(path, "not a valid date-time") from None


def _json(value: object, path: str, depth: int = 0) -> JsonValue:
    """A deep copy of an opaque JSON value, checked to be JSON and bounded in depth."""
    if depth > MAX_JSON_DEPTH:
        raise CredentialFormatError(path, "nested too deeply")
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return _number(value, path)
    if isinstance(value, list):
        return [_json(item, _child(path, index), depth + 1) for index, item in enumerate(value)]
    if isinstance(value, Mapping):
        return _json_members(value, path, depth)
    raise CredentialFormatError(path, "not a JSON value")


def _json_members(value: Mapping[object, object], path: str, depth: int) -> JsonObject:
    copied: JsonObject = {}
    for key, item in value.items():
        if not isinstance(key, str):
            raise CredentialFormatError(path, "object keys must be strings")
        copied[key] = _json(item, _child(path, key), depth + 1)
    return copied


def _json_object(value: object, path: str) -> JsonObject:
    if not isinstance(value, Mapping):
        raise CredentialFormatError(path, "expected a JSON object")
    return _json_members(value, path, 0)


def _contexts(node: _Node) -> tuple[int, tuple[str | JsonObject, ...]]:
    """Check ``@context``; return the VC Data Model version (1 or 2) and the extra contexts."""
    path = node.at("@context")
    value = node.required("@context")
    items = value if isinstance(value, list) else [value]
    if not items or not isinstance(items[0], str) or items[0] not in (VC_V2_CONTEXT, VC_V1_CONTEXT):
        raise CredentialFormatError(_child(path, 0), f"must be {VC_V2_CONTEXT}")
    version = 2 if items[0] == VC_V2_CONTEXT else 1
    # VCDM 1.1 credentials in the wild put the OB context anywhere after the VC one.
    candidates = items[1:2] if version == 2 else items[1:]
    ob_index = next(
        (1 + i for i, item in enumerate(candidates) if isinstance(item, str) and _is_ob(item)),
        None,
    )
    if ob_index is None:
        raise CredentialFormatError(_child(path, 1), "must be the Open Badges 3.0 context")
    extras: list[str | JsonObject] = []
    for index, item in enumerate(items):
        if index in {0, ob_index}:
            continue
        item_path = _child(path, index)
        extras.append(item if isinstance(item, str) else _json_object(item, item_path))
    return version, tuple(extras)


def _is_ob(context: str) -> bool:
    return context in OB_V3_CONTEXTS


def _image(value: object, path: str) -> Image:
    node = _Node(value, path)
    node.fixed_type(Image.TYPE)
    return Image(id=node.text("id"), caption=node.opt_text("caption"))


def _geo(value: object, path: str) -> GeoCoordinates:
    node = _Node(value, path)
    node.fixed_type(GeoCoordinates.TYPE)
    with _building(path):
        return GeoCoordinates(latitude=node.number("latitude"), longitude=node.number("longitude"))


def _address(value: object, path: str) -> Address:
    node = _Node(value, path)
    with _building(path):
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
    node = _Node(value, path)
    node.fixed_type(IdentifierEntry.TYPE)
    return IdentifierEntry(
        identifier=node.text("identifier"), identifier_type=node.text("identifierType")
    )


def _issuer(value: object, path: str) -> Profile:
    """``issuer`` is a ProfileRef: a Profile object, or (VCDM 1.1 style) a bare URI."""
    if value is None:
        raise CredentialFormatError(path, "is required")
    if isinstance(value, str):
        with _building(path):
            return Profile(id=value)
    return _profile(value, path)


def _profile(value: object, path: str, depth: int = 0) -> Profile:
    if depth > MAX_PROFILE_DEPTH:
        raise CredentialFormatError(path, "parentOrg nested too deeply")
    node = _Node(value, path)
    parent = node.get("parentOrg")
    with _building(path):
        return Profile(
            id=node.uri("id"),
            type=node.types("Profile"),
            name=node.opt_text("name"),
            url=node.opt_text("url"),
            phone=node.opt_text("phone"),
            description=node.opt_text("description"),
            image=node.opt("image", _image),
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
            endorsement=node.many("endorsement", _json_object),
            endorsement_jwt=node.texts("endorsementJwt"),
        )


def _plain_profile(value: object, path: str) -> Profile:
    return _profile(value, path)


def _alignment(value: object, path: str) -> Alignment:
    node = _Node(value, path)
    with _building(path):
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
    node = _Node(value, path)
    return Criteria(id=node.opt_text("id"), narrative=node.opt_text("narrative"))


def _rubric_level(value: object, path: str) -> RubricCriterionLevel:
    node = _Node(value, path)
    with _building(path):
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
    node = _Node(value, path)
    with _building(path):
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
    node = _Node(value, path)
    with _building(path):
        return Result(
            type=node.types("Result"),
            result_description=node.opt_text("resultDescription"),
            achieved_level=node.opt_text("achievedLevel"),
            status=node.opt_text("status"),
            value=node.opt_text("value"),
            alignment=node.many("alignment", _alignment),
        )


def _related(value: object, path: str) -> Related:
    node = _Node(value, path)
    with _building(path):
        return Related(
            id=node.text("id"),
            type=node.types("Related"),
            in_language=node.opt_text("inLanguage"),
            version=node.opt_text("version"),
        )


def _achievement(value: object, path: str) -> Achievement:
    node = _Node(value, path)
    with _building(path):
        return Achievement(
            id=node.uri("id"),
            type=node.types("Achievement"),
            name=node.text("name"),
            description=node.text("description"),
            criteria=_criteria(node.required("criteria"), node.at("criteria")),
            achievement_type=node.opt_text("achievementType"),
            image=node.opt("image", _image),
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
            endorsement=node.many("endorsement", _json_object),
            endorsement_jwt=node.texts("endorsementJwt"),
        )


def _identity_object(value: object, path: str) -> IdentityObject:
    node = _Node(value, path)
    node.fixed_type(IdentityObject.TYPE)
    return IdentityObject(
        identity_hash=node.text("identityHash"),
        identity_type=node.text("identityType"),
        hashed=node.flag("hashed"),
        salt=node.opt_text("salt"),
    )


def _subject(value: object, path: str) -> AchievementSubject:
    if isinstance(value, list) and len(value) == 1:
        value, path = value[0], _child(path, 0)
    if value is None:
        raise CredentialFormatError(path, "is required")
    node = _Node(value, path)
    with _building(path):
        return AchievementSubject(
            id=node.opt_text("id"),
            type=node.types("AchievementSubject"),
            identifier=node.many("identifier", _identity_object),
            achievement=_achievement(node.required("achievement"), node.at("achievement")),
            result=node.many("result", _result),
            activity_start_date=node.opt_timestamp("activityStartDate"),
            activity_end_date=node.opt_timestamp("activityEndDate"),
            credits_earned=node.opt_number("creditsEarned"),
            image=node.opt("image", _image),
            license_number=node.opt_text("licenseNumber"),
            narrative=node.opt_text("narrative"),
            role=node.opt_text("role"),
            source=node.opt("source", _plain_profile),
            term=node.opt_text("term"),
        )


def _evidence(value: object, path: str) -> Evidence:
    node = _Node(value, path)
    with _building(path):
        return Evidence(
            id=node.opt_text("id"),
            type=node.types("Evidence"),
            name=node.opt_text("name"),
            narrative=node.opt_text("narrative"),
            description=node.opt_text("description"),
            genre=node.opt_text("genre"),
            audience=node.opt_text("audience"),
        )


def _credential_schema(value: object, path: str) -> CredentialSchema:
    node = _Node(value, path)
    return CredentialSchema(id=node.text("id"), type=node.text("type"))


def _refresh_service(value: object, path: str) -> RefreshService:
    node = _Node(value, path)
    return RefreshService(id=node.text("id"), type=node.text("type"))


def _terms_of_use(value: object, path: str) -> TermsOfUse:
    node = _Node(value, path)
    properties = _json_object(value, path)
    return TermsOfUse(
        id=node.opt_text("id"),
        type=node.text("type"),
        properties={k: v for k, v in properties.items() if k not in {"id", "type"}},
    )


def _status(value: object, path: str) -> BitstringStatusListEntry | CredentialStatus | None:
    """``credentialStatus``: one object (the OB schema), or a one-item array (VCDM 2.0)."""
    if isinstance(value, list):
        if len(value) != 1:
            raise CredentialFormatError(path, "expected one status entry")
        value, path = value[0], _child(path, 0)
    if value is None:
        return None
    node = _Node(value, path)
    status_type = node.text("type")
    if status_type != BitstringStatusListEntry.TYPE:
        properties = _json_object(value, path)
        return CredentialStatus(
            id=node.opt_text("id"),
            type=status_type,
            properties={k: v for k, v in properties.items() if k not in {"id", "type"}},
        )
    size = node.get("statusSize")
    with _building(path):
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
