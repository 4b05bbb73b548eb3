"""The path editor: list path versions, start a draft, and publish, version or retire one.

Thin views over :mod:`paths.path_versions`. Only a draft changes; publishing runs
:func:`paths.check_path` and, when refused, shows every problem and leaves the draft as it was. A
published version is read-only: a change is a new version, so participants stay on the version
they enrolled in. Platform admins edit every path, issuer admins their own issuers' paths; any
other path answers 404 (:mod:`paths.web.editor_access`). The requirement forms of a draft are
in :mod:`paths.web.editor_requirements`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import cast

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import paths
from badges.accounts import Role, User
from badges.context import current_clock
from badges.errors import DomainError
from badges.web.auth import add_nav_item, role_required, translate_error
from badges.web.database import db_session
from badges.web.errors import status_for
from badges.web.translate import _, _l
from issuer import Achievement
from paths.models import Unit, ValidationPath, WorkRole
from paths.path_versions import STAGES
from paths.web.editor_access import (
    administered_issuers,
    badge_choices,
    code_in_use,
    draft_of,
    editable_path,
    editable_paths,
    element_choices,
    enrolment_counts,
    target_choices,
)
from paths.web.editor_forms import ActionForm, NewDraftForm, RequirementForm, parse_target, texts_of
from paths.web.labels import LABELS
from paths.web.participant import reader_locale, signed_in

bp = Blueprint("paths_editor", __name__)

EDITORS = (Role.PLATFORM_ADMIN, Role.ISSUER_ADMIN)
#: ``check_path`` names a requirement by its index: ``requirements[2]``.
REQUIREMENT_AT = re.compile(r"^requirements\[(\d+)\]$")


@bp.record_once
def _navigation(state: BlueprintSetupState) -> None:
    app = cast("Flask", state.app)
    for role in EDITORS:
        add_nav_item(app, role, "paths_editor.index", _l("Path editor"))


@bp.get("/paths/admin/paths")
@role_required(*EDITORS)
def index() -> ResponseReturnValue:
    """Every path version the user may edit: code, version, title, state and enrolments."""
    session = db_session()
    versions = editable_paths(session, signed_in())
    counts = enrolment_counts(session, (path.id for path in versions))
    return render_template(
        "paths/admin/editor_paths.html", versions=versions, counts=counts, **_helpers()
    )


@bp.route("/paths/admin/paths/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new() -> ResponseReturnValue:
    """Start a new path (version 1 of a new code) as a draft."""
    form = _draft_form(signed_in())
    if request.method == "GET":
        return _render_new(form, 200)
    if not form.validate_on_submit():
        return _render_new(form, 422)
    session = db_session()
    if code_in_use(session, form.code.data or ""):
        message = _("This code is taken. To change that path, make a new version on its page.")
        form.code.errors = [*form.code.errors, message]
        return _render_new(form, 409)
    try:
        path = _create(form)
        session.commit()
    except IntegrityError:  # somebody took the code between the check and the insert
        session.rollback()
        form.code.errors = [*form.code.errors, _("This code was just taken. Choose another.")]
        return _render_new(form, 409)
    flash(_("Draft %(code)s version %(version)s created.", code=path.code, version=path.version),
          "success")  # fmt: skip
    return redirect(url_for(".page", path_id=path.id))


def _draft_form(user: User) -> NewDraftForm:
    session = db_session()
    form = NewDraftForm()
    form.target.choices = target_choices(session, reader_locale(), role=_("Role"), unit=_("Unit"))
    form.achievement_id.choices = badge_choices(session, administered_issuers(session, user))
    return form


def _create(form: NewDraftForm) -> ValidationPath:
    session = db_session()
    scope, target_id = parse_target(form.target.data or "")
    if scope == "role":
        framework_id = session.get_one(WorkRole, target_id).framework_id
    else:
        framework_id = session.get_one(Unit, target_id).framework_id
    achievement = session.get_one(Achievement, form.achievement_id.data)
    return paths.create_draft(
        session,
        code=form.code.data or "",
        title=texts_of(form, "title"),
        description=texts_of(form, "description"),
        languages=list(form.languages.data or []),
        framework_id=framework_id,
        scope=scope,
        role_id=target_id if scope == "role" else None,
        unit_id=target_id if scope == "unit" else None,
        issuer_id=achievement.issuer_id,
        achievement_id=achievement.id,
        now=current_clock().now(),
    )


def _render_new(form: NewDraftForm, status: int) -> ResponseReturnValue:
    return render_template("paths/admin/editor_new.html", form=form, **_helpers()), status


@bp.get("/paths/admin/paths/<int:path_id>")
@role_required(*EDITORS)
def page(path_id: int) -> ResponseReturnValue:
    """A path version: its requirements by stage; a draft's forms, or a published one's actions."""
    return render_editor(editable_path(db_session(), signed_in(), path_id))


def _posted_path(path_id: int) -> tuple[Session, ValidationPath]:
    """The request's session and the path an action button was posted for (404 if not editable)."""
    session = db_session()
    path = editable_path(session, signed_in(), path_id)
    if not ActionForm().validate_on_submit():  # CSRFProtect has refused a bad token already
        abort(400)
    return session, path


