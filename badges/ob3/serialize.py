"""The exact OB 3.0 JSON of a credential, and reading it back.

:func:`to_json_ld` writes what the OB 3.0 "Serialization" section and the JSON Schema ask
(``reference/ob3-spec.md`` §1.1, §1.2): ``@context`` ``[VC v2, OB 3.0.3, extras…]``, camelCase
terms, ``type`` as an array except for the single-IRI classes (Image, IdentityObject,
IdentifierEntry, GeoCoordinates), no nulls and no empty arrays, ``DateTimeZ`` values as
``YYYY-MM-DDTHH:MM:SSZ`` and ``statusListIndex`` as a base-10 string.

:func:`from_json_ld` (in :mod:`badges.ob3.reader`) reads VCDM 2.0 credentials and tolerates
VCDM 1.1 ones; it is re-exported here. ``from_json_ld(to_json_ld(c)) == c`` for every credential.
"""

from __future__ import annotations

import copy
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from badges.ob3.model import AchievementCredential
from badges.ob3.reader import CredentialFormatError, from_json_ld
from badges.ob3.values import (
    OB_V3_CONTEXT,
    OB_V3_EXTENSIONS_CONTEXT,
    VC_V2_CONTEXT,
    JsonObject,
    JsonValue,
    utc_timestamp,
)

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

__all__ = ["CredentialFormatError", "format_timestamp", "from_json_ld", "to_json_ld"]

#: Types defined only by the OB extensions context; using one without it fails safe mode
#: (``digital-credentials-public-validator#64``).
EXTENSION_TYPES = frozenset(
    {"1EdTechJsonSchemaValidator2019", "1EdTechRevocationList", "1EdTechCredentialRefresh"}
)


def format_timestamp(value: datetime) -> str:
    """Write an aware datetime as ``YYYY-MM-DDTHH:MM:SSZ`` (UTC, whole seconds).

    Raises:
        ValueError: ``value`` is naive.
    """
    return utc_timestamp(value, "timestamp").isoformat().replace("+00:00", "Z")


def to_json_ld(credential: AchievementCredential) -> JsonObject:
    """Return the OB 3.0 JSON-LD document of ``credential`` (a fresh dict, safe to mutate).

    Raises:
        ValueError: the credential cannot be issued as it stands: the issuer has no name
            (displayers must show it), the subject has neither ``id`` nor ``identifier``, or a
            ``1EdTech…`` type is used without the OB extensions context.
    """
    if not credential.issuer.name:
        raise ValueError("the issuer needs a name: displayers must show it")
    subject = credential.credential_subject
    if subject.id is None and not subject.identifier:
        raise ValueError("credentialSubject needs an id or at least one identifier")
    if _extension_types(credential) and OB_V3_EXTENSIONS_CONTEXT not in credential.contexts:
        raise ValueError(f"1EdTech extension types need the context {OB_V3_EXTENSIONS_CONTEXT}")
    document: JsonObject = {
        "@context": [VC_V2_CONTEXT, OB_V3_CONTEXT, *copy.deepcopy(list(credential.contexts))]
    }
    document.update(_dump_object(credential))
    return document


def _extension_types(credential: AchievementCredential) -> set[str]:
    used = {schema.type for schema in credential.credential_schema}
    if credential.credential_status is not None:
        used.add(credential.credential_status.type)
    if credential.refresh_service is not None:
        used.add(credential.refresh_service.type)
    return used & EXTENSION_TYPES


def _dump_object(value: DataclassInstance) -> JsonObject:
    """Write a model object: ``id`` first, then ``type``, then the other terms in field order."""
    out: JsonObject = {}
    identifier = getattr(value, "id", None)
    if identifier is not None:
        out["id"] = identifier
    fixed_type = getattr(type(value), "TYPE", None)
    if isinstance(fixed_type, str):
        out["type"] = fixed_type
    for spec_field in fields(value):
        name = spec_field.name
        item = getattr(value, name)
        if name in {"id", "contexts"} or item is None or item == ():
            continue
        if name == "properties":
            out.update(copy.deepcopy(item))
        elif name == "status_list_index":
            out["statusListIndex"] = str(item)
        else:
            out[_camel(name)] = _dump(item)
    return out


def _dump(value: object) -> JsonValue:
    if is_dataclass(value) and not isinstance(value, type):
        return _dump_object(value)
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_dump(item) for item in value]
    if isinstance(value, dict):
        return copy.deepcopy(value)
    if isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)
