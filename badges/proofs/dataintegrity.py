"""What every Data Integrity proof shares: proof options, ``created``, ``proofValue``, proof sets.

VC Data Integrity 1.0 (https://www.w3.org/TR/vc-data-integrity/): §"Proofs" (the data model),
§"Add Proof" and §"Verify Proof" (the generic checks around a cryptosuite).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from badges.proofs import multikey
from badges.proofs.errors import KeyFormatError, MalformedProof, SignerMismatch
from badges.proofs.signer import ED25519, Signer

JsonObject = dict[str, Any]

DATA_INTEGRITY_PROOF = "DataIntegrityProof"
ASSERTION_METHOD = "assertionMethod"
ED25519_SIGNATURE_LENGTH = 64

#: XML Schema 1.1 ``dateTimeStamp`` (a ``dateTime`` with a mandatory time zone), Data Integrity
#: §"Proofs" ``created`` / ``expires``. :func:`datetime.fromisoformat` checks the calendar.
_DATETIME_STAMP = re.compile(
    r"-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})", re.ASCII
)


def format_created(moment: datetime) -> str:
    """Write ``created`` as an XML ``dateTimeStamp`` in UTC; fractions only when there are any."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise MalformedProof("The proof's created time must be timezone-aware.")
    utc = moment.astimezone(UTC)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    if utc.microsecond:
        text += f".{utc.microsecond:06d}".rstrip("0")
    return text + "Z"


def parse_datetime_stamp(value: object, *, field: str) -> datetime:
    """Parse an XML ``dateTimeStamp`` or raise :class:`MalformedProof` naming ``field``."""
    if not isinstance(value, str) or not _DATETIME_STAMP.fullmatch(value):
        raise MalformedProof(
            "The proof's %(field)s is not an XML dateTimeStamp with a time zone.",
            params={"field": field},
        )
    try:
        return datetime.fromisoformat(value)
    except ValueError as err:
        raise MalformedProof(
            "The proof's %(field)s is not a valid date and time.", params={"field": field}
        ) from err


def proofs_of(document: Mapping[str, Any]) -> list[JsonObject]:
    """The document's proofs as a list (a single ``proof`` object is a set of one)."""
    raw = document.get("proof")
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else [raw]
    if not all(isinstance(item, dict) for item in items):
        raise MalformedProof("Every proof must be a JSON object.")
    return list(items)


def unsecured_document(document: Mapping[str, Any]) -> JsonObject:
    """A shallow copy of the document without ``proof`` (Data Integrity §"Verify Proof" step 1)."""
    return {key: value for key, value in document.items() if key != "proof"}


def proof_options(proof: Mapping[str, Any]) -> JsonObject:
    """The proof without ``proofValue``: the options the signature covered."""
    return {key: value for key, value in proof.items() if key != "proofValue"}


def check_required_members(proof: Mapping[str, Any]) -> None:
    """Data Integrity §"Verify Proof": ``type``, ``verificationMethod``, ``proofPurpose`` exist."""
    for member in ("type", "verificationMethod", "proofPurpose"):
        if not isinstance(proof.get(member), str) or not proof[member]:
            raise MalformedProof(
                "The proof has no %(member)s (or it is not a string).", params={"member": member}
            )
    if "created" in proof:
        parse_datetime_stamp(proof["created"], field="created")
    if "expires" in proof:
        parse_datetime_stamp(proof["expires"], field="expires")


def decode_proof_value(proof: Mapping[str, Any]) -> bytes:
    """Decode ``proofValue``: base58btc multibase of a 64-byte Ed25519 signature."""
    value = proof.get("proofValue")
    if not isinstance(value, str):
        raise MalformedProof("The proof has no proofValue string.")
    try:
        signature = multikey.decode_multibase(value)
    except KeyFormatError as err:
        raise MalformedProof(
            "The proofValue is not base58btc multibase: %(reason)s", params={"reason": err.message}
        ) from err
    if len(signature) != ED25519_SIGNATURE_LENGTH:
        raise MalformedProof(
            "An Ed25519 proofValue holds 64 bytes, got %(length)d.",
            params={"length": len(signature)},
        )
    return signature


def encode_proof_value(signature: bytes) -> str:
    """Encode a signature as ``proofValue`` (``z`` + base58btc)."""
    return multikey.encode_multibase(signature)


def apply_proof_context(unsecured: JsonObject, options: Mapping[str, Any]) -> bool:
    """vc-di-eddsa "Verify Proof" step 4: a proof's own ``@context`` must prefix the document's.

    Returns False when it does not (the proof then fails); otherwise sets the unsecured document's
    ``@context`` to the proof's, as the step says.
    """
    if "@context" not in options:
        return True
    proof_context = _as_list(options["@context"])
    document_context = _as_list(unsecured.get("@context"))
    if document_context[: len(proof_context)] != proof_context:
        return False
    unsecured["@context"] = options["@context"]
    return True


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def sign_ed25519(
    hash_data: bytes, options: Mapping[str, Any], *, signer: Signer, suite: str
) -> bytes:
    """The EdDSA suites' Proof Serialization: an Ed25519 signature by the key the options name.

    Checking the key stops a proof from claiming a verification method other than its signer's.
    """
    if signer.algorithm != ED25519:
        raise SignerMismatch(
            "%(suite)s signs with Ed25519, but the signer makes %(algorithm)s signatures.",
            params={"suite": suite, "algorithm": signer.algorithm},
        )
    if options.get("verificationMethod") != signer.verification_method:
        raise SignerMismatch("The proof's verificationMethod is not the signer's key.")
    return signer.sign(hash_data)
