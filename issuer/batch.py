"""What issuing a batch loads once, and building and self-checking one credential with it.

Per credential, most of the time used to go to loading the same issuer, achievement, signer (a
decryption), DID documents and status lists again, and to verifying the status list's own
signature in every self-check (issue #4). A :class:`BatchContext` holds them for a batch of one
issuer's issuances; :mod:`issuer.issuance` runs the batch and owns its transaction steps.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.jsonld.loader import StaticDocumentLoader
from badges.ob3 import (
    Achievement as OB3Achievement,
)
from badges.ob3 import (
    AchievementCredential,
    AchievementSubject,
    Alignment,
    Criteria,
    Image,
    JsonObject,
    Profile,
    hashed_email,
    to_json_ld,
)
from badges.proofs import Signer, create_proof
from issuer.achievements import alignments_of
from issuer.extras import merge_extras
from issuer.identity import did_documents, issuer_profile
from issuer.keys import Keyring, signer_for
from issuer.models import Achievement, Credential, Issuance, Issuer, StatusList
from issuer.status_allocation import (
    REVOCATION,
    SUSPENSION,
    Reservation,
    allocate_indexes,
    current_list,
)
from issuer.status_signing import status_list_credential, status_list_url
from verifier import MapFetcher, Outcome, StatusListCache, verify_credential


@dataclass(slots=True)
class BatchContext:
    """Everything the credentials of one issuer's batch share, loaded once."""

    issuer: Issuer
    profile: Profile
    achievements: dict[int, Achievement]
    awarded: dict[int, OB3Achievement]
    signer: Signer
    lists: dict[str, StatusList]
    fetcher: MapFetcher
    loader: StaticDocumentLoader
    status_cache: StatusListCache
    base_url: str

    def purposes(self, achievement_id: int) -> tuple[str, ...]:
        """Revocation always; suspension only when the achievement allows it.

        OB 3.0's schema allows one credentialStatus object, and a list fails it
        (reference/ob3-spec.md §4.3), so suspension is opt-in per achievement.
        """
        if self.achievements[achievement_id].allow_suspension:
            return (REVOCATION, SUSPENSION)
        return (REVOCATION,)


def load_context(
    session: Session,
    issuer_id: int,
    achievement_ids: Collection[int],
    *,
    keyring: Keyring,
    base_url: str,
    now: datetime,
    loader: StaticDocumentLoader,
    status_cache: StatusListCache,
) -> BatchContext:
    """Load (and, for a new status list, sign) what the batch needs, in a few statements."""
    issuer = session.get_one(Issuer, issuer_id)
    achievements = {
        achievement.id: achievement
        for achievement in session.scalars(
            select(Achievement).where(Achievement.id.in_(sorted(achievement_ids)))
        )
    }
    purposes = [REVOCATION]
    if any(achievement.allow_suspension for achievement in achievements.values()):
        purposes.append(SUSPENSION)
    lists = {
        purpose: _signed_list(
            session, issuer_id, purpose, keyring=keyring, base_url=base_url, now=now, loader=loader
        )
        for purpose in purposes
    }
    published = {
        status_list_url(base_url, status_list.id): json.loads(status_list.credential_json or "{}")
        for status_list in lists.values()
    }
    return BatchContext(
        issuer=issuer,
        profile=issuer_profile(issuer, base_url=base_url),
        achievements=achievements,
        awarded={key: _awarded(value, base_url) for key, value in achievements.items()},
        signer=signer_for(session, issuer_id, keyring=keyring),
        lists=lists,
        fetcher=MapFetcher({**did_documents(session, issuer), **published}),
        loader=loader,
        status_cache=status_cache,
        base_url=base_url,
    )


def build_credential(
    context: BatchContext,
    issuance: Issuance,
    reserved: list[Reservation],
    *,
    now: datetime,
) -> tuple[JsonObject, datetime | None]:
    """The signed credential for ``issuance`` with its reserved status entries, and validUntil."""
    achievement = context.achievements[issuance.achievement_id]
    valid_until = (
        now + timedelta(days=achievement.validity_days) if achievement.validity_days else None
    )
    unsigned = to_json_ld(_credential_model(context, issuance, now=now, valid_until=valid_until))
    if issuance.extras_json:
        unsigned = merge_extras(unsigned, issuance.extras_json)
    status = [_status_entry(context, reservation) for reservation in reserved]
    unsigned["credentialStatus"] = status[0] if len(status) == 1 else list(status)
    signed = create_proof(unsigned, signer=context.signer, created=now, loader=context.loader)
    return signed, valid_until


