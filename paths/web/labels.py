"""Plain, translated names for the stages, statuses, methods and levels the pages show."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from flask_babel.speaklater import LazyString

from badges.web.translate import _l

#: The four stages of the EU Council Recommendation of 20 December 2012, in order.
STAGE_LABELS: Mapping[str, LazyString] = MappingProxyType(
    {
        "identification": _l("Identification"),
        "documentation": _l("Documentation"),
        "assessment": _l("Assessment"),
        "certification": _l("Certification"),
    }
)

STAGE_HINTS: Mapping[str, LazyString] = MappingProxyType(
    {
        "identification": _l("Rate your own level in each competence."),
        "documentation": _l("Send evidence of your work: files, links or a written answer."),
        "assessment": _l("An assessor checks your evidence and may talk to you or watch you work."),
        "certification": _l("When everything is approved, you receive the badge."),
    }
)

STATUS_LABELS: Mapping[str, LazyString] = MappingProxyType(
    {
        "open": _l("Not started"),
        "pending": _l("Sent, waiting for review"),
        "done": _l("Approved"),
        "rejected": _l("Needs changes"),
    }
)

ENROLMENT_STATES: Mapping[str, LazyString] = MappingProxyType(
    {
        "active": _l("In progress"),
        "completed": _l("Completed"),
        "withdrawn": _l("Withdrawn"),
    }
)

METHOD_LABELS: Mapping[str, LazyString] = MappingProxyType(
    {
        "portfolio_review": _l("Review of your evidence"),
        "interview": _l("Interview"),
        "observation": _l("Observation at work"),
        "simulation": _l("Simulation"),
        "test": _l("Test"),
    }
)

KIND_LABELS: Mapping[str, LazyString] = MappingProxyType(
    {"file": _l("File"), "link": _l("Link"), "text": _l("Written answer")}
)

DECISION_LABELS: Mapping[str, LazyString] = MappingProxyType(
    {"approve": _l("Approved"), "reject": _l("Needs changes")}
)

SUBMISSION_STATES: Mapping[str, LazyString] = MappingProxyType(
    {
        "submitted": _l("Waiting for review"),
        "approved": _l("Approved"),
        "rejected": _l("Needs changes"),
        "superseded": _l("Replaced by a newer version"),
        "appealed": _l("Appealed, waiting for a second assessor"),
    }
)

#: Self-assessment levels: 0, then the EQF levels in plain words.
LEVEL_LABELS: Mapping[int, LazyString] = MappingProxyType(
    {
        0: _l("0: not yet"),
        1: _l("1: basic"),
        2: _l("2: basic, with guidance"),
        3: _l("3: I can do it with some help"),
        4: _l("4: I can do it on my own"),
        5: _l("5: I can do it and guide others"),
        6: _l("6: advanced"),
        7: _l("7: expert"),
        8: _l("8: leading expert"),
    }
)

#: Every table above, by name, for the templates (``labels.status[row.status]``).
LABELS: Mapping[str, Mapping[Any, LazyString]] = MappingProxyType(
    {
        "stage": STAGE_LABELS,
        "stage_hint": STAGE_HINTS,
        "status": STATUS_LABELS,
        "enrolment": ENROLMENT_STATES,
        "method": METHOD_LABELS,
        "kind": KIND_LABELS,
        "decision": DECISION_LABELS,
        "submission": SUBMISSION_STATES,
        "level": LEVEL_LABELS,
    }
)
