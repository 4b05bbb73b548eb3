"""The signed ``BitstringStatusListCredential`` an issuer publishes for each status list.

W3C Bitstring Status List v1.0 §2.2: the list credential is re-signed after every change (a task
sent after commit, :data:`PUBLISH_STATUS_LIST_TASK`) so that a verifier can trust the bits it
reads. The pure codec is :mod:`badges.statuslist`.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from badges.errors import N_
from badges.jsonld.contexts import VC_V2_CONTEXT
from badges.jsonld.loader import StaticDocumentLoader
from badges.ob3 import format_timestamp
from badges.proofs import create_proof
from issuer.errors import StatusListNotFound
from issuer.keys import Keyring, signer_for
from issuer.models import StatusList

PUBLISH_STATUS_LIST_TASK = "issuer.publish_status_list"
#: How long a verifier may cache a status list credential: its ``ttl`` (§2.2, in milliseconds)
#: and the ``Cache-Control: max-age`` of ``GET /status/<id>`` say the same.
STATUS_LIST_TTL = timedelta(minutes=5)


def status_list_url(base_url: str, list_id: int) -> str:
    """Where the list credential is published (``GET /status/<list-id>``)."""
    return f"{base_url}/status/{list_id}"


def status_list_credential(
    session: Session,
    list_id: int,
    *,
    keyring: Keyring,
    base_url: str,
    now: datetime,
    loader: StaticDocumentLoader | None = None,
) -> dict[str, Any]:
    """Build and sign the ``BitstringStatusListCredential`` (§2.2) and store it on the list.

    Idempotent: signing again publishes the same bits with a fresh ``validFrom`` and proof.
    """
    status_list = session.get(StatusList, list_id)
    if status_list is None:
        raise StatusListNotFound(N_("No status list %(id)s."), params={"id": list_id})
    url = status_list_url(base_url, list_id)
    signer = signer_for(session, status_list.issuer_id, keyring=keyring)
    document: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": signer.verification_method.partition("#")[0],
        "validFrom": format_timestamp(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": status_list.purpose,
            "encodedList": status_list.encoded_list,
            "ttl": int(STATUS_LIST_TTL.total_seconds() * 1000),
        },
    }
    signed = create_proof(document, signer=signer, created=now, loader=loader)
    status_list.credential_json = json.dumps(signed, separators=(",", ":"))
    session.flush()
    return signed