def self_check(context: BatchContext, signed: JsonObject, *, now: datetime) -> str | None:
    """Verify offline as a stranger would; return why it failed, or None.

    The batch's status cache means the status list's own proof is verified once per batch.
    """
    report = verify_credential(
        signed,
        loader=context.loader,
        fetcher=context.fetcher,
        now=now,
        status_cache=context.status_cache,
    )
    if report.verified:
        return None
    return "; ".join(
        f"{check.id}: {check.message}" for check in report.checks if check.outcome == Outcome.FAIL
    )


def _signed_list(
    session: Session,
    issuer_id: int,
    purpose: str,
    *,
    keyring: Keyring,
    base_url: str,
    now: datetime,
    loader: StaticDocumentLoader,
) -> StatusList:
    """The issuer's current list for ``purpose``, signed once when it is new."""
    status_list = current_list(session, issuer_id, purpose=purpose, now=now)
    if status_list.credential_json is None:
        status_list_credential(
            session, status_list.id, keyring=keyring, base_url=base_url, now=now, loader=loader
        )
    return status_list


def _status_entry(context: BatchContext, reservation: Reservation) -> JsonObject:
    """A ``BitstringStatusListEntry`` (Bitstring Status List §2.1); ``id`` is required by OB."""
    url = status_list_url(context.base_url, reservation.status_list_id)
    purpose = next(
        status_list.purpose
        for status_list in context.lists.values()
        if status_list.id == reservation.status_list_id
    )
    return {
        "id": f"{url}#{reservation.status_index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(reservation.status_index),
        "statusListCredential": url,
    }


def _credential_model(
    context: BatchContext,
    issuance: Issuance,
    *,
    now: datetime,
    valid_until: datetime | None,
) -> AchievementCredential:
    return AchievementCredential(
        id=f"urn:uuid:{uuid.uuid4()}",
        name=context.achievements[issuance.achievement_id].name,
        issuer=context.profile,
        valid_from=now,
        valid_until=valid_until,
        awarded_date=now,
        credential_subject=AchievementSubject(
            identifier=(hashed_email(issuance.recipient_email),),
            achievement=context.awarded[issuance.achievement_id],
        ),
    )


def _awarded(achievement: Achievement, base_url: str) -> OB3Achievement:
    """The OB ``Achievement`` a credential copies: what was awarded, as it is now."""
    return OB3Achievement(
        id=f"{base_url}/achievements/{achievement.id}",
        name=achievement.name,
        description=achievement.description,
        criteria=Criteria(narrative=achievement.criteria_narrative),
        achievement_type=achievement.achievement_type,
        version=str(achievement.version),
        image=_image(achievement, base_url),
        alignment=tuple(_alignment(item) for item in alignments_of(achievement)),
        in_language=achievement.language,
    )


def _image(achievement: Achievement, base_url: str) -> Image | None:
    """OB ``Image`` of an achievement with an uploaded image (served by the public pages)."""
    if achievement.image_media_type is None:
        return None
    return Image(id=f"{base_url}/achievements/{achievement.id}/image")


def _alignment(item: dict[str, str]) -> Alignment:
    return Alignment(
        target_name=item["targetName"],
        target_url=item["targetUrl"],
        target_framework=item.get("targetFramework"),
        target_code=item.get("targetCode"),
    )


def reserve(
    session: Session, context: BatchContext, group: list[Issuance]
) -> dict[int, list[Reservation]]:
    """Each issuance's status entries (revocation, then suspension if allowed), in bulk."""
    wants = {issuance.id: context.purposes(issuance.achievement_id) for issuance in group}
    reserved: dict[int, list[Reservation]] = {issuance.id: [] for issuance in group}
    for purpose, status_list in context.lists.items():
        takers = [issuance_id for issuance_id, purposes in wants.items() if purpose in purposes]
        entries = allocate_indexes(session, status_list, len(takers))
        for issuance_id, entry in zip(takers, entries, strict=True):
            reserved[issuance_id].append(entry)
    return reserved


def credential_row(
    issuance: Issuance,
    signed: JsonObject,
    entries: list[Reservation],
    *,
    now: datetime,
    valid_until: datetime | None,
) -> Credential:
    """The row that keeps a verified credential and where its status bits are."""
    entry, suspension = entries[0], (entries[1] if len(entries) > 1 else None)
    return Credential(
        public_id=str(signed["id"]).removeprefix("urn:uuid:"),
        issuance_id=issuance.id,
        issuer_id=issuance.issuer_id,
        document=json.dumps(signed, separators=(",", ":"), ensure_ascii=False),
        valid_from=now,
        valid_until=valid_until,
        status_list_id=entry.status_list_id,
        status_index=entry.status_index,
        suspended=False,
        suspension_list_id=suspension.status_list_id if suspension else None,
        suspension_index=suspension.status_index if suspension else None,
    )
