"""Demo issuers, accounts, achievements and credentials, issued through the real flow."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.accounts import (
    Organisation,
    Role,
    User,
    add_membership,
    create_organisation,
    grant_role,
    register,
)
from badges.demo.data import (
    DEMO_AWARDS,
    DEMO_PASSWORD,
    DemoAchievement,
    DemoAward,
    DemoIssuer,
    DemoLogin,
)
from badges.jsonld.loader import StaticDocumentLoader
from issuer import (
    Achievement,
    Credential,
    Issuance,
    Issuer,
    Keyring,
    StatusList,
    complete_issuance,
    create_issuer,
    current_key,
    generate_key,
    request_issuance,
    revoke,
    status_list_credential,
)


@dataclass(frozen=True, slots=True)
class Issuing:
    """What every demo issuance needs; one loader for all, so contexts are processed once."""

    keyring: Keyring
    base_url: str
    now: datetime
    loader: StaticDocumentLoader


def public_credential_urls(session: Session, *, base_url: str) -> list[str]:
    """The public pages of the demo's shared credentials, for ``badges demo load`` to print."""
    emails = {award.email for award in DEMO_AWARDS if award.shared}
    public_ids = session.scalars(
        select(Credential.public_id)
        .join(Issuance, Issuance.id == Credential.issuance_id)
        .where(Credential.shared.is_(True), Issuance.recipient_email.in_(emails))
        .order_by(Credential.id)
    )
    return [f"{base_url}/credentials/{public_id}" for public_id in public_ids]


def demo_issuer(
    session: Session, demo: DemoIssuer, *, now: datetime, keyring: Keyring, base_url: str
) -> Issuer:
    """The demo issuer (and its organisation), with a signing key, unless it exists."""
    organisation = _organisation(session, demo.slug, demo.organisation, now)
    issuer = session.scalar(select(Issuer).where(Issuer.organisation_id == organisation.id))
    if issuer is None:
        issuer = create_issuer(
            session,
            organisation.id,
            name=demo.name,
            base_url=base_url,
            now=now,
            url=demo.url,
            email=demo.email,
            description=demo.description,
        )
        (
            issuer.street_address,
            issuer.postal_code,
            issuer.address_locality,
            issuer.address_region,
            issuer.address_country_code,
        ) = demo.address
        session.flush()
    if current_key(session, issuer.id) is None:
        generate_key(session, issuer.id, keyring=keyring, now=now)
    return issuer


def _organisation(session: Session, slug: str, name: str, now: datetime) -> Organisation:
    existing = session.scalar(select(Organisation).where(Organisation.slug == slug))
    return existing or create_organisation(session, slug=slug, name=name, now=now)


def demo_user(session: Session, login: DemoLogin, issuers: list[Issuer], *, now: datetime) -> User:
    """The account, with its role; the issuer admin runs both issuers, to compare them."""
    user = session.scalar(select(User).where(User.email == login.email))
    if user is None:
        user = register(
            session, email=login.email, name=login.name, password=DEMO_PASSWORD, now=now
        )
    if login.role is Role.ISSUER_ADMIN:
        for issuer in issuers:
            add_membership(session, user.id, issuer.organisation_id, Role.ISSUER_ADMIN)
    elif login.role is not Role.PARTICIPANT:
        grant_role(session, user.id, login.role)
    return user


def demo_achievement(
    session: Session, demo: DemoAchievement, base_url: str, now: datetime
) -> Achievement:
    """The demo achievement, aligned to the demo framework, unless it exists."""
    issuer = session.scalars(select(Issuer).where(Issuer.slug == demo.issuer)).one()
    existing = session.scalar(
        select(Achievement).where(Achievement.issuer_id == issuer.id, Achievement.name == demo.name)
    )
    if existing is not None:
        return existing
    framework = f"{base_url}/frameworks/smart-city-competences"
    alignments = [
        {
            "targetName": name,
            "targetUrl": f"{framework}#{code}",
            "targetFramework": "Smart City Competence Framework",
            "targetCode": code,
        }
        for name, code in demo.alignments
    ]
    achievement = Achievement(
        issuer_id=issuer.id,
        name=demo.name,
        description=demo.description,
        criteria_narrative=demo.criteria,
        achievement_type=demo.achievement_type,
        validity_days=demo.validity_days,
        version=1,
        created_at=now,
        alignments_json=json.dumps(alignments) if alignments else None,
        language="en",
        allow_suspension=False,
    )
    session.add(achievement)
    session.flush()
    return achievement


def demo_award(
    session: Session,
    award: DemoAward,
    *,
    achievement: Achievement,
    issuing: Issuing,
    recipient: User | None,
    admin: User,
) -> None:
    """Issue one demo credential through the real flow, unless it was issued before."""
    done = session.scalar(
        select(Issuance.id).where(
            Issuance.achievement_id == achievement.id, Issuance.recipient_email == award.email
        )
    )
    if done is not None:
        return
    at = issuing.now - timedelta(days=award.days_ago)
    if award.days_ago:  # the self-check at a past time must not see a list signed after it
        publish_lists(session, achievement.issuer_id, issuing, at=at)
    issuance = request_issuance(
        session,
        issuer_id=achievement.issuer_id,
        achievement_id=achievement.id,
        recipient_name=award.name,
        recipient_email=award.email,
        now=at,
    )
    issuance.recipient_user_id = recipient.id if recipient is not None else None
    issuance.requested_by_id = admin.id
    complete_issuance(
        session,
        issuance.id,
        keyring=issuing.keyring,
        base_url=issuing.base_url,
        now=at,
        loader=issuing.loader,
    )
    if issuance.state != "issued":
        raise RuntimeError(f"demo credential {award} failed: {issuance.failure_reason}")
    credential = session.scalars(
        select(Credential).where(Credential.issuance_id == issuance.id)
    ).one()
    credential.shared, credential.show_name = award.shared, award.show_name
    if award.revoked_because is not None:
        revoke(session, credential.id, reason=award.revoked_because, now=issuing.now)
    if award.days_ago or award.revoked_because is not None:
        publish_lists(session, achievement.issuer_id, issuing, at=issuing.now)


def publish_lists(session: Session, issuer_id: int, issuing: Issuing, *, at: datetime) -> None:
    """Re-sign the issuer's status lists at ``at`` (the after-commit task would do it later)."""
    list_ids = session.scalars(select(StatusList.id).where(StatusList.issuer_id == issuer_id))
    for list_id in list_ids.all():
        status_list_credential(
            session,
            list_id,
            keyring=issuing.keyring,
            base_url=issuing.base_url,
            now=at,
            loader=issuing.loader,
        )
