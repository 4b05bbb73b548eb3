"""Validate a credential against the official 1EdTech Open Badges 3.0 JSON Schemas.

The schemas (JSON Schema draft 2019-09: ``items`` arrays with ``additionalItems``) are bundled in
``schemas/`` and registered by their ``$id`` in a local :mod:`referencing` registry, so a
``$ref`` is resolved from the bundle or not at all: nothing is fetched (ob3-spec §1.2 "Published
JSON Schemas", §10). Validation returns every issue at once and never raises because of the data,
like the 1EdTech validator's schema probe; it raises only when the bundle itself is incomplete.

Which schema: ``EndorsementCredential`` documents get the endorsement schema, anything else the
AchievementCredential schema; documents on the VC 1.1 context get the "Any…" variants
(``ob_v3p0_anyachievementcredential_schema.json``), which exist for legacy credentials (§1.1).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# types-jsonschema is not a dev dependency yet; the ignore is harmless once it is.
from jsonschema import Draft201909Validator  # type: ignore[import-untyped, unused-ignore]
from jsonschema.exceptions import (  # type: ignore[import-untyped, unused-ignore]
    ValidationError,
    best_match,
)
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT201909

from badges.errors import N_, ConfigurationError

SCHEMAS_DIR = Path(__file__).with_name("schemas")
ACHIEVEMENT_CREDENTIAL = "ob_v3p0_achievementcredential_schema.json"
ENDORSEMENT_CREDENTIAL = "ob_v3p0_endorsementcredential_schema.json"
ANY_ACHIEVEMENT_CREDENTIAL = "ob_v3p0_anyachievementcredential_schema.json"
ANY_ENDORSEMENT_CREDENTIAL = "ob_v3p0_anyendorsementcredential_schema.json"
_VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
_MAX_MESSAGE = 300


@dataclass(frozen=True, slots=True)
class SchemaIssue:
    """One schema violation: where, what went wrong, and which JSON Schema keyword failed.

    ``path`` is a JSONPath such as ``$.credentialSubject.achievement``; ``keyword`` is e.g.
    ``required`` or ``type``.
    """

    path: str
    message: str
    keyword: str = ""


class SchemaUnavailable(ConfigurationError):
    """The bundle lacks a schema that validation needs: the installation is incomplete."""

    code = "ob3_schema_unavailable"

    def __init__(self, name: str) -> None:
        super().__init__(
            N_(
                "The Open Badges 3.0 JSON Schema %(name)s is not bundled"
                " (see badges/ob3/schemas/SOURCES.md)."
            ),
            params={"name": name},
        )
        self.name = name


class CredentialSchemas:
    """A set of JSON Schemas by file name, with a local registry for the ``$ref`` between them.

    Build it once and reuse it (compiling the validators is the costly part); the default,
    :meth:`bundled`, reads the official schemas shipped in ``badges/ob3/schemas``.

    Args:
        schemas: file name -> schema document. Each document needs an ``$id``.
    """

    def __init__(self, schemas: Mapping[str, Mapping[str, Any]]) -> None:
        resources = [
            (str(schema["$id"]), Resource.from_contents(dict(schema), DRAFT201909))
            for schema in schemas.values()
        ]
        registry: Registry[Any] = Registry().with_resources(resources)
        self._validators = {
            name: Draft201909Validator(
                dict(schema),
                registry=registry,
                format_checker=Draft201909Validator.FORMAT_CHECKER,
            )
            for name, schema in schemas.items()
        }

    @classmethod
    def bundled(cls, directory: Path = SCHEMAS_DIR) -> CredentialSchemas:
        """The schemas in ``directory`` (by default the official ones shipped with the package)."""
        return cls(
            {
                path.name: json.loads(path.read_text(encoding="utf-8"))
                for path in sorted(directory.glob("*.json"))
            }
        )

    @property
    def names(self) -> frozenset[str]:
        """The file names of the schemas in this set."""
        return frozenset(self._validators)

    def validate(self, document: Any, name: str) -> list[SchemaIssue]:
        """Every issue of ``document`` against the schema ``name``, sorted by path.

        Raises:
            SchemaUnavailable: the set has no schema called ``name``, or one it refers to.
        """
        validator = self._validators.get(name)
        if validator is None:
            raise SchemaUnavailable(name)
        try:
            issues = {_issue(error) for error in validator.iter_errors(document)}
        except Unresolvable as error:  # a $ref outside the bundle: never fetched
            raise SchemaUnavailable(str(getattr(error, "ref", error))) from error
        return sorted(issues, key=lambda issue: (issue.path, issue.keyword, issue.message))


def validate_credential(
    document: Any, *, schemas: CredentialSchemas | None = None
) -> list[SchemaIssue]:
    """Validate an OB 3.0 credential against the official schema for its kind; [] when valid.

    Args:
        document: the parsed credential JSON (anything: a non-object is simply an issue).
        schemas: the schema set to use; by default the bundled official schemas, loaded for this
            call (pass a set built once with :meth:`CredentialSchemas.bundled` to reuse it).

    Returns:
        Every issue found, never raising because of the document's content.

    Raises:
        SchemaUnavailable: the bundle lacks the schema this kind of credential needs.
    """
    schemas = schemas if schemas is not None else CredentialSchemas.bundled()
    return schemas.validate(document, schema_name_for(document))


def schema_name_for(document: Any) -> str:
    """The file name of the official schema that applies to ``document`` (see module docstring)."""
    types = _strings(document.get("type") if isinstance(document, dict) else None)
    contexts = _strings(document.get("@context") if isinstance(document, dict) else None)
    endorsement = "EndorsementCredential" in types
    if contexts[:1] == [_VC_V1_CONTEXT]:
        return ANY_ENDORSEMENT_CREDENTIAL if endorsement else ANY_ACHIEVEMENT_CREDENTIAL
    return ENDORSEMENT_CREDENTIAL if endorsement else ACHIEVEMENT_CREDENTIAL


def _strings(value: Any) -> list[str]:
    items: Iterable[Any] = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, str)]


def _issue(error: ValidationError) -> SchemaIssue:
    message = error.message
    if error.context:
        # anyOf / oneOf: say which branch came closest, not only that all of them failed.
        closest = best_match(error.context)
        message = f"{message} (closest: {_path(closest.absolute_path)}: {closest.message})"
    if len(message) > _MAX_MESSAGE:
        message = message[: _MAX_MESSAGE - 1] + "…"
    return SchemaIssue(_path(error.absolute_path), message, str(error.validator))


def _path(parts: Iterable[str | int]) -> str:
    path = "$"
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part.isidentifier():
            path += f".{part}"
        else:
            path += f"[{json.dumps(part)}]"
    return path
