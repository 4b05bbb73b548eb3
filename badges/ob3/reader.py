"""Read an OB 3.0 credential from JSON into the model, naming the JSON path of any problem.

Reads VCDM 2.0 credentials and tolerates VCDM 1.1 ones (``reference/ob3-spec.md`` §1.1):
``issuanceDate`` becomes ``validFrom``, ``expirationDate`` becomes ``validUntil``, the VC v1 context
is accepted in first place, and an issuer given as a bare URI becomes a Profile with only an
``id``. Compacted values (one item where an array is expected, a single ``type`` string) are
accepted everywhere. Older OB contexts are accepted and normalised to 3.0.3 on writing.

Malformed input raises :class:`CredentialFormatError` and nothing else: not ``KeyError``,
``TypeError`` or ``RecursionError``, whatever the document holds.
"""

from __future__ import annotations

from badges.ob3.json_node import CredentialFormatError, Node, building, child, json_object
from badges.ob3.model import AchievementCredential
from badges.ob3.read_parts import (
    read_credential_schema,
    read_evidence,
    read_image,
    read_issuer,
    read_refresh_service,
    read_status,
    read_subject,
    read_terms_of_use,
)
from badges.ob3.values import OB_V3_CONTEXTS, VC_V1_CONTEXT, VC_V2_CONTEXT, JsonObject

__all__ = ["CredentialFormatError", "from_json_ld"]


def from_json_ld(document: object) -> AchievementCredential:
    """Read an OB 3.0 AchievementCredential (VCDM 2.0, or VCDM 1.1 tolerated).

    Args:
        document: The parsed JSON, as from :func:`json.loads`.

    Raises:
        CredentialFormatError: the document is malformed; ``path`` names the offending value.
    """
    node = Node(document, "$")
    version, extras = _contexts(node)
    if version == 1:
        valid_from_key = "issuanceDate" if "issuanceDate" in node.data else "validFrom"
        valid_until_key = "expirationDate" if "expirationDate" in node.data else "validUntil"
    else:
        valid_from_key, valid_until_key = "validFrom", "validUntil"
    types = node.types("VerifiableCredential")
    if "OpenBadgeCredential" not in types and "AchievementCredential" not in types:
        raise CredentialFormatError(
            node.at("type"), "must include 'OpenBadgeCredential' or 'AchievementCredential'"
        )
    status_value = node.get("credentialStatus")
    with building(node.path):
        return AchievementCredential(
            id=node.uri("id"),
            type=types,
            name=node.opt_text("name"),
            description=node.opt_text("description"),
            image=node.opt("image", read_image),
            issuer=read_issuer(node.get("issuer"), node.at("issuer")),
            valid_from=node.timestamp(valid_from_key),
            valid_until=node.opt_timestamp(valid_until_key),
            awarded_date=node.opt_timestamp("awardedDate"),
            credential_subject=read_subject(
                node.get("credentialSubject"), node.at("credentialSubject")
            ),
            evidence=node.many("evidence", read_evidence),
            credential_schema=node.many("credentialSchema", read_credential_schema),
            credential_status=read_status(status_value, node.at("credentialStatus")),
            refresh_service=node.opt("refreshService", read_refresh_service, single=True),
            terms_of_use=node.many("termsOfUse", read_terms_of_use),
            endorsement=node.many("endorsement", json_object),
            endorsement_jwt=node.texts("endorsementJwt"),
            proof=node.many("proof", json_object),
            contexts=extras,
        )


def _contexts(node: Node) -> tuple[int, tuple[str | JsonObject, ...]]:
    """Check ``@context``; return the VC Data Model version (1 or 2) and the extra contexts."""
    path = node.at("@context")
    value = node.required("@context")
    items = value if isinstance(value, list) else [value]
    if not items or not isinstance(items[0], str) or items[0] not in (VC_V2_CONTEXT, VC_V1_CONTEXT):
        raise CredentialFormatError(child(path, 0), f"must be {VC_V2_CONTEXT}")
    version = 2 if items[0] == VC_V2_CONTEXT else 1
    # VCDM 1.1 credentials in the wild put the OB context anywhere after the VC one.
    candidates = items[1:2] if version == 2 else items[1:]
    ob_index = next(
        (1 + i for i, item in enumerate(candidates) if isinstance(item, str) and _is_ob(item)),
        None,
    )
    if ob_index is None:
        raise CredentialFormatError(child(path, 1), "must be the Open Badges 3.0 context")
    extras: list[str | JsonObject] = []
    for index, item in enumerate(items):
        if index in {0, ob_index}:
            continue
        item_path = child(path, index)
        extras.append(item if isinstance(item, str) else json_object(item, item_path))
    return version, tuple(extras)


def _is_ob(context: str) -> bool:
    return context in OB_V3_CONTEXTS
