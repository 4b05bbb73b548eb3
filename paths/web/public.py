"""Public pages anyone may open without signing in: competence elements and shared evidence.

A credential's alignments point at the element page, so an employer can read what was assessed
(HTML, or JSON for ``Accept: application/json``). Evidence pages show only what the participant
chose to make public, and only the approved version's text, links and file names: files are
never served publicly, so a file can never leak beyond what the participant agreed to show.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

import paths
from badges.web.database import db_session
from paths.models import Element, RoleUnit, Unit, WorkRole
from paths.web.labels import LABELS
from paths.web.participant import reader_locale

bp = Blueprint("paths_public", __name__)


@bp.context_processor
def _helpers() -> dict[str, Any]:
    locale = reader_locale()
    return {"tr": lambda texts: paths.pick_text(texts or {}, locale), "labels": LABELS}


@bp.get("/paths/frameworks/<code>/<version>/elements/<element_code>")
def element(code: str, version: str, element_code: str) -> ResponseReturnValue:
    """One competence of a framework version, the alignment target of issued credentials."""
    session = db_session()
    framework = paths.find_framework(session, code, version)
    found = session.scalar(
        select(Element).where(Element.framework_id == framework.id, Element.code == element_code)
    )
    if found is None:
        abort(404)
    unit = session.get_one(Unit, found.unit_id)
    roles = list(
        session.scalars(
            select(WorkRole)
            .join(RoleUnit, RoleUnit.role_id == WorkRole.id)
            .where(RoleUnit.unit_id == unit.id)
            .order_by(WorkRole.position)
        )
    )
    if request.accept_mimetypes.best_match(["text/html", "application/json"]) == (
        "application/json"
    ):
        locale = reader_locale()
        return jsonify(
            {
                "framework": {"code": framework.code, "version": framework.version},
                "code": found.code,
                "title": paths.pick_text(found.title, locale),
                "description": paths.pick_text(found.description or {}, locale),
                "eqfLevel": found.eqf_level,
                "ecf": {"code": found.ecf_code, "level": found.ecf_level}
                if found.ecf_code
                else None,
                "esco": found.esco,
                "digcomp": found.digcomp,
                "criteria": [paths.pick_text(c.text, locale) for c in found.criteria],
                "unit": {"code": unit.code, "title": paths.pick_text(unit.title, locale)},
                "roles": [
                    {"code": r.code, "title": paths.pick_text(r.title, locale)} for r in roles
                ],
            }
        )
    return render_template(
        "paths_review/element.html", framework=framework, element=found, unit=unit, roles=roles
    )


@bp.get("/paths/certifications/<public_id>/evidence/<int:requirement_id>")
def evidence(public_id: str, requirement_id: int) -> ResponseReturnValue:
    """The approved evidence behind one credential entry, if its holder made it public."""
    shown = paths.public_evidence(db_session(), public_id, requirement_id)
    return render_template(
        "paths_review/public_evidence.html",
        requirement=shown.requirement,
        element=shown.requirement.element,
        submission=shown.submission,
    )


__all__ = ["bp"]