@bp.post("/paths/admin/paths/<int:path_id>/publish")
@role_required(*EDITORS)
def publish(path_id: int) -> ResponseReturnValue:
    """Check and freeze a draft; the code's earlier published version retires."""
    session, path = _posted_path(path_id)
    try:
        paths.publish(session, path.id, now=current_clock().now())
    except paths.PathInvalid as err:
        session.rollback()
        return render_editor(path, status=422, error=translate_error(err), issues=err.issues)
    except DomainError as err:  # PathNotEditable: it was published in the meantime
        session.rollback()
        return render_editor(path, status=status_for(err), error=translate_error(err))
    session.commit()
    flash(_("Version %(version)s of %(code)s is published.", version=path.version,
            code=path.code), "success")  # fmt: skip
    return redirect(url_for(".page", path_id=path.id))


@bp.post("/paths/admin/paths/<int:path_id>/new-version")
@role_required(*EDITORS)
def new_version(path_id: int) -> ResponseReturnValue:
    """A draft copy of a published or retired version, with the next number."""
    session, path = _posted_path(path_id)
    try:
        draft = paths.new_version(session, path.id, now=current_clock().now())
        session.commit()
    except DomainError as err:  # PathDraftExists: edit that draft instead
        session.rollback()
        return render_editor(path, status=status_for(err), error=translate_error(err))
    except IntegrityError:  # two editors made the same version at once
        session.rollback()
        return render_editor(path, status=409, error=_("Somebody else just made a new version."))
    flash(_("Draft version %(version)s created.", version=draft.version), "success")
    return redirect(url_for(".page", path_id=draft.id))


@bp.post("/paths/admin/paths/<int:path_id>/retire")
@role_required(*EDITORS)
def retire(path_id: int) -> ResponseReturnValue:
    """Close a published version to new enrolments; enrolled participants carry on."""
    session, path = _posted_path(path_id)
    if path.state != "published":
        return render_editor(path, status=409, error=_("Only a published version can be retired."))
    paths.retire(session, path.id, now=current_clock().now())
    session.commit()
    flash(_("Version %(version)s of %(code)s is retired.", version=path.version, code=path.code),
          "success")  # fmt: skip
    return redirect(url_for(".page", path_id=path.id))


def render_editor(
    path: ValidationPath,
    *,
    status: int = 200,
    form: RequirementForm | None = None,
    error: str | None = None,
    issues: Sequence[paths.FrameworkIssue] = (),
) -> ResponseReturnValue:
    """The page of one path version, with an error (and ``check_path``'s issues) if refused."""
    session = db_session()
    if form is None and path.state == "draft":
        form = requirement_form(path)
    return render_template(
        "paths/admin/editor_path.html",
        path=path,
        stages={stage: [r for r in path.requirements if r.stage == stage] for stage in STAGES},
        target=_target(path),
        achievement=session.get(Achievement, path.achievement_id),
        enrolled=enrolment_counts(session, [path.id]).get(path.id, 0),
        draft=draft_of(session, path.code),
        form=form,
        error=error,
        issues=[
            (place(path, issue.where), issue.field, _(issue.template, **issue.params))
            for issue in issues
        ],
        **_helpers(),
    ), status


def _target(path: ValidationPath) -> WorkRole | Unit | None:
    """The role or unit the path validates (None only for a broken import)."""
    session = db_session()
    if path.scope == "role" and path.role_id is not None:
        return session.get(WorkRole, path.role_id)
    if path.scope == "unit" and path.unit_id is not None:
        return session.get(Unit, path.unit_id)
    return None


def place(path: ValidationPath, where: str) -> str:
    """Where ``check_path`` found a problem, named as the page names it."""
    match = REQUIREMENT_AT.match(where)
    if match is not None and int(match.group(1)) < len(path.requirements):
        requirement = path.requirements[int(match.group(1))]
        stage = LABELS["stage"].get(requirement.stage, requirement.stage)
        return _("%(stage)s requirement for %(code)s", stage=stage, code=requirement.element.code)
    return _("The path") if where == "$" else where


def requirement_form(path: ValidationPath) -> RequirementForm:
    """The add-requirement form, offering the competences inside the path's role or unit."""
    form = RequirementForm()
    form.element_id.choices = element_choices(db_session(), path, reader_locale())
    return form


def _helpers() -> dict[str, object]:
    """``tr(texts)`` in the reader's language, and the plain names of stages, kinds, methods."""
    locale = reader_locale()
    return {"tr": lambda texts: paths.pick_text(texts or {}, locale), "labels": LABELS}


__all__ = ["bp", "render_editor", "requirement_form"]
