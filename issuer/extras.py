"""What a validation path adds to a credential before it is signed.

A credential awarded through a validation path names how it was earned (issue #6): alignments of
the achievement to the framework's elements (and ESCO), a ``Result`` per assessed element with
its rubric level, one ``Evidence`` entry per validated requirement, and a narrative naming the
framework version and the assessment methods. :mod:`paths.certification` builds these as plain
OB 3.0 JSON; the issuer merges them into the unsigned credential, and the self-check that
follows (safe mode, OB reader, proof) refuses anything that does not belong, so a bad payload
fails the issuance instead of producing an unverifiable credential.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from badges.ob3 import JsonObject

#: Lists appended to ``credentialSubject.achievement``.
ACHIEVEMENT_LISTS = ("alignment", "resultDescription")


def merge_extras(unsigned: JsonObject, extras: Mapping[str, Any]) -> JsonObject:
    """The unsigned credential with ``extras`` added; lists are appended, never replaced."""
    merged = copy.deepcopy(unsigned)
    subject = merged["credentialSubject"]
    assert isinstance(subject, dict)  # noqa: S101 - built by our own serializer
    achievement = subject["achievement"]
    assert isinstance(achievement, dict)  # noqa: S101
    for key in ACHIEVEMENT_LISTS:
        items = extras.get("achievement", {}).get(key) or []
        if items:
            existing = achievement.get(key) or []
            achievement[key] = [*existing, *items] if isinstance(existing, list) else items
    for key, value in (extras.get("credentialSubject") or {}).items():
        if key == "result":
            if value:
                existing = subject.get("result") or []
                subject["result"] = [*existing, *value] if isinstance(existing, list) else value
        elif value:
            subject[key] = value
    evidence = extras.get("evidence") or []
    if evidence:
        existing = merged.get("evidence") or []
        merged["evidence"] = [*existing, *evidence] if isinstance(existing, list) else evidence
    return merged
