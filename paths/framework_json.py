"""The ``smart-city-framework/1`` JSON format: check a document into a spec, and back.

The format (agreed for issue #6; the CSV reader builds the same document): ``format``,
``framework`` {code, version, title, description, publisher, source_url}, ``roles`` [{code, title,
description, eqf_level, units: [unit codes]}], ``units`` [{code, title, description, elements:
[{code, title, description, eqf_level, ecf: {code, level}, esco: [URIs], digcomp: [numbers],
criteria: [{code, text}]}]}], ``curricula`` [{code, title, description, learning_units: [{code,
title, description, hours, ects, elements: [element codes]}]}]. Texts are ``{"en": ..., ...}``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from badges.errors import N_
from paths.errors import FrameworkInvalid, FrameworkIssue
from paths.framework_check import Checker, child
from paths.framework_spec import (
    FORMAT,
    CriterionSpec,
    CurriculumSpec,
    ElementSpec,
    FrameworkSpec,
    LearningUnitSpec,
    RoleSpec,
    UnitSpec,
)

FRAMEWORK_CODE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z.+-]{0,31}")
#: e-CF 4.0 (EN 16234-1) competence codes: area A..E, then its number.
ECF_CODE = re.compile(r"[A-E]\.(?:[1-9]|1[0-2])")
#: ESCO skill concepts: a UUID, or a skill-group / transversal code such as ``S1.2``.
ESCO_SKILL = re.compile(
    r"http://data\.europa\.eu/esco/skill/"
    r"(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Z][0-9]+(?:\.[0-9]+)*)"
)
#: The 21 competences of DigComp 2.2, by number.
DIGCOMP = re.compile(r"1\.[1-3]|2\.[1-6]|3\.[1-4]|4\.[1-4]|5\.[1-4]")
MISSING = {
    "unit": N_("there is no unit with code %(code)s"),
    "element": N_("there is no element with code %(code)s"),
}
ITEM = {"code", "title", "description"}


def load_framework_json(data: bytes, filename: str) -> FrameworkSpec:
    """Parse and check a framework JSON file; :class:`FrameworkInvalid` lists every problem."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as err:
        issue = FrameworkIssue(filename, "$", "file", N_("is not UTF-8 text"))
        raise FrameworkInvalid(filename, [issue]) from err
    except json.JSONDecodeError as err:
        issue = FrameworkIssue(
            filename,
            str(err.lineno),
            "file",
            N_("is not valid JSON: %(problem)s"),
            {"problem": err.msg},
        )
        raise FrameworkInvalid(filename, [issue]) from err
    return check_framework(document, filename)


def check_framework(document: object, filename: str) -> FrameworkSpec:
    """Check a parsed document against the format, collecting every problem."""
    check = Checker(filename)
    if not isinstance(document, dict):
        check.fail("$", "file", N_("must be a JSON object"))
        raise FrameworkInvalid(filename, check.issues)
    check.known(document, "$", {"format", "framework", "roles", "units", "curricula"})
    if document.get("format") != FORMAT:
        check.fail("$", "format", N_("must be %(format)s"), format=FORMAT)
    head = document.get("framework")
    if not isinstance(head, dict):
        check.fail("$", "framework", N_("is missing"))
    units = tuple(_unit(check, where, item) for where, item in check.items(document, "$", "units"))
    roles = tuple(_role(check, where, item) for where, item in check.items(document, "$", "roles"))
    curricula = tuple(
        _curriculum(check, where, item) for where, item in check.items(document, "$", "curricula")
    )
    if not roles:
        check.fail("$", "roles", N_("needs at least one role"))
    if not units:
        check.fail("$", "units", N_("needs at least one unit"))
    check.resolve_references(MISSING)
    spec = _framework(check, head, roles, units, curricula) if isinstance(head, dict) else None
    if spec is None or check.issues:
        raise FrameworkInvalid(filename, check.issues)
    return spec


def _framework(
    check: Checker,
    head: dict[str, Any],
    roles: tuple[RoleSpec, ...],
    units: tuple[UnitSpec, ...],
    curricula: tuple[CurriculumSpec, ...],
) -> FrameworkSpec:
    where = "framework"
    check.known(head, where, {"code", "version", "title", "description", "publisher", "source_url"})
    return FrameworkSpec(
        code=check.string(
            head,
            where,
            "code",
            required=True,
            pattern=FRAMEWORK_CODE,
            problem=N_("%(value)s may use only small letters, digits and hyphens"),
        )
        or "",
        version=check.string(
            head,
            where,
            "version",
            required=True,
            pattern=VERSION,
            problem=N_("%(value)s may use only letters, digits, dots, hyphens and plus signs"),
        )
        or "",
        title=check.texts(head, where, "title", required=True),
        description=check.texts(head, where, "description", required=False),
        publisher=check.string(head, where, "publisher"),
        source_url=check.url(head, where, "source_url"),
        roles=roles,
        units=units,
        curricula=curricula,
    )


