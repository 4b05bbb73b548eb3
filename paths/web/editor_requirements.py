"""Add and remove the requirements of a draft path (thin views over :mod:`paths.path_versions`).

Only a draft changes: a POST to a published or retired version is refused with the domain's
message ("make a new version to edit it"), never a 500. Each requirement is checked against the
rules when the path is published, so a draft may be incomplete while it is being written.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue

import paths
from badges.errors import DomainError
from badges.web.auth import role_required, translate_error
from badges.web.database import db_session
from badges.web.errors import status_for
from badges.web.translate import _
from paths.models import ValidationPath
from paths.path_versions import require_draft
from paths.web.editor_access import editable_path
from paths.web.editor_forms import ActionForm, RequirementForm, parse_rubric, texts_of
from paths.web.editor_paths import EDITORS, render_editor, requirement_form
from paths.web.participant import signed_in

bp = Blueprint("paths_requirements", __name__)


@bp.post("/paths/admin/paths/<int:path_id>/requirements")
@role_required(*EDITORS)
def add(path_id: int) -> ResponseReturnValue:
    """Add one requirement at the end of a draft."""
    session = db_session()
    path = editable_path(session, signed_in(), path_id)
    try:
        require_draft(path)
    except DomainError as err:  # PathNotEditable
        return render_editor(path, status=status_for(err), error=translate_error(err))
    form = requirement_form(path)
    if not form.validate_on_submit():
        return render_editor(path, status=422, form=form)
    requirement = _add(path, form)
    session.commit()
    flash(_("Requirement added for %(code)s.", code=requirement.element.code), "success")
    return redirect(url_for("paths_editor.page", path_id=path.id, _anchor=requirement.stage))


def _add(path: ValidationPath, form: RequirementForm) -> paths.Requirement:
    return paths.add_requirement(
        db_session(),
        path,
        element_id=form.element_id.data,
        stage=form.stage.data or "",
        evidence_kinds=list(form.evidence_kinds.data or []),
        min_items=form.min_items.data or 0,
        approvals_needed=form.approvals_needed.data,
        method=form.method.data or None,
        rubric=parse_rubric(form.rubric.data or ""),
        instructions=texts_of(form, "instructions"),
    )


@bp.post("/paths/admin/paths/<int:path_id>/requirements/<int:requirement_id>/remove")
@role_required(*EDITORS)
def remove(path_id: int, requirement_id: int) -> ResponseReturnValue:
    """Remove one requirement from a draft."""
    session = db_session()
    path = editable_path(session, signed_in(), path_id)
    if not ActionForm().validate_on_submit():  # CSRFProtect has refused a bad token already
        abort(400)
    if requirement_id not in {r.id for r in path.requirements}:
        abort(404)
    try:
        paths.remove_requirement(session, path, requirement_id)
    except DomainError as err:  # PathNotEditable
        session.rollback()
        return render_editor(path, status=status_for(err), error=translate_error(err))
    session.commit()
    flash(_("Requirement removed."), "success")
    return redirect(url_for("paths_editor.page", path_id=path.id))


__all__ = ["bp"]
