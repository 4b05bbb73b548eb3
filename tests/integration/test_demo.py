"""The demo data on both databases: loads once, issues through the real flow, and verifies."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badges.accounts import Organisation, Role, User
from badges.config import Settings
from badges.demo import DEMO_AWARDS, PARTICIPANT_EMAIL, public_credential_urls
from badges.demo.data import REJECTION_FEEDBACK
from badges.jsonld.loader import StaticDocumentLoader
from issuer import (
    Achievement,
    Credential,
    Issuance,
    Issuer,
    StatusList,
    current_key,
    did_documents,
)
from paths import (
    Certification,
    Enrolment,
    Review,
    Submission,
    ValidationPath,
    gap_map,
    list_frameworks,
    progress,
)
from tests.environment import NOW
from verifier import CheckId, MapFetcher, Outcome, VerificationReport, verify_credential

LOADER = StaticDocumentLoader()
TABLES = (Organisation, User, Issuer, Achievement, Issuance, Credential, StatusList)


@pytest.fixture
def loaded(runner: FlaskCliRunner) -> None:
    """The demo, loaded once through ``badges demo load``."""
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output


def counts(session: Session) -> dict[str, int]:
    """Rows per demo table."""
    return {
        model.__name__: session.scalar(select(func.count()).select_from(model)) or 0
        for model in TABLES
    }


def verify(session: Session, credential: Credential) -> VerificationReport:
    """Verify offline at the test time with every issuer's DIDs and every signed status list."""
    documents: dict[str, Any] = {}
    for issuer in session.scalars(select(Issuer)):
        documents.update(did_documents(session, issuer))
    for status_list in session.scalars(select(StatusList)):
        published = json.loads(status_list.credential_json or "{}")
        documents[published["id"]] = published
    return verify_credential(
        json.loads(credential.document), loader=LOADER, fetcher=MapFetcher(documents), now=NOW
    )


def by_email(session: Session, email: str) -> list[Credential]:
    """The credentials issued to ``email``."""
    return list(
        session.scalars(
            select(Credential)
            .join(Issuance, Issuance.id == Credential.issuance_id)
            .where(Issuance.recipient_email == email)
        )
    )


def outcomes(report: VerificationReport) -> dict[CheckId, Outcome]:
    """Each check's outcome by id."""
    return {check.id: check.outcome for check in report.checks}


@pytest.mark.usefixtures("loaded")
def test_loading_again_changes_nothing(runner: FlaskCliRunner, session: Session) -> None:
    before = counts(session)
    documents = sorted(session.scalars(select(Credential.document)))
    lists = sorted(str(doc) for doc in session.scalars(select(StatusList.credential_json)))

    again = runner.invoke(args=["demo", "load"])

    assert again.exit_code == 0, again.output
    session.expire_all()
    assert counts(session) == before
    assert sorted(session.scalars(select(Credential.document))) == documents
    assert sorted(str(doc) for doc in session.scalars(select(StatusList.credential_json))) == lists


@pytest.mark.usefixtures("loaded")
def test_two_issuers_with_profiles_keys_and_achievements(session: Session) -> None:
    issuers = {issuer.slug: issuer for issuer in session.scalars(select(Issuer))}

    assert set(issuers) == {"sofia-smart-city-academy", "cluj-urban-innovation-lab"}
    countries = {issuer.address_country_code for issuer in issuers.values()}
    assert countries == {"BG", "RO"}
    for issuer in issuers.values():
        assert issuer.url is not None
        assert issuer.url.startswith("https://")
        assert issuer.url.endswith(".example.org")
        assert issuer.email
        assert issuer.description
        assert current_key(session, issuer.id) is not None
        achievements = session.scalars(
            select(Achievement).where(Achievement.issuer_id == issuer.id)
        ).all()
        assert 2 <= len(achievements) <= 3
    types = set(session.scalars(select(Achievement.achievement_type)))
    assert {"Badge", "Certificate"} <= types
    assert 3 * 365 in set(session.scalars(select(Achievement.validity_days)))


@pytest.mark.usefixtures("loaded")
def test_the_issuer_admin_runs_both_issuers(session: Session) -> None:
    admin = session.scalars(select(User).where(User.email == "issuer@demo.example")).one()

    organisations = {m.organisation_id for m in admin.memberships if m.role is Role.ISSUER_ADMIN}

    assert organisations == set(session.scalars(select(Issuer.organisation_id)))