def _role(check: Checker, where: str, item: dict[str, Any]) -> RoleSpec:
    check.known(item, where, ITEM | {"eqf_level", "units"})
    units = check.strings(item, where, "units", pattern=re.compile(r".+"))
    for index, code in enumerate(units):
        check.refer(where, f"units[{index}]", "unit", code)
    if not units:
        check.fail(where, "units", N_("needs at least one unit"))
    return RoleSpec(
        code=check.code(item, where, "role"),
        title=check.texts(item, where, "title", required=True),
        description=check.texts(item, where, "description", required=False),
        eqf_level=check.level(item, where, "eqf_level", top=8, required=False),
        units=units,
    )


def _unit(check: Checker, where: str, item: dict[str, Any]) -> UnitSpec:
    check.known(item, where, ITEM | {"elements"})
    code = check.code(item, where, "unit")
    elements = tuple(_element(check, w, e) for w, e in check.items(item, where, "elements"))
    if not elements:
        check.fail(where, "elements", N_("needs at least one element"))
    return UnitSpec(
        code=code,
        title=check.texts(item, where, "title", required=True),
        description=check.texts(item, where, "description", required=False),
        elements=elements,
    )


def _element(check: Checker, where: str, item: dict[str, Any]) -> ElementSpec:
    check.known(item, where, ITEM | {"eqf_level", "ecf", "esco", "digcomp", "criteria"})
    code = check.code(item, where, "element")
    criteria = tuple(_criterion(check, w, c) for w, c in check.items(item, where, "criteria"))
    if not criteria:
        check.fail(where, "criteria", N_("needs at least one performance criterion"))
    ecf_code, ecf_level = _ecf(check, where, item.get("ecf"))
    return ElementSpec(
        code=code,
        title=check.texts(item, where, "title", required=True),
        description=check.texts(item, where, "description", required=False),
        eqf_level=check.level(item, where, "eqf_level", top=8, required=True) or 0,
        ecf_code=ecf_code,
        ecf_level=ecf_level,
        esco=check.strings(
            item,
            where,
            "esco",
            pattern=ESCO_SKILL,
            problem=N_(
                "%(value)s is not an ESCO skill address (http://data.europa.eu/esco/skill/…)"
            ),
        ),
        digcomp=check.strings(
            item,
            where,
            "digcomp",
            pattern=DIGCOMP,
            problem=N_("%(value)s is not a DigComp 2.2 competence number (1.1 to 5.4)"),
        ),
        criteria=criteria,
    )


def _criterion(check: Checker, where: str, item: dict[str, Any]) -> CriterionSpec:
    check.known(item, where, {"code", "text"})
    return CriterionSpec(
        code=check.code(item, where, "criterion"),
        text=check.texts(item, where, "text", required=True),
    )


def _ecf(check: Checker, where: str, ecf: object) -> tuple[str | None, int | None]:
    if ecf is None:
        return None, None
    if not isinstance(ecf, dict):
        check.fail(where, "ecf", N_("must give an e-CF code and level"))
        return None, None
    inner = child(where, "ecf")
    check.known(ecf, inner, {"code", "level"})
    code = check.string(
        ecf,
        inner,
        "code",
        required=True,
        pattern=ECF_CODE,
        problem=N_("%(value)s is not an e-CF competence code (A.1 to E.12)"),
    )
    return code, check.level(ecf, inner, "level", top=5, required=True)


def _curriculum(check: Checker, where: str, item: dict[str, Any]) -> CurriculumSpec:
    check.known(item, where, ITEM | {"learning_units"})
    code = check.code(item, where, "curriculum")
    learning_units = tuple(
        _learning_unit(check, w, u) for w, u in check.items(item, where, "learning_units")
    )
    return CurriculumSpec(
        code=code,
        title=check.texts(item, where, "title", required=True),
        description=check.texts(item, where, "description", required=False),
        learning_units=learning_units,
    )


def _learning_unit(check: Checker, where: str, item: dict[str, Any]) -> LearningUnitSpec:
    check.known(item, where, ITEM | {"hours", "ects", "elements"})
    code = check.code(item, where, "learning_unit")
    elements = check.strings(item, where, "elements", pattern=re.compile(r".+"))
    for index, element in enumerate(elements):
        check.refer(where, f"elements[{index}]", "element", element)
    return LearningUnitSpec(
        code=code,
        title=check.texts(item, where, "title", required=True),
        description=check.texts(item, where, "description", required=False),
        hours=check.amount(item, where, "hours"),
        ects=check.amount(item, where, "ects"),
        elements=elements,
    )
