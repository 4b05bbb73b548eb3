"""Hypothesis strategies for OB 3.0 model objects: any credential the model can hold and issue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import TypeVar

from hypothesis import strategies as st

from badges.ob3 import (
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
    JsonObject,
    JsonValue,
    Profile,
    RefreshService,
    Related,
    Result,
    ResultDescription,
    RubricCriterionLevel,
    TermsOfUse,
)
from tests.unit.ob3.builders import OB_EXTENSIONS

T = TypeVar("T")

text = st.text(max_size=12)
uris = st.one_of(
    st.uuids().map(lambda value: f"urn:uuid:{value}"),
    st.from_regex(r"https://[a-z]{1,8}\.example/[a-z0-9/#]{0,12}", fullmatch=True),
    st.from_regex(r"did:(web|key):[A-Za-z0-9.]{1,16}", fullmatch=True),
)
zones = st.sampled_from(
    [UTC, timezone(timedelta(hours=2)), timezone(-timedelta(hours=5, minutes=30))]
)
# Hypothesis takes naive bounds and adds the zone itself.
timestamps = st.datetimes(
    min_value=datetime(1900, 1, 1),  # noqa: DTZ001
    max_value=datetime(2200, 1, 1),  # noqa: DTZ001
    timezones=zones,
)
finite = st.floats(allow_nan=False, allow_infinity=False)
json_values: st.SearchStrategy[JsonValue] = st.recursive(
    st.none() | st.booleans() | st.integers() | finite | text,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=6,
)
json_objects: st.SearchStrategy[JsonObject] = st.dictionaries(
    st.text(max_size=5), json_values, max_size=3
)
other_properties: st.SearchStrategy[JsonObject] = st.dictionaries(
    st.text(max_size=5).filter(lambda key: key not in {"id", "type"}), json_values, max_size=3
)


def opt(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    return st.none() | strategy


def some(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[tuple[T, ...]]:
    return st.lists(strategy, max_size=3).map(tuple)


def types(required: str) -> st.SearchStrategy[tuple[str, ...]]:
    """A type set holding ``required``, sometimes with extension types around it."""
    extra = st.lists(st.sampled_from(["ext:Extra", "Thing"]), max_size=2, unique=True)
    return st.tuples(extra, st.booleans()).map(
        lambda drawn: (*drawn[0], required) if drawn[1] else (required, *drawn[0])
    )


images = st.builds(Image, id=uris, caption=opt(text))
identifier_entries = st.builds(IdentifierEntry, identifier=text, identifier_type=text)
addresses = st.builds(
    Address,
    type=types("Address"),
    address_country=opt(text),
    address_country_code=opt(text),
    address_locality=opt(text),
    postal_code=opt(text),
    geo=opt(st.builds(GeoCoordinates, latitude=finite, longitude=finite)),
)
_flat_profiles = st.builds(
    Profile,
    id=uris,
    type=types("Profile"),
    name=opt(text),
    url=opt(uris),
    email=opt(text),
    image=opt(images),
    address=opt(addresses),
    other_identifier=some(identifier_entries),
    family_name=opt(text),
    date_of_birth=opt(st.dates()),
    endorsement=some(json_objects),
    endorsement_jwt=some(text),
)
profiles = st.builds(
    Profile,
    id=uris,
    type=types("Profile"),
    name=opt(text),
    description=opt(text),
    image=opt(images),
    parent_org=opt(_flat_profiles),
    official=opt(text),
)
alignments = st.builds(
    Alignment,
    type=types("Alignment"),
    target_name=text,
    target_url=uris,
    target_description=opt(text),
    target_framework=opt(text),
    target_code=opt(text),
    target_type=opt(st.sampled_from(["ext:ESCOSkill", "ceasn:Competency", "CFItem"])),
)
rubric_levels = st.builds(
    RubricCriterionLevel,
    id=uris,
    type=types("RubricCriterionLevel"),
    name=text,
    level=opt(text),
    points=opt(text),
    alignment=some(alignments),
)
result_descriptions = st.builds(
    ResultDescription,
    id=uris,
    type=types("ResultDescription"),
    name=text,
    result_type=st.sampled_from(["Status", "LetterGrade", "ext:Score"]),
    allowed_value=some(text),
    required_level=opt(uris),
    rubric_criterion_level=some(rubric_levels),
    value_min=opt(text),
    value_max=opt(text),
    alignment=some(alignments),
)
achievements = st.builds(
    Achievement,
    id=uris,
    type=types("Achievement"),
    name=text,
    description=text,
    criteria=st.builds(Criteria, id=opt(uris), narrative=opt(text)),
    achievement_type=opt(st.sampled_from(["Badge", "MicroCredential", "ext:Unit"])),
    image=opt(images),
    alignment=some(alignments),
    result_description=some(result_descriptions),
    creator=opt(profiles),
    credits_available=opt(finite),
    in_language=opt(st.sampled_from(["en", "bg", "de-AT"])),
    other_identifier=some(identifier_entries),
    related=some(st.builds(Related, id=uris, type=types("Related"), version=opt(text))),
    tag=some(text),
    version=opt(text),
    endorsement=some(json_objects),
)
identities = st.builds(
    IdentityObject, identity_hash=text, identity_type=text, hashed=st.booleans(), salt=opt(text)
)
results = st.builds(
    Result,
    type=types("Result"),
    result_description=opt(uris),
    achieved_level=opt(uris),
    status=opt(st.sampled_from(["Completed", "InProgress"])),
    value=opt(text),
    alignment=some(alignments),
)
subjects = st.builds(
    AchievementSubject,
    id=opt(uris),
    type=types("AchievementSubject"),
    identifier=some(identities),
    achievement=achievements,
    result=some(results),
    activity_start_date=opt(timestamps),
    activity_end_date=opt(timestamps),
    credits_earned=opt(finite),
    image=opt(images),
    narrative=opt(text),
    source=opt(profiles),
    term=opt(text),
).filter(lambda subject: subject.id is not None or bool(subject.identifier))
evidence = st.builds(
    Evidence,
    id=opt(uris),
    type=types("Evidence"),
    name=opt(text),
    narrative=opt(text),
    description=opt(text),
    genre=opt(text),
    audience=opt(text),
)
bitstring_entries = st.builds(
    BitstringStatusListEntry,
    id=opt(uris),
    status_purpose=st.sampled_from(["revocation", "suspension"]),
    status_list_index=st.integers(min_value=0, max_value=2**64),
    status_list_credential=uris,
    status_size=opt(st.integers(min_value=1, max_value=8)),
).filter(lambda entry: entry.id != entry.status_list_credential)
other_statuses = st.builds(
    CredentialStatus,
    id=opt(uris),
    type=text.filter(lambda value: value != BitstringStatusListEntry.TYPE),
    properties=other_properties,
)
contexts = st.lists(uris | json_objects, max_size=2).map(lambda extra: (OB_EXTENSIONS, *extra))
issuers = st.builds(
    Profile,
    id=uris,
    type=types("Profile"),
    name=text.filter(bool),
    url=opt(uris),
    image=opt(images),
    address=opt(addresses),
    parent_org=opt(_flat_profiles),
)
credentials = st.builds(
    AchievementCredential,
    id=uris,
    type=st.sampled_from(
        [
            ("VerifiableCredential", "OpenBadgeCredential"),
            ("AchievementCredential", "VerifiableCredential"),
            ("VerifiableCredential", "OpenBadgeCredential", "ext:Extra"),
        ]
    ),
    name=opt(text),
    description=opt(text),
    image=opt(images),
    issuer=issuers,
    valid_from=timestamps,
    valid_until=opt(timestamps),
    awarded_date=opt(timestamps),
    credential_subject=subjects,
    evidence=some(evidence),
    credential_schema=some(
        st.builds(
            CredentialSchema,
            id=uris,
            type=st.sampled_from(["1EdTechJsonSchemaValidator2019", "JsonSchema"]),
        )
    ),
    credential_status=opt(bitstring_entries | other_statuses),
    refresh_service=opt(
        st.builds(RefreshService, id=uris, type=st.just("1EdTechCredentialRefresh"))
    ),
    terms_of_use=some(st.builds(TermsOfUse, id=opt(uris), type=text, properties=other_properties)),
    endorsement=some(json_objects),
    endorsement_jwt=some(text),
    proof=some(json_objects),
    contexts=contexts,
)
