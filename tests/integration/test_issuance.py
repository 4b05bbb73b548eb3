"""Issuing credentials on both databases: request, sign, self-verify, store, exactly once."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badges.accounts import create_organisation
from badges.app import create_app
from badges.context import current_database
from badges.jsonld.loader import StaticDocumentLoader
from badges.proofs import Signer
from issuer import (
    Achievement,
    AchievementNotFound,
    Credential,
    Issuance,
    Issuer,
    Keyring,
    StatusList,
    complete_issuance,
    create_issuer,
    did_documents,
    generate_key,
    request_issuance,
)
from issuer.keys import signer_for
from tests.environment import NOW, TEST_KEK, empty_tables, make_settings
from tests.services import REDIS_URL, missing
from verifier import MapFetcher, VerificationReport, verify_credential

BASE_URL = "http://127.0.0.1:5000"
KEYRING = Keyring([TEST_KEK])
LOADER = StaticDocumentLoader()


@pytest.fixture
def context(app: Flask) -> Iterator[None]:
    """Eager Celery tasks find the app's database through the app context."""
    with app.app_context():
        yield


def make_achievement(session: Session, *, validity_days: int | None = 365) -> Achievement:
    """An issuer with a signing key and one achievement, committed."""
    organisation = create_organisation(session, slug="academy", name="Sofia Academy", now=NOW)
    issuer = create_issuer(
        session, organisation.id, name="Sofia Academy", base_url=BASE_URL, now=NOW
    )
    generate_key(session, issuer.id, keyring=KEYRING, now=NOW)
    achievement = Achievement(
        issuer_id=issuer.id,
        name="IoT field technician",
        description="Installs and maintains city sensor networks.",
        criteria_narrative="Passed the **field** assessment.",
        achievement_type="Certificate",
        validity_days=validity_days,
        version=1,
        created_at=NOW,
    )
    session.add(achievement)
    session.commit()
    return achievement


def issue(session: Session, achievement: Achievement, email: str = "ana@example.org") -> Issuance:
    """Request an issuance and commit: the eager task issues it in-process."""
    issuance = request_issuance(
        session,
        issuer_id=achievement.issuer_id,
        achievement_id=achievement.id,
        recipient_name="Ana Petrova",
        recipient_email=email,
        now=NOW,
    )
    session.commit()
    session.refresh(issuance)
    return issuance


def verify_stored(
    session: Session, credential: Credential, *, at: datetime = NOW
) -> VerificationReport:
    """Verify a stored credential offline against the issuer's DID and its signed status list."""
    owner = session.get_one(Issuer, credential.issuer_id)
    lists = [
        json.loads(status_list.credential_json or "{}")
        for status_list in session.scalars(select(StatusList))
    ]
    fetcher = MapFetcher({**did_documents(session, owner), **{doc["id"]: doc for doc in lists}})
    return verify_credential(
        json.loads(credential.document), loader=LOADER, fetcher=fetcher, now=at
    )


def credentials(session: Session) -> list[Credential]:
    """Every stored credential."""
    return list(session.scalars(select(Credential)))