@pytest.mark.usefixtures("loaded")
def test_the_participant_holds_three_credentials_two_shared(session: Session) -> None:
    participant = session.scalars(select(User).where(User.email == PARTICIPANT_EMAIL)).one()
    admin_id = session.scalar(select(User.id).where(User.email == "issuer@demo.example"))

    held = by_email(session, PARTICIPANT_EMAIL)

    # Six awarded by the admin, one through the completed validation path.
    assert session.scalar(select(func.count()).select_from(Credential)) == len(DEMO_AWARDS) + 1
    assert len(DEMO_AWARDS) == 6
    assert len(held) == 3
    issuances = [session.get_one(Issuance, credential.issuance_id) for credential in held]
    assert {issuance.recipient_user_id for issuance in issuances} == {participant.id}
    assert sorted(str(issuance.requested_by_id) for issuance in issuances) == sorted(
        [str(admin_id), str(admin_id), "None"]
    )
    assert sorted(credential.shared for credential in held) == [False, True, True]
    assert sorted(credential.show_name for credential in held) == [False, False, True]
    others = session.scalars(select(Issuance).where(Issuance.recipient_email != PARTICIPANT_EMAIL))
    assert {issuance.recipient_user_id for issuance in others} == {None}
    issuances_by_state = session.scalars(select(Issuance.state)).all()
    assert set(issuances_by_state) == {"issued"}


@pytest.mark.usefixtures("loaded")
def test_the_shared_credentials_have_public_urls(session: Session, settings: Settings) -> None:
    shared = session.scalars(
        select(Credential.public_id).where(Credential.shared.is_(True)).order_by(Credential.id)
    ).all()

    urls = public_credential_urls(session, base_url=settings.base_url)

    assert len(shared) == 2
    assert urls == [f"{settings.base_url}/credentials/{public_id}" for public_id in shared]


@pytest.mark.usefixtures("loaded")
def test_every_demo_credential_verifies_but_the_revoked_and_the_expired(
    session: Session,
) -> None:
    [revoked] = by_email(session, "victor.stan@example.org")
    [expired] = by_email(session, "radu.popa@example.org")

    for credential in session.scalars(select(Credential)):
        report = verify(session, credential)
        if credential.id in {revoked.id, expired.id}:
            assert not report.verified
        else:
            assert report.verified, report.checks

    assert revoked.revoked_at == NOW
    assert revoked.revocation_reason
    revoked_checks = outcomes(verify(session, revoked))
    assert revoked_checks[CheckId.STATUS] is Outcome.FAIL
    assert revoked_checks[CheckId.PROOF] is Outcome.PASS
    assert revoked_checks[CheckId.VALIDITY] is Outcome.PASS
    assert expired.valid_until is not None
    assert expired.valid_until < NOW
    expired_checks = outcomes(verify(session, expired))
    assert expired_checks[CheckId.VALIDITY] is Outcome.FAIL
    assert expired_checks[CheckId.PROOF] is Outcome.PASS
    assert expired_checks[CheckId.STATUS] is Outcome.PASS


@pytest.mark.usefixtures("loaded")
def test_the_demo_framework_is_imported_once(runner: FlaskCliRunner, session: Session) -> None:
    again = runner.invoke(args=["demo", "load"])

    assert again.exit_code == 0, again.output
    frameworks = list_frameworks(session)
    assert [(f.code, f.version) for f in frameworks] == [("smart-city-referent", "1.0.0")]


@pytest.mark.usefixtures("loaded")
def test_the_participant_is_part_way_through_a_path(session: Session) -> None:
    participant = session.scalars(select(User).where(User.email == PARTICIPANT_EMAIL)).one()
    enrolment = session.scalars(
        select(Enrolment).where(Enrolment.user_id == participant.id, Enrolment.state == "active")
    ).one()

    states = session.scalars(
        select(Submission.state)
        .where(Submission.enrolment_id == enrolment.id)
        .order_by(Submission.id)
    ).all()
    assert states == ["rejected", "submitted"]
    feedback = session.scalars(
        select(Review.feedback)
        .join(Submission, Submission.id == Review.submission_id)
        .where(Submission.enrolment_id == enrolment.id)
    ).all()
    assert feedback == [REJECTION_FEEDBACK]
    assert len(gap_map(session, enrolment)) > 0
    published = session.scalars(
        select(ValidationPath.code).where(ValidationPath.state == "published")
    ).all()
    assert sorted(published) == ["iot-sensor-networks", "scpd", "scpm"]


@pytest.mark.usefixtures("loaded")
def test_the_participant_completed_the_iot_path_and_holds_its_credential(session: Session) -> None:
    participant = session.scalars(select(User).where(User.email == PARTICIPANT_EMAIL)).one()
    completed = session.scalars(
        select(Enrolment).where(Enrolment.user_id == participant.id, Enrolment.state == "completed")
    ).one()

    assert progress(session, completed).complete
    certification = session.scalars(
        select(Certification).where(Certification.enrolment_id == completed.id)
    ).one()
    issuance = session.get_one(Issuance, certification.issuance_id)
    assert issuance.state == "issued"
    credential = session.scalars(
        select(Credential).where(Credential.issuance_id == issuance.id)
    ).one()
    assert "IoT Sensor Networks" in json.loads(credential.document)["name"]
