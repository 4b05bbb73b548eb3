"""Demo data for a first look: two partner issuers, their achievements, credentials, and users.

Loading twice changes nothing: what exists is left alone. Credentials go through the real flow
(``request_issuance`` then ``complete_issuance``), so each is signed and self-verified; one is
revoked and one has expired, so every verifier outcome can be seen. The logins are printed by
``badges demo load`` and ``make run``.

Longer than the 300-line budget (STYLE rule 10) only because of its data tables, which read best
next to the code that loads them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib.resources import files

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
from paths import (
    Enrolment,
    EvidenceItem,
    EvidenceStore,
    Requirement,
    ValidationPath,
    assessors_of,
    assign_assessor,
    enrol,
    import_framework,
    import_paths,
    load_framework_json,
    load_paths_json,
    review_submission,
    self_assess,
    submit_evidence,
)

#: Shared by every demo account; the demo is for looking around, never for real people.
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed on purpose, demo only

#: The smart-city framework written for the demo (paths/data/README.md says what it is).
DEMO_FRAMEWORK = files("paths") / "data" / "smart_city_framework.json"
#: Three published validation paths on that framework.
DEMO_PATHS = files("paths") / "data" / "demo_paths.json"
#: The path the demo participant is working through.
IN_PROGRESS_PATH = "scpm"
#: The path the demo participant has completed (and holds its credential).
COMPLETED_PATH = "iot-sensor-networks"
DEMO_ANSWERS = (
    "I mapped the stakeholders of the Sofia air-quality pilot: the district administration, "
    "two schools, the public transport operator and a residents' association. The map and "
    "how I involved each group are in the attached summary.",
    "Project charter for the smart street-lighting pilot in Lozenets: goals, scope, budget "
    "of 180,000 EUR, a 14-month schedule and the risks we track.",
)


@dataclass(frozen=True, slots=True)
class DemoLogin:
    """One demo account: what it is for, and how to sign in."""

    role: Role
    email: str
    name: str


@dataclass(frozen=True, slots=True)
class DemoIssuer:
    """A partner organisation and its public issuer profile (OB ``Profile``)."""

    slug: str
    organisation: str
    name: str
    url: str
    email: str
    description: str
    #: Street, postal code, locality, region, ISO 3166-1 country code.
    address: tuple[str, str, str, str, str]


@dataclass(frozen=True, slots=True)
class DemoAchievement:
    """A badge class of one demo issuer; ``alignments`` are (name, code) in the programme."""

    issuer: str
    name: str
    description: str
    criteria: str
    achievement_type: str
    validity_days: int | None = None
    alignments: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class DemoAward:
    """One credential: who gets which achievement, and what happened to it since."""

    achievement: str
    name: str
    email: str
    days_ago: int = 0
    shared: bool = False
    show_name: bool = False
    revoked_because: str | None = None


DEMO_ISSUERS = (
    DemoIssuer(
        "sofia-smart-city-academy",
        "Sofia Smart City Academy (demo)",
        "Sofia Smart City Academy",
        "https://sofia-academy.example.org",
        "badges@sofia-academy.example.org",
        "Demo issuer: trains municipal staff in Sofia to plan and run smart-city projects.",
        ("115 Tsarigradsko Shose Blvd", "1784", "Sofia", "Sofia City", "BG"),
    ),
    DemoIssuer(
        "cluj-urban-innovation-lab",
        "Cluj Urban Innovation Lab (demo)",
        "Cluj Urban Innovation Lab",
        "https://cluj-lab.example.org",
        "credentials@cluj-lab.example.org",
        "Demo issuer: hands-on courses on sensors, open data and urban mobility in Cluj-Napoca.",
        ("21 Strada Memorandumului", "400114", "Cluj-Napoca", "Cluj", "RO"),
    ),
)

SOFIA, CLUJ = (issuer.slug for issuer in DEMO_ISSUERS)
DEMO_ORGANISATIONS = tuple((issuer.slug, issuer.organisation) for issuer in DEMO_ISSUERS)

DEMO_ACHIEVEMENTS = (
    DemoAchievement(
        SOFIA,
        "Smart City Project Developer",
        "Plans, budgets and runs a smart-city project with citizens and city departments.",
        "Completed the **validation path**: a project plan, a stakeholder map and a pilot "
        "report, each approved by an assessor.",
        "Certificate",
        validity_days=3 * 365,
        alignments=(("Project planning", "SC-PM-1"), ("Citizen engagement", "SC-PM-2")),
    ),
    DemoAchievement(
        SOFIA,
        "Smart Cities Info Day Sofia 2026",
        "Took part in the Smart Cities Info Day in Sofia, 12 March 2026.",
        "Attended the info day and its workshop on data-driven city services.",
        "Badge",
    ),
    DemoAchievement(
        CLUJ,
        "IoT Sensor Networks for Municipal Services",
        "Installs, configures and maintains sensor networks for air quality, parking and lighting.",
        "Passed the practical assessment: a working **LoRaWAN** sensor node and its data feed.",
        "Course",
        validity_days=365,
        alignments=(("Sensor networks", "SC-IOT-1"),),
    ),
    DemoAchievement(
        CLUJ,
        "Urban Mobility Data Analyst",
        "Turns traffic and public-transport data into decisions a city council can act on.",
        "Delivered an analysis of real mobility data, reviewed by two assessors.",
        "Certificate",
        validity_days=3 * 365,
        alignments=(("Open data analysis", "SC-DATA-2"),),
    ),
)

PARTICIPANT_EMAIL = "participant@demo.example"
DEMO_AWARDS = (
    DemoAward("Smart City Project Developer", "Maria Ivanova", PARTICIPANT_EMAIL,
              shared=True, show_name=True),
    DemoAward("Smart Cities Info Day Sofia 2026", "Maria Ivanova", PARTICIPANT_EMAIL,
              shared=True),
    DemoAward("Smart Cities Info Day Sofia 2026", "Georgi Petrov", "georgi.petrov@example.org"),
    DemoAward("Urban Mobility Data Analyst", "Ioana Mureșan", "ioana.muresan@example.org"),
    DemoAward("IoT Sensor Networks for Municipal Services", "Radu Popa", "radu.popa@example.org",
              days_ago=400),
    DemoAward("Urban Mobility Data Analyst", "Victor Stan", "victor.stan@example.org",
              revoked_because="Awarded by mistake: the analysis was not yet reviewed."),
)  # fmt: skip

DEMO_LOGINS = (
    DemoLogin(Role.PARTICIPANT, PARTICIPANT_EMAIL, "Maria Ivanova"),
    DemoLogin(Role.ASSESSOR, "assessor@demo.example", "Dr. Andrei Popescu"),
    DemoLogin(Role.ISSUER_ADMIN, "issuer@demo.example", "Elena Georgieva"),
    DemoLogin(Role.PLATFORM_ADMIN, "admin@demo.example", "Platform Administrator"),
)


@dataclass(frozen=True, slots=True)
class _Issuing:
    """What every demo issuance needs; one loader for all, so contexts are processed once."""

    keyring: Keyring
    base_url: str
    now: datetime
    loader: StaticDocumentLoader


def load_demo(
    session: Session,
    *,
    now: datetime,
    keyring: Keyring,
    base_url: str,
    store: EvidenceStore | None = None,
) -> tuple[DemoLogin, ...]:
    """Create the demo framework, organisations, issuers, users and credentials not there yet.

    With an evidence ``store``, the participant has also completed the IoT path: evidence
    approved by the demo assessor and the credential issued through certification.
    """
    import_framework(
        session, load_framework_json(DEMO_FRAMEWORK.read_bytes(), str(DEMO_FRAMEWORK)), now=now
    )
    issuers = [
        _issuer(session, demo, now=now, keyring=keyring, base_url=base_url) for demo in DEMO_ISSUERS
    ]
    users = {login.email: _user(session, login, issuers, now=now) for login in DEMO_LOGINS}
    achievements = {
        demo.name: _achievement(session, demo, base_url, now) for demo in DEMO_ACHIEVEMENTS
    }
    issuing = _Issuing(keyring, base_url, now, StaticDocumentLoader())
    admin = users["issuer@demo.example"]
    for award in DEMO_AWARDS:
        achievement = achievements[award.achievement]
        recipient = users.get(award.email)
        _award(
            session,
            award,
            achievement=achievement,
            issuing=issuing,
            recipient=recipient,
            admin=admin,
        )
    import_paths(session, load_paths_json(DEMO_PATHS.read_bytes(), str(DEMO_PATHS)), now=now)
    _enrolment_in_progress(session, users[PARTICIPANT_EMAIL], now=now)
    if store is not None:
        assessor = users["assessor@demo.example"]
        _completed_path(session, users[PARTICIPANT_EMAIL], assessor, issuing, store)
    return DEMO_LOGINS


def _completed_path(
    session: Session, participant: User, assessor: User, issuing: _Issuing, store: EvidenceStore
) -> None:
    """The participant's finished IoT path: every requirement approved, the credential issued."""
    path = session.scalars(
        select(ValidationPath).where(
            ValidationPath.code == COMPLETED_PATH, ValidationPath.state == "published"
        )
    ).first()
    if path is None or session.scalar(
        select(Enrolment.id).where(
            Enrolment.path_id == path.id, Enrolment.user_id == participant.id
        )
    ):
        return
    now = issuing.now
    for code in (COMPLETED_PATH, IN_PROGRESS_PATH):
        if assessor.id not in {user.id for user in assessors_of(session, code)}:
            assign_assessor(session, code, assessor.id, now=now)
    enrolment = enrol(session, path.id, user_id=participant.id, now=now)
    requirements = session.scalars(
        select(Requirement).where(Requirement.path_id == path.id).order_by(Requirement.position)
    ).all()
    elements = dict.fromkeys(requirement.element_id for requirement in requirements)
    self_assess(session, enrolment.id, user_id=participant.id, levels=dict.fromkeys(elements, 5),
                now=now)  # fmt: skip
    for number, requirement in enumerate(requirements):
        if requirement.stage == "identification":
            continue
        submission = submit_evidence(
            session,
            enrolment.id,
            requirement.id,
            user_id=participant.id,
            items=_demo_items(requirement, number),
            store=store,
            max_upload_mb=1,
            now=now,
            note="Ready for review.",
        )
        review_submission(
            session,
            submission.id,
            assessor_id=assessor.id,
            decision="approve",
            feedback="Clear, complete and matches the performance criteria.",
            rubric_level=2 if requirement.rubric else None,
            method=requirement.method,
            now=now,
            base_url=issuing.base_url,
        )
    pending = session.scalars(
        select(Issuance.id).where(
            Issuance.recipient_user_id == participant.id, Issuance.state == "pending"
        )
    ).all()
    for issuance_id in pending:  # issue now, so the demo shows it at once (the task is a no-op)
        complete_issuance(session, issuance_id, keyring=issuing.keyring,
                          base_url=issuing.base_url, now=now, loader=issuing.loader)  # fmt: skip


