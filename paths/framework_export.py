"""Export a stored framework version as JSON or CSV, in the form the importers read back.

Export then import is "no change" (issue #6): the JSON writer is the inverse of
:func:`paths.framework_json.check_framework` and the CSV writer of
:func:`paths.framework_csv.load_framework_csv`.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from paths.framework_csv import dump_framework_csv
from paths.framework_spec import FORMAT, ElementSpec, FrameworkSpec, Texts
from paths.framework_store import find_framework, framework_spec


def export_framework_json(session: Session, code: str, version: str | None = None) -> bytes:
    """Framework ``code`` (``version``, else the latest imported) as a JSON file."""
    return dump_framework_json(framework_spec(find_framework(session, code, version)))


def export_framework_csv(session: Session, code: str, version: str | None = None) -> bytes:
    """Framework ``code`` (``version``, else the latest imported) as a CSV file."""
    return dump_framework_csv(framework_spec(find_framework(session, code, version)))


def framework_document(spec: FrameworkSpec) -> dict[str, Any]:
    """The JSON document of ``spec``; checking it gives ``spec`` back (export round-trips)."""
    head = {"code": spec.code, "version": spec.version, "title": dict(spec.title)}
    head |= _optional(description=spec.description, publisher=spec.publisher)
    head |= _optional(source_url=spec.source_url)
    return {
        "format": FORMAT,
        "framework": head,
        "roles": [
            _texts(r.code, r.title, r.description)
            | _optional(eqf_level=r.eqf_level)
            | {"units": list(r.units)}
            for r in spec.roles
        ],
        "units": [
            _texts(u.code, u.title, u.description)
            | {"elements": [_element_document(e) for e in u.elements]}
            for u in spec.units
        ],
        "curricula": [
            _texts(c.code, c.title, c.description)
            | {
                "learning_units": [
                    _texts(lu.code, lu.title, lu.description)
                    | _optional(hours=_number(lu.hours), ects=_number(lu.ects))
                    | {"elements": list(lu.elements)}
                    for lu in c.learning_units
                ]
            }
            for c in spec.curricula
        ],
    }


def _element_document(element: ElementSpec) -> dict[str, Any]:
    document = _texts(element.code, element.title, element.description)
    document["eqf_level"] = element.eqf_level
    if element.ecf_code is not None:
        document["ecf"] = {"code": element.ecf_code, "level": element.ecf_level}
    document |= _optional(esco=list(element.esco), digcomp=list(element.digcomp))
    document["criteria"] = [{"code": c.code, "text": dict(c.text)} for c in element.criteria]
    return document


def _texts(code: str, title: Texts, description: Texts) -> dict[str, Any]:
    return {"code": code, "title": dict(title)} | _optional(description=description)


def _optional(**fields: object) -> dict[str, Any]:
    """Only the fields that say something, so an export looks like a hand-written file."""
    return {
        name: dict(value) if isinstance(value, dict) else value
        for name, value in fields.items()
        if value not in (None, {}, [])
    }


def _number(value: float | None) -> float | int | None:
    """``12`` rather than ``12.0`` for whole numbers."""
    return int(value) if value is not None and value.is_integer() else value


def dump_framework_json(spec: FrameworkSpec) -> bytes:
    """The framework as a UTF-8 JSON file, readable and stable for diffs."""
    text = json.dumps(framework_document(spec), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")
