"""The platform admin's framework editor: list the versions, import a JSON or CSV file, export.

Thin views over :mod:`paths.framework_store`. A stored version never changes (issue #6): the
same file again is "no change", a changed file under a stored version is refused, and an invalid
file lists every problem (file, line or place, field, message) and stores nothing. Only platform
admins: a framework is shared by every issuer's paths.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, cast

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import InstrumentedAttribute
from werkzeug.datastructures import FileStorage

import paths
from badges.accounts import Role
from badges.context import current_clock
from badges.web.auth import add_nav_item, role_required, translate_error
from badges.web.database import db_session
from badges.web.translate import _, _l
from paths.models import Element, Unit, WorkRole
from paths.web.editor_forms import FrameworkUploadForm
from paths.web.participant import reader_locale

bp = Blueprint("paths_frameworks", __name__)

#: Largest framework file accepted; the whole smart-city framework is about 120 kB.
MAX_FRAMEWORK_BYTES = 2 * 1024 * 1024
#: The reader of each format, by file extension.
LOADERS: Mapping[str, Callable[[bytes, str], paths.FrameworkSpec]] = {
    ".json": paths.load_framework_json,
    ".csv": paths.load_framework_csv,
}
#: The writer and media type of each export format.
EXPORTS: Mapping[str, tuple[Callable[[paths.FrameworkSpec], bytes], str]] = {
    "json": (paths.dump_framework_json, "application/json"),
    "csv": (paths.dump_framework_csv, "text/csv; charset=utf-8"),
}


@dataclass(frozen=True, slots=True)
class FrameworkRow:
    """One stored framework version on the list, with the size of what it defines."""

    framework: paths.Framework
    roles: int
    units: int
    elements: int


@bp.record_once
def _navigation(state: BlueprintSetupState) -> None:
    app = cast("Flask", state.app)
    add_nav_item(app, Role.PLATFORM_ADMIN, "paths_frameworks.index", _l("Frameworks"))


@bp.context_processor
def _helpers() -> dict[str, Any]:
    locale = reader_locale()
    return {"tr": lambda texts: paths.pick_text(texts or {}, locale)}


@bp.route("/paths/admin/frameworks", methods=["GET", "POST"])
@role_required(Role.PLATFORM_ADMIN)
def index() -> ResponseReturnValue:
    """Every framework version with its counts; the form imports one more from a file."""
    form = FrameworkUploadForm()
    if request.method == "GET":
        return _render(form, status=200)
    if not form.validate_on_submit():  # a missing CSRF token never gets here: CSRFProtect 400s
        return _render(form, status=422)
    upload = cast("FileStorage", form.file.data)
    filename = PurePath(upload.filename or "").name
    loader = LOADERS.get(PurePath(filename).suffix.lower())
    data = upload.read(MAX_FRAMEWORK_BYTES + 1)  # one byte more tells that it is too large
    if loader is None:
        return _refuse(form, _("Choose a file whose name ends in .json or .csv."))
    if len(data) > MAX_FRAMEWORK_BYTES:
        size = MAX_FRAMEWORK_BYTES // (1024 * 1024)
        return _refuse(form, _("The file is too large: at most %(size)s MB.", size=size))
    try:
        spec = loader(data, filename)
    except paths.FrameworkInvalid as err:
        return _render(form, status=422, invalid=err)
    return _import(form, spec)


def _import(form: FrameworkUploadForm, spec: paths.FrameworkSpec) -> ResponseReturnValue:
    session = db_session()
    try:
        result = paths.import_framework(session, spec, now=current_clock().now())
        session.commit()
    except paths.FrameworkVersionConflict as err:
        session.rollback()
        return _refuse(form, translate_error(err), status=409)
    except IntegrityError:  # the same version was imported by somebody else at the same moment
        session.rollback()
        return _refuse(form, _("This version was imported just now. Reload the page."), status=409)
    name = {"code": spec.code, "version": spec.version}
    if result.created:
        elements = sum(len(unit.elements) for unit in spec.units)
        flash(
            _(
                "Imported framework %(code)s version %(version)s: %(roles)s roles, "
                "%(units)s units, %(elements)s elements.",
                roles=len(spec.roles),
                units=len(spec.units),
                elements=elements,
                **name,
            ),
            "success",
        )
    else:
        flash(
            _("Framework %(code)s version %(version)s is already imported: no change.", **name),
            "info",
        )
    return redirect(url_for(".index"))


@bp.get("/paths/admin/frameworks/<int:framework_id>/export.<any(json, csv):fmt>")
@role_required(Role.PLATFORM_ADMIN)
def export(framework_id: int, fmt: str) -> ResponseReturnValue:
    """One framework version as a file the importer reads back unchanged."""
    framework = db_session().get(paths.Framework, framework_id)
    if framework is None:
        abort(404)
    dump, media_type = EXPORTS[fmt]
    response = Response(dump(paths.framework_spec(framework)), content_type=media_type)
    # Code and version are checked on import ([a-z0-9-], [0-9A-Za-z.+-]): safe in the header.
    filename = f"{framework.code}-{framework.version}.{fmt}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _refuse(form: FrameworkUploadForm, message: str, *, status: int = 422) -> ResponseReturnValue:
    form.file.errors = [*form.file.errors, message]
    return _render(form, status=status)


def _render(
    form: FrameworkUploadForm, *, status: int, invalid: paths.FrameworkInvalid | None = None
) -> ResponseReturnValue:
    issues: Sequence[paths.FrameworkIssue] = invalid.issues if invalid else ()
    return render_template(
        "paths/admin/editor_frameworks.html",
        form=form,
        rows=framework_rows(db_session()),
        problem=translate_error(invalid) if invalid else None,
        issues=[(issue, _(issue.template, **issue.params)) for issue in issues],
        max_mb=MAX_FRAMEWORK_BYTES // (1024 * 1024),
    ), status


def framework_rows(session: Session) -> list[FrameworkRow]:
    """Every stored version with its counts, in three grouped queries."""
    roles = _counts(session, WorkRole.framework_id)
    units = _counts(session, Unit.framework_id)
    elements = _counts(session, Element.framework_id)
    return [
        FrameworkRow(f, roles.get(f.id, 0), units.get(f.id, 0), elements.get(f.id, 0))
        for f in paths.list_frameworks(session)
    ]


def _counts(session: Session, column: InstrumentedAttribute[int]) -> dict[int, int]:
    return dict(session.execute(select(column, func.count()).group_by(column)).all())


__all__ = ["bp"]
