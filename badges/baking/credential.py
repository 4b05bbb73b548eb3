"""What may be baked: a credential as JSON text (embedded proof) or as a compact JWS (VC-JWT).

OB 3.0 §5.3 (Baked Badge) lets both image formats carry either; SVG stores them differently, so
both bakers classify the text here first and refuse anything else.
"""

from __future__ import annotations

import enum
import json
import re

from badges.baking.errors import ImageTooLarge, InvalidCredentialText
from badges.errors import N_

#: Largest credential text we bake or extract (UTF-8 bytes). Credentials with an embedded
#: achievement image run to a few hundred KB; four MiB leaves room and bounds decompression.
MAX_CREDENTIAL_BYTES = 4 * 1024 * 1024

#: RFC 7515 §7.1 compact serialisation: three base64url parts (payload may be empty).
_COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+")


class CredentialFormat(enum.StrEnum):
    """How the credential is secured, which decides where SVG puts it."""

    JSON = "json"
    JWS = "jws"


def credential_format(credential: str) -> CredentialFormat:
    """Classify text to bake: a JSON object, or a compact JWS; anything else is refused."""
    if len(credential) > MAX_CREDENTIAL_BYTES:
        raise ImageTooLarge(
            N_("The credential is larger than %(max)s bytes."),
            params={"max": MAX_CREDENTIAL_BYTES},
        )
    try:
        size = len(credential.encode("utf-8"))
    except UnicodeEncodeError as error:
        raise InvalidCredentialText(N_("The credential is not valid Unicode text.")) from error
    if size > MAX_CREDENTIAL_BYTES:
        raise ImageTooLarge(
            N_("The credential is larger than %(max)s bytes."),
            params={"max": MAX_CREDENTIAL_BYTES},
        )
    if _COMPACT_JWS.fullmatch(credential):
        return CredentialFormat.JWS
    # OB 3.0 §5.3: "If the text starts with `{` it is JSON"; check that it really is an object.
    if credential.lstrip().startswith("{"):
        try:
            document = json.loads(credential)
        except (ValueError, RecursionError) as error:
            raise InvalidCredentialText(
                N_("The credential is not valid JSON: %(reason)s."), params={"reason": str(error)}
            ) from error
        if isinstance(document, dict):
            return CredentialFormat.JSON
    raise InvalidCredentialText(
        N_("A baked credential must be a JSON object or a compact JWS (header.payload.signature).")
    )
