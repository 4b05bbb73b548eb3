"""Every term the serialiser writes is defined by the contexts it names (JSON-LD safe mode).

Undefined terms are what safe-mode verifiers reject (``reference/ob3-spec.md`` §9 item 3), so a
credential with every optional term filled in must expand without losing anything.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from badges.jsonld.errors import DataLossError
from badges.jsonld.loader import StaticDocumentLoader
from badges.jsonld.rdf import to_quads
from badges.ob3 import (
    AchievementSubject,
    Address,
    Alignment,
    BitstringStatusListEntry,
    GeoCoordinates,
    IdentifierEntry,
    Image,
    Profile,
    RefreshService,
    Related,
    Result,
    ResultDescription,
    RubricCriterionLevel,
    TermsOfUse,
    to_json_ld,
)
from tests.unit.ob3.builders import ACHIEVEMENT, BASE, smart_city_credential

LOADER = StaticDocumentLoader()


def _everything() -> Profile:
    return Profile(
        id=f"{BASE}/profiles/person",
        name="Dr Maria Petrova",
        url="https://example.org/maria",
        phone="+359 2 000 0000",
        description="Assessor",
        image=Image(id="data:image/png;base64,iVBORw0KGgo=", caption="Portrait"),
        email="maria@example.org",
        address=Address(
            address_country="Bulgaria",
            address_country_code="BG",
            address_region="Sofia City",
            address_locality="Sofia",
            street_address="1 Vitosha Blvd",
            post_office_box_number="12",
            postal_code="1000",
            geo=GeoCoordinates(latitude=42.6977, longitude=23.3219),
        ),
        other_identifier=(IdentifierEntry(identifier="BG-42", identifier_type="systemId"),),
        official="The Rector",
        parent_org=Profile(id=f"{BASE}/profiles/university", name="University"),
        family_name="Petrova",
        given_name="Maria",
        additional_name="Ivanova",
        patronymic_name="Ivanova",
        honorific_prefix="Dr",
        honorific_suffix="PhD",
        family_name_prefix="van",
        date_of_birth=date(1990, 5, 17),
    )


def test_the_smart_city_credential_loses_nothing() -> None:
    assert to_quads(to_json_ld(smart_city_credential()), loader=LOADER)


def test_a_credential_with_every_term_filled_in_loses_nothing() -> None:
    base = smart_city_credential()
    alignment = Alignment(
        target_name="Rubric level",
        target_url="https://example.org/rubric/1",
        target_code="R1",
        target_type="CFRubricCriterionLevel",
    )
    achievement = replace(
        base.credential_subject.achievement,
        result_description=(
            ResultDescription(
                id=f"{ACHIEVEMENT}#grade",
                name="Grade",
                result_type="RubricCriterionLevel",
                allowed_value=("C", "B", "A"),
                required_level=f"{ACHIEVEMENT}#level-pass",
                required_value="B",
                rubric_criterion_level=(
                    RubricCriterionLevel(
                        id=f"{ACHIEVEMENT}#level-pass",
                        name="Pass",
                        description="Meets the criteria",
                        level="Pass",
                        points="3",
                        alignment=(alignment,),
                    ),
                ),
                value_min="C",
                value_max="A",
                alignment=(alignment,),
            ),
        ),
        creator=_everything(),
        credits_available=5.0,
        field_of_study="Urban planning",
        human_code="SCPM-2",
        other_identifier=(IdentifierEntry(identifier="SCPM-2", identifier_type="identifier"),),
        related=(Related(id="https://example.org/achievements/bg", in_language="bg", version="1"),),
        specialization="Stakeholder engagement",
    )
    subject = AchievementSubject(
        id="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        identifier=base.credential_subject.identifier,
        achievement=achievement,
        result=(
            Result(
                result_description=f"{ACHIEVEMENT}#grade",
                achieved_level=f"{ACHIEVEMENT}#level-pass",
                value="A",
                alignment=(alignment,),
            ),
        ),
        activity_start_date=datetime(2026, 9, 1, tzinfo=UTC),
        activity_end_date=datetime(2026, 11, 1, tzinfo=UTC),
        credits_earned=5.0,
        image=Image(id=f"{BASE}/baked/1.png"),
        license_number="L-1",
        narrative="Three steps, all approved.",
        role="Project manager",
        source=_everything(),
        term="Autumn 2026",
    )
    credential = replace(
        base,
        image=Image(id=f"{BASE}/credential.png", caption="Badge"),
        issuer=replace(_everything(), id="did:web:badges.danube-university.example"),
        credential_subject=subject,
        credential_status=BitstringStatusListEntry(
            id=f"{BASE}/status/1#7",
            status_purpose="suspension",
            status_list_index=7,
            status_list_credential=f"{BASE}/status/1",
            status_size=1,
        ),
        refresh_service=RefreshService(id=f"{BASE}/refresh", type="1EdTechCredentialRefresh"),
    )

    assert to_quads(to_json_ld(credential), loader=LOADER)


def test_an_undefined_term_would_be_caught() -> None:
    document = to_json_ld(
        replace(smart_city_credential(), terms_of_use=(TermsOfUse(type="Undefined"),))
    )

    with pytest.raises(DataLossError):
        to_quads(document, loader=LOADER)
