"""Privacy (GDPR, issue #6): a participant downloads all their data, or deletes their account.

Deletion removes the person and keeps what other people rely on, anonymised:

* Deleted: the account (roles, memberships, assessor assignments, conflicts declared by or
  about them), self-assessments, every piece of evidence and the files no other artefact
  shares, the mail sent to them, and their name and address wherever the issuer kept them.
* Kept, anonymised: enrolments, submission versions, reviews, appeals, the review audit log and
  certifications, with every free text (notes, feedback, appeal reasons) blanked. They are
  re-pointed at a *tombstone*: a new account with no name, no login and no role, one per
  deleted person. The models allow this without a migration (``enrolments.user_id`` stays
  required), every page that names a participant keeps working, and the assessors' decisions,
  the cohort figures and the basis of each issued credential stay on record.
* Kept as issued: credentials (see :mod:`issuer.privacy`): they still verify where the person
  took them, and the issuer can still revoke them.
* An assessor's reviews of other people's work stay: the participants depend on them. The
  reviewer is anonymised (``assessor_id`` and audit ``actor_id`` become NULL in the database).

Everything happens in the caller's transaction, so a failure leaves nothing half-deleted.
Evidence files are outside the database: :func:`delete_account` only returns the hashes of the
files nothing references any more, and the caller removes them with
:func:`purge_evidence_files` after committing. A crash between the two leaves unreferenced
files, which nothing can reach, rather than rows whose files are gone.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from badges.accounts import Role, User, UserRole
from badges.accounts.passwords import verify_password
from badges.accounts.service import MAX_PASSWORD_LENGTH
from badges.errors import N_, Conflict, InvalidInput
from badges.mail import MailMessage
from issuer import RecipientErasure, erase_recipient_data
from paths.models import (
    Appeal,
    Artefact,
    Certification,
    Enrolment,
    EvidenceFile,
    Review,
    ReviewEvent,
    SelfAssessment,
    Submission,
)
from paths.privacy_export import export_personal_data
from paths.storage import EvidenceStore

#: The tombstone's name, as assessor pages and the audit log show it.
DELETED_NAME = "Deleted account"
#: Tombstones' addresses are in the ``.invalid`` top-level domain (RFC 2606): never deliverable.
TOMBSTONE_DOMAIN = "deleted.invalid"
#: Not an Argon2 hash, so no password ever matches it.
NO_PASSWORD = "!"  # noqa: S105 - a deliberately unusable hash, not a secret


class WrongPassword(InvalidInput):
    """The password typed to confirm the deletion is not the account's."""

    code = "wrong_password"


class LastPlatformAdmin(Conflict):
    """Deleting the only platform admin would leave nobody able to manage the platform."""

    code = "last_platform_admin"


@dataclass(frozen=True, slots=True)
class AccountDeletion:
    """What the deletion did; remove ``orphaned_files`` from the store after committing."""

    enrolments: int
    artefacts: int
    orphaned_files: tuple[str, ...]
    tombstone_id: int | None
    issuer: RecipientErasure


def confirm_password(user: User, password: str) -> None:
    """Check the password typed again to confirm a deletion.

    Raises:
        WrongPassword: it is not the account's password.
    """
    if len(password) > MAX_PASSWORD_LENGTH or not verify_password(user.password_hash, password):
        raise WrongPassword(N_("This is not your password."), field="password")


def delete_account(session: Session, user: User, *, now: datetime) -> AccountDeletion:
    """Delete the user and their personal data; keep others' records anonymised (see above).

    Raises:
        LastPlatformAdmin: the user is the only platform admin.
    """
    _check_not_last_admin(session, user)
    enrolment_ids = list(session.scalars(select(Enrolment.id).where(Enrolment.user_id == user.id)))
    files = set(
        session.scalars(
            select(Artefact.file_sha256).where(
                Artefact.enrolment_id.in_(enrolment_ids), Artefact.file_sha256.is_not(None)
            )
        )
    )
    artefacts = session.scalar(
        select(func.count()).select_from(Artefact).where(Artefact.enrolment_id.in_(enrolment_ids))
    )
    # Submission items go with their artefacts (ON DELETE CASCADE).
    session.execute(delete(Artefact).where(Artefact.enrolment_id.in_(enrolment_ids)))
    session.execute(delete(SelfAssessment).where(SelfAssessment.enrolment_id.in_(enrolment_ids)))
    tombstone = _tombstone(session, enrolment_ids, now=now)
    _anonymise(session, enrolment_ids, tombstone, now=now)
    session.execute(delete(MailMessage).where(MailMessage.to_address == user.email))
    erasure = erase_recipient_data(session, user, now=now)
    orphaned = _drop_unreferenced_files(session, {sha for sha in files if sha})
    session.delete(user)
    session.flush()
    return AccountDeletion(
        enrolments=len(enrolment_ids),
        artefacts=artefacts or 0,
        orphaned_files=orphaned,
        tombstone_id=tombstone,
        issuer=erasure,
    )


