"""Bulk awards: CSV upload, preview with row errors, background issuing with live progress."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import SelectField

from badges.accounts import Role
from badges.context import current_clock
from badges.errors import DomainError
from badges.web.auth import current_user, role_required, translate_error
from badges.web.database import db_session
from badges.web.translate import _l
from issuer import Achievement, Issuer
from issuer.bulk import (
    bulk_awards,
    bulk_progress,
    cancel_bulk_award,
    confirm_bulk_award,
    create_bulk_award,
    get_bulk_award,
    preview_rows,
)
from issuer.bulk_csv import MAX_BYTES
from issuer.models import BulkAward
from issuer.web.access import administered_issuer

bp = Blueprint("issuer_bulk", __name__, url_prefix="/issuer/<slug>/bulk")

SAMPLE_CSV = "name,email\nAna Petrova,ana@example.org\nJonas Weber,jonas@example.org\n"


class BulkUploadForm(FlaskForm):
    """The achievement to award and the recipients' CSV file."""

    achievement = SelectField(_l("Badge to award"), coerce=int)
    file = FileField(_l("CSV file with the recipients"), validators=[FileRequired()])


class ActionForm(FlaskForm):
    """Confirm and cancel are POSTs carrying only the CSRF token."""


def active_achievements(session: Session, issuer: Issuer) -> list[Achievement]:
    """The achievements the award forms offer (archived ones are hidden)."""
    query = select(Achievement).where(
        Achievement.issuer_id == issuer.id, Achievement.archived_at.is_(None)
    )
    return list(session.scalars(query.order_by(Achievement.name)))


@bp.route("/", methods=["GET", "POST"])
@role_required(Role.ISSUER_ADMIN)
def index(slug: str) -> ResponseReturnValue:
    """The issuer's bulk awards, and the upload form for a new one."""
    session = db_session()
    issuer = administered_issuer(session, slug)
    form = BulkUploadForm()
    form.achievement.choices = [(a.id, a.name) for a in active_achievements(session, issuer)]
    status = 200
    if form.validate_on_submit():
        try:
            bulk = _create(session, issuer, form)
        except DomainError as err:
            form.file.errors = [*form.file.errors, translate_error(err)]
            status = 422
        else:
            session.commit()
            return redirect(url_for(".preview", slug=slug, bulk_id=bulk.id))
    elif form.is_submitted():
        status = 422
    awards = bulk_awards(session, issuer.id)
    return render_template(
        "issuer/bulk/index.html", issuer=issuer, form=form, awards=awards
    ), status


def _create(session: Session, issuer: Issuer, form: BulkUploadForm) -> BulkAward:
    upload = form.file.data
    user = current_user()
    return create_bulk_award(
        session,
        issuer_id=issuer.id,
        achievement_id=form.achievement.data or 0,
        filename=upload.filename or "",
        data=upload.read(MAX_BYTES + 1),  # one byte more is enough to tell it is too large
        created_by_id=user.id if user else None,
        now=current_clock().now(),
    )


@bp.get("/sample.csv")
@role_required(Role.ISSUER_ADMIN)
def sample(slug: str) -> ResponseReturnValue:
    """A sample file in the expected format."""
    administered_issuer(db_session(), slug)
    response = Response(SAMPLE_CSV, mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="recipients-sample.csv"'
    return response


@bp.get("/<int:bulk_id>")
@role_required(Role.ISSUER_ADMIN)
def preview(slug: str, bulk_id: int) -> ResponseReturnValue:
    """Every row with its line and error (errors first); confirm or cancel while in preview."""
    session = db_session()
    issuer = administered_issuer(session, slug)
    bulk = get_bulk_award(session, bulk_id, issuer_id=issuer.id)
    if bulk.state in {"issuing", "done"}:
        return redirect(url_for(".progress", slug=slug, bulk_id=bulk.id))
    rows = preview_rows(bulk)
    errors = sum(1 for row, _params in rows if row.error)
    achievement = session.get_one(Achievement, bulk.achievement_id)
    return render_template(
        "issuer/bulk/preview.html",
        issuer=issuer,
        bulk=bulk,
        achievement=achievement,
        rows=rows,
        errors=errors,
        valid=len(rows) - errors,
        form=ActionForm(),
    )


@bp.post("/<int:bulk_id>/confirm")
@role_required(Role.ISSUER_ADMIN)
def confirm(slug: str, bulk_id: int) -> ResponseReturnValue:
    """Start issuing in the background, then watch the progress."""
    session = db_session()
    issuer = administered_issuer(session, slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    confirm_bulk_award(session, bulk_id, issuer_id=issuer.id, now=current_clock().now())
    session.commit()
    return redirect(url_for(".progress", slug=slug, bulk_id=bulk_id))


@bp.post("/<int:bulk_id>/cancel")
@role_required(Role.ISSUER_ADMIN)
def cancel(slug: str, bulk_id: int) -> ResponseReturnValue:
    """Drop a preview."""
    session = db_session()
    issuer = administered_issuer(session, slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    cancel_bulk_award(session, bulk_id, issuer_id=issuer.id)
    session.commit()
    return redirect(url_for(".index", slug=slug))


@bp.get("/<int:bulk_id>/progress")
@role_required(Role.ISSUER_ADMIN)
def progress(slug: str, bulk_id: int) -> ResponseReturnValue:
    """A progress bar and per-row results; progress.js keeps them current."""
    session = db_session()
    issuer = administered_issuer(session, slug)
    bulk = get_bulk_award(session, bulk_id, issuer_id=issuer.id)
    counts = bulk_progress(session, bulk.id, issuer_id=issuer.id)
    session.commit()  # keeps "done" once every issuance has finished
    names = {row.row_number: row for row in bulk.rows}
    return render_template(
        "issuer/bulk/progress.html", issuer=issuer, bulk=bulk, counts=counts, names=names
    )


@bp.get("/<int:bulk_id>/progress.json")
@role_required(Role.ISSUER_ADMIN)
def progress_json(slug: str, bulk_id: int) -> ResponseReturnValue:
    """The counts and each valid row's status, polled by progress.js."""
    session = db_session()
    issuer = administered_issuer(session, slug)
    counts = bulk_progress(session, bulk_id, issuer_id=issuer.id)
    session.commit()
    body = asdict(counts)
    body["rows"] = [{"line": line, "status": status} for line, status in counts.rows]
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response