def _demo_items(requirement: Requirement, number: int) -> list[EvidenceItem]:
    """Enough evidence of an accepted kind: links where allowed, else a small PDF report."""
    kinds = set(requirement.evidence_kinds)
    wanted = max(requirement.min_items, 0)
    if "link" in kinds:
        return [
            EvidenceItem.of_link(f"https://example.org/cluj-sensors/report-{number}-{item}")
            for item in range(wanted)
        ]
    if "text" in kinds:
        return [EvidenceItem.of_text(DEMO_ANSWERS[0]) for _ in range(min(wanted, 1))]
    pdf = b"%PDF-1.4\n% demo evidence " + str(number).encode() + b"\n%%EOF\n"
    return [EvidenceItem.of_file(pdf, f"sensor-test-{number}.pdf") for _ in range(min(wanted, 1))]


def _enrolment_in_progress(session: Session, participant: User, *, now: datetime) -> None:
    """The participant is on the project manager path: self-assessed, two answers submitted.

    Only text and link evidence, so the demo needs no evidence store; the answers wait in the
    assessors' queue.
    """
    path = session.scalars(
        select(ValidationPath).where(
            ValidationPath.code == IN_PROGRESS_PATH, ValidationPath.state == "published"
        )
    ).first()
    if path is None or session.scalar(
        select(Enrolment.id).where(
            Enrolment.path_id == path.id, Enrolment.user_id == participant.id
        )
    ):
        return
    enrolment = enrol(session, path.id, user_id=participant.id, now=now)
    requirements = session.scalars(
        select(Requirement).where(Requirement.path_id == path.id).order_by(Requirement.position)
    ).all()
    elements = list(dict.fromkeys(requirement.element_id for requirement in requirements))
    levels = dict(zip(elements, (6, 5, 4, 3), strict=False))
    self_assess(session, enrolment.id, user_id=participant.id, levels=levels, now=now)
    answerable = [
        requirement
        for requirement in requirements
        if requirement.stage == "documentation"
        and {"text", "link"} & set(requirement.evidence_kinds)
        and requirement.min_items == 1
    ]
    for requirement, answer in zip(answerable, DEMO_ANSWERS, strict=False):
        item = (
            EvidenceItem.of_text(answer)
            if "text" in requirement.evidence_kinds
            else EvidenceItem.of_link("https://example.org/sofia-pilot-report")
        )
        submit_evidence(
            session,
            enrolment.id,
            requirement.id,
            user_id=participant.id,
            items=[item],
            store=_NO_FILES,
            max_upload_mb=1,
            now=now,
        )


class _NoFiles:
    """An evidence store for answers without files: the demo never stores one."""

    def put(self, data: bytes) -> str:  # pragma: no cover - never called: no demo files
        raise RuntimeError("the demo submits no files")

    def open(self, sha256: str) -> bytes:  # pragma: no cover
        raise RuntimeError("the demo submits no files")

    def delete(self, sha256: str) -> None:  # pragma: no cover
        raise RuntimeError("the demo submits no files")


_NO_FILES = _NoFiles()


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


def _issuer(
    session: Session, demo: DemoIssuer, *, now: datetime, keyring: Keyring, base_url: str
) -> Issuer:
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


def _user(session: Session, login: DemoLogin, issuers: list[Issuer], *, now: datetime) -> User:
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


def _achievement(
    session: Session, demo: DemoAchievement, base_url: str, now: datetime
) -> Achievement:
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


def _award(
    session: Session,
    award: DemoAward,
    *,
    achievement: Achievement,
    issuing: _Issuing,
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
        _publish_lists(session, achievement.issuer_id, issuing, at=at)
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
        _publish_lists(session, achievement.issuer_id, issuing, at=issuing.now)


def _publish_lists(session: Session, issuer_id: int, issuing: _Issuing, *, at: datetime) -> None:
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
