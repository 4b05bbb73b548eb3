"""Demo data for a first look: two partner issuers, their achievements, credentials, and users.

Loading twice changes nothing: what exists is left alone. Credentials go through the real flow
(``request_issuance`` then ``complete_issuance``), so each is signed and self-verified; one is
revoked and one has expired, so every verifier outcome can be seen. The logins are printed by
``badges demo load`` and ``make run``.

``data`` holds the tables, ``awards`` the issuers, accounts and credentials, ``journey`` the
participant's validation paths.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from badges.demo.awards import (
    Issuing,
    demo_achievement,
    demo_award,
    demo_issuer,
    demo_user,
    public_credential_urls,
)
from badges.demo.data import (
    DEMO_ACHIEVEMENTS,
    DEMO_AWARDS,
    DEMO_FRAMEWORK,
    DEMO_ISSUERS,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DEMO_PATHS,
    PARTICIPANT_EMAIL,
    DemoLogin,
)
from badges.demo.journey import completed_path, enrolment_in_progress
from badges.jsonld.loader import StaticDocumentLoader
from issuer import Keyring
from paths import (
    EvidenceStore,
    import_framework,
    import_paths,
    load_framework_json,
    load_paths_json,
)

__all__ = [
    "DEMO_AWARDS",
    "DEMO_LOGINS",
    "DEMO_PASSWORD",
    "PARTICIPANT_EMAIL",
    "DemoLogin",
    "load_demo",
    "public_credential_urls",
]


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
        demo_issuer(session, demo, now=now, keyring=keyring, base_url=base_url)
        for demo in DEMO_ISSUERS
    ]
    users = {login.email: demo_user(session, login, issuers, now=now) for login in DEMO_LOGINS}
    achievements = {
        demo.name: demo_achievement(session, demo, base_url, now) for demo in DEMO_ACHIEVEMENTS
    }
    issuing = Issuing(keyring, base_url, now, StaticDocumentLoader())
    admin = users["issuer@demo.example"]
    for award in DEMO_AWARDS:
        achievement = achievements[award.achievement]
        recipient = users.get(award.email)
        demo_award(
            session,
            award,
            achievement=achievement,
            issuing=issuing,
            recipient=recipient,
            admin=admin,
        )
    import_paths(session, load_paths_json(DEMO_PATHS.read_bytes(), str(DEMO_PATHS)), now=now)
    assessor = users["assessor@demo.example"]
    enrolment_in_progress(session, users[PARTICIPANT_EMAIL], assessor, now=now, base_url=base_url)
    if store is not None:
        completed_path(session, users[PARTICIPANT_EMAIL], assessor, issuing, store)
    return DEMO_LOGINS