@pytest.mark.usefixtures("context")
def test_a_request_becomes_a_credential_the_verifier_accepts(session: Session) -> None:
    achievement = make_achievement(session)

    issuance = issue(session, achievement)

    assert issuance.state == "issued"
    [credential] = credentials(session)
    assert credential.issuance_id == issuance.id
    document: dict[str, Any] = json.loads(credential.document)
    assert document["id"] == f"urn:uuid:{credential.public_id}"
    subject = document["credentialSubject"]
    assert subject["achievement"]["id"] == f"{BASE_URL}/achievements/{achievement.id}"
    assert "ana@example.org" not in credential.document  # only the salted hash
    assert subject["identifier"][0]["hashed"] is True
    assert document["validUntil"] == "2027-11-25T09:00:00Z"
    status = document["credentialStatus"]  # one object, as OB 3.0's schema wants
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusPurpose"] == "revocation"
    assert status["id"] == f"{status['statusListCredential']}#{credential.status_index}"
    assert status["statusListCredential"] == f"{BASE_URL}/status/{credential.status_list_id}"
    assert int(status["statusListIndex"]) == credential.status_index
    assert document["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    report = verify_stored(session, credential)
    assert report.verified, report.checks


@pytest.mark.usefixtures("context")
def test_no_validity_period_means_no_valid_until(session: Session) -> None:
    issue(session, make_achievement(session, validity_days=None))

    [credential] = credentials(session)
    assert "validUntil" not in json.loads(credential.document)
    assert credential.valid_until is None


@pytest.mark.usefixtures("context")
def test_completing_twice_makes_one_credential(session: Session) -> None:
    issuance = issue(session, make_achievement(session))

    again = complete_issuance(session, issuance.id, keyring=KEYRING, base_url=BASE_URL, now=NOW)
    session.commit()

    assert again.state == "issued"
    assert session.scalar(select(func.count()).select_from(Credential)) == 1


@pytest.mark.usefixtures("context")
def test_a_rolled_back_request_sends_nothing(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    achievement = make_achievement(session)
    runs: list[int] = []
    monkeypatch.setattr(
        "issuer.tasks.complete_issuance",
        lambda _session, issuance_id, **_: runs.append(issuance_id),
    )
    request_issuance(
        session,
        issuer_id=achievement.issuer_id,
        achievement_id=achievement.id,
        recipient_name="Ana Petrova",
        recipient_email="ana@example.org",
        now=NOW,
    )
    session.rollback()
    session.commit()  # a later commit must not send the dropped task either

    assert runs == []
    assert session.scalar(select(func.count()).select_from(Issuance)) == 0
    assert credentials(session) == []


@pytest.mark.usefixtures("context")
def test_an_unknown_achievement_is_refused(session: Session) -> None:
    achievement = make_achievement(session)
    with pytest.raises(AchievementNotFound):
        request_issuance(
            session,
            issuer_id=achievement.issuer_id + 1,
            achievement_id=achievement.id,
            recipient_name="Ana Petrova",
            recipient_email="ana@example.org",
            now=NOW,
        )


class _GarbageSigner:
    """Signs with the right key id but a wrong signature, as a broken HSM or bug would."""

    def __init__(self, real: Signer) -> None:
        self.verification_method = real.verification_method
        self.algorithm = real.algorithm

    def sign(self, data: bytes) -> bytes:
        return bytes(64)


@pytest.mark.usefixtures("context")
def test_a_failed_self_check_stores_no_credential(
    session: Session, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    achievement = make_achievement(session)

    def garbage_signer_for(*args: Any, **kwargs: Any) -> Signer:
        return _GarbageSigner(signer_for(*args, **kwargs))

    # The signer is the process boundary here (a key store); only the credential's is replaced.
    monkeypatch.setattr("issuer.batch.signer_for", garbage_signer_for)

    with caplog.at_level(logging.CRITICAL, logger="issuer.issuance"):
        issuance = issue(session, achievement)

    assert issuance.state == "failed"
    assert issuance.failure_reason
    assert "proof" in issuance.failure_reason
    assert credentials(session) == []
    assert any("ALARM" in record.message for record in caplog.records)


@pytest.fixture
def worker_app(tmp_path: Path, postgres_url: str) -> Iterator[Flask]:
    """An app on PostgreSQL and Redis with a real worker that holds the same KEK."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError:
        missing(
            "Redis", f"start redis-server on 127.0.0.1:6379 or set TEST_REDIS_URL ({REDIS_URL})"
        )
    redis_url = REDIS_URL
    settings = make_settings(tmp_path, postgres_url, redis_url=redis_url)
    app = create_app(settings)
    env = {
        **os.environ,
        "DATABASE_URL": postgres_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": settings.secret_key,
        "BADGES_KEK": TEST_KEK,
        "BADGES_INSTANCE_PATH": str(settings.instance_path),
        "BADGES_INSTANCE_NAME": settings.instance_name,
        "BADGES_ENV": "testing",
    }
    command = [sys.executable, "-m", "celery", "-A", "badges.worker", "worker", "--pool=solo"]
    command += ["--without-gossip", "--without-mingle", "-Q", settings.instance_name]
    with (tmp_path / "worker.log").open("w") as log:
        worker = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield app
        finally:
            worker.terminate()
            worker.wait(timeout=30)
            redis.Redis.from_url(redis_url).delete(settings.instance_name)
            with app.app_context():
                current_database().dispose()
            empty_tables(postgres_url)


@pytest.mark.integration
def test_a_real_worker_issues_the_credential(worker_app: Flask) -> None:
    with worker_app.app_context():
        database = current_database()
        with database.session_scope() as session:
            achievement = make_achievement(session)
            issuance_id = request_issuance(
                session,
                issuer_id=achievement.issuer_id,
                achievement_id=achievement.id,
                recipient_name="Ana Petrova",
                recipient_email="ana@example.org",
                now=NOW,
            ).id
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with database.sessionmaker() as session:
                if session.get_one(Issuance, issuance_id).state != "pending":
                    break
            time.sleep(0.2)
        with database.sessionmaker() as session:
            assert session.get_one(Issuance, issuance_id).state == "issued"
            [credential] = credentials(session)
            # The worker's clock is the system's, not the tests' fixed one.
            report = verify_stored(session, credential, at=credential.valid_from)
            assert report.verified, report.checks