def purge_evidence_files(session: Session, store: EvidenceStore, sha256s: Sequence[str]) -> int:
    """After the deletion is committed: remove its files from the store; returns how many.

    Checked again here, so a file someone uploaded again since then is kept. (An upload racing
    this very check could still lose its file; uploads are rare enough that this is accepted.)
    """
    wanted = sorted(set(sha256s))
    still_used = set(
        session.scalars(select(EvidenceFile.sha256).where(EvidenceFile.sha256.in_(wanted)))
    )
    removed = [sha256 for sha256 in wanted if sha256 not in still_used]
    for sha256 in removed:
        store.delete(sha256)
    return len(removed)


def _check_not_last_admin(session: Session, user: User) -> None:
    if not any(granted.role is Role.PLATFORM_ADMIN for granted in user.roles):
        return
    others = session.scalar(
        select(func.count())
        .select_from(UserRole)
        .where(UserRole.role == Role.PLATFORM_ADMIN, UserRole.user_id != user.id)
    )
    if not others:
        raise LastPlatformAdmin(
            N_("You are the only platform admin. Make someone else an admin first.")
        )


def _tombstone(session: Session, enrolment_ids: Collection[int], *, now: datetime) -> int | None:
    """A nameless account with no login or role to hold the anonymised enrolments, if any."""
    if not enrolment_ids:
        return None
    tombstone = User(
        email=f"deleted-{uuid.uuid4().hex}@{TOMBSTONE_DOMAIN}",
        name=DELETED_NAME,
        password_hash=NO_PASSWORD,
        created_at=now,
    )
    session.add(tombstone)
    session.flush()
    return tombstone.id


def _anonymise(
    session: Session, enrolment_ids: Collection[int], tombstone: int | None, *, now: datetime
) -> None:
    """Blank every free text on the enrolments, close the open ones, hand them to the tombstone.

    Decisions, levels, methods, versions and dates stay: they are the assessors' and the
    issuer's record. Feedback and appeal reasons go: they are about this person's work and
    may well name them. Evidence pages of certifications stop being public.
    """
    if tombstone is None:
        return
    submissions = select(Submission.id).where(Submission.enrolment_id.in_(enrolment_ids))
    for statement in (
        update(Submission).where(Submission.enrolment_id.in_(enrolment_ids)).values(note=""),
        update(Review).where(Review.submission_id.in_(submissions)).values(feedback=""),
        update(ReviewEvent).where(ReviewEvent.submission_id.in_(submissions)).values(detail=""),
        update(Appeal).where(Appeal.submission_id.in_(submissions)).values(reason=""),
        update(Certification)
        .where(Certification.enrolment_id.in_(enrolment_ids))
        .values(evidence_public=False),
        update(Enrolment)
        .where(Enrolment.id.in_(enrolment_ids), Enrolment.state == "active")
        .values(state="withdrawn", withdrawn_at=now),
        update(Enrolment).where(Enrolment.id.in_(enrolment_ids)).values(user_id=tombstone),
    ):
        session.execute(statement.execution_options(synchronize_session="fetch"))


def _drop_unreferenced_files(session: Session, sha256s: set[str]) -> tuple[str, ...]:
    """Delete the rows of files no remaining artefact points at; return their hashes.

    Files are content-addressed and shared: another participant who sent the same bytes keeps
    them. Each row goes in its own SAVEPOINT, so an artefact added concurrently (the foreign
    key refuses the delete) keeps its file instead of failing the whole deletion.
    """
    still_used = set(
        session.scalars(select(Artefact.file_sha256).where(Artefact.file_sha256.in_(sha256s)))
    )
    orphaned = []
    for sha256 in sorted(sha256s - still_used):
        try:
            with session.begin_nested():
                session.execute(delete(EvidenceFile).where(EvidenceFile.sha256 == sha256))
        except IntegrityError:
            continue
        orphaned.append(sha256)
    return tuple(orphaned)


__all__ = [
    "AccountDeletion",
    "LastPlatformAdmin",
    "WrongPassword",
    "confirm_password",
    "delete_account",
    "export_personal_data",
    "purge_evidence_files",
]
