"""Revocation on both databases: the bit, the re-signed status list, and the verifier's view."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.statuslist import MINIMUM_ENTRIES, StatusBits
from issuer import (
    Credential,
    CredentialNotFound,
    StatusList,
    revoke,
)
from issuer.errors import StatusConflict
from issuer.status_allocation import REVOCATION, allocate_index, current_list
from tests.environment import NOW
from tests.integration.test_issuance import issue, make_achievement, verify_stored
from verifier import CheckId, Outcome


@pytest.fixture
def context(app: Flask) -> Iterator[None]:
    """Eager Celery tasks find the app's database through the app context."""
    with app.app_context():
        yield


@pytest.fixture
def credential(context: None, session: Session) -> Credential:
    """One issued credential."""
    issue(session, make_achievement(session))
    return session.scalars(select(Credential)).one()


def published_bit(session: Session, list_id: int, index: int) -> int:
    """The bit as the signed, published list credential shows it."""
    status_list = session.get_one(StatusList, list_id)
    session.refresh(status_list)
    assert status_list.credential_json is not None
    subject = json.loads(status_list.credential_json)["credentialSubject"]
    return StatusBits.decode(subject["encodedList"]).get(index)


def status_reason(session: Session, credential: Credential) -> str | None:
    """Why the verifier's status check failed, or None when it passed."""
    report = verify_stored(session, credential)
    [check] = [check for check in report.checks if check.id == CheckId.STATUS]
    if check.outcome == Outcome.PASS:
        assert report.verified
        return None
    assert not report.verified
    return check.details.get("reason", check.outcome)


def test_lists_are_large_enough_and_signed(session: Session, credential: Credential) -> None:
    lists = session.scalars(select(StatusList).order_by(StatusList.id)).all()
    assert [status_list.purpose for status_list in lists] == ["revocation"]
    for status_list in lists:
        assert status_list.size >= MINIMUM_ENTRIES
        assert status_list.credential_json is not None
        document = json.loads(status_list.credential_json)
        assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
        assert document["credentialSubject"]["type"] == "BitstringStatusList"
        assert document["credentialSubject"]["statusPurpose"] == status_list.purpose
        assert document["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    assert status_reason(session, credential) is None


def test_revoking_publishes_the_bit_and_the_verifier_reports_it(
    session: Session, credential: Credential
) -> None:
    before = session.get_one(StatusList, credential.status_list_id).version

    revoke(session, credential.id, reason="Issued in error", now=NOW)
    session.commit()

    assert published_bit(session, credential.status_list_id, credential.status_index) == 1
    status_list = session.get_one(StatusList, credential.status_list_id)
    assert status_list.version == before + 1
    assert credential.revoked_at == NOW
    assert credential.revocation_reason == "Issued in error"
    assert status_reason(session, credential) == "revoked"


def test_revoking_twice_is_refused_and_changes_nothing_more(
    session: Session, credential: Credential
) -> None:
    revoke(session, credential.id, reason="Issued in error", now=NOW)
    session.commit()
    version = session.get_one(StatusList, credential.status_list_id).version

    with pytest.raises(StatusConflict) as raised:
        revoke(session, credential.id, reason="Again", now=NOW)
    session.commit()

    assert raised.value.message == "This badge was already revoked on 2026-11-25."

    assert session.get_one(StatusList, credential.status_list_id).version == version
    assert credential.revocation_reason == "Issued in error"


def test_a_rolled_back_revocation_publishes_nothing(
    session: Session, credential: Credential
) -> None:
    revoke(session, credential.id, reason="Issued in error", now=NOW)
    session.rollback()

    assert published_bit(session, credential.status_list_id, credential.status_index) == 0
    assert status_reason(session, credential) is None


@pytest.mark.usefixtures("context")
def test_an_unknown_credential_is_refused(session: Session) -> None:
    with pytest.raises(CredentialNotFound):
        revoke(session, 404, reason="Nope", now=NOW)


@pytest.mark.usefixtures("context")
def test_indexes_never_repeat_in_a_list(session: Session) -> None:
    achievement = make_achievement(session)
    status_list = current_list(session, achievement.issuer_id, purpose=REVOCATION, now=NOW)

    indexes = [allocate_index(session, status_list).status_index for _ in range(300)]
    session.commit()

    assert len(set(indexes)) == len(indexes)
    assert all(0 <= index < status_list.size for index in indexes)
    # Random, not sequential: issue order must not be readable from the index.
    assert indexes != sorted(indexes)


@pytest.mark.usefixtures("context")
def test_a_taken_index_is_drawn_again(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    achievement = make_achievement(session)
    status_list = current_list(session, achievement.issuer_id, purpose=REVOCATION, now=NOW)
    draws = iter([7, 7, 8])
    monkeypatch.setattr("issuer.status_allocation.secrets.randbelow", lambda _: next(draws))

    first = allocate_index(session, status_list)
    second = allocate_index(session, status_list)

    assert (first.status_index, second.status_index) == (7, 8)
