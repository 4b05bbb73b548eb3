"""The assessor's pages: the review queue, one submission with safe previews, the decision.

Every page loads through :func:`paths.get_submission_for_review`, so a path the assessor does
not review answers 404 and their own work or a declared conflict 403, exactly as the domain
decides. Evidence files are served only to the path's assessors: pictures inline (by the type
sniffed when stored, never the browser's guess), everything else as a download.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import Optional

import paths
from badges.accounts import Role, User
from badges.context import current_clock, current_settings
from badges.errors import DomainError
from badges.web.auth import add_nav_item, current_user, role_required
from badges.web.database import db_session
from badges.web.errors import status_for
from badges.web.translate import _, _l
from paths.models import (
    Artefact,
    Element,
    Enrolment,
    EvidenceFile,
    Requirement,
    Review,
    Unit,
    ValidationPath,
)
from paths.path_versions import METHODS
from paths.sniff import GIF, JPEG, PNG, WEBP
from paths.web.labels import LABELS
from paths.web.participant import reader_locale
from paths.web.summary import reviews_of

bp = Blueprint("paths_assessor", __name__)

#: Submissions per queue page.
PAGE_SIZE = 25
#: Picture types shown inline (by the stored, sniffed type); anything else is a download.
INLINE_IMAGES = frozenset({PNG, JPEG, WEBP, GIF})
#: Evidence responses are inert: no scripts, no plugins, no framing.
EVIDENCE_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'"
#: Longest "older than" filter, in days.
MAX_AGE_DAYS = 3650


class ReviewForm(FlaskForm):
    """Approve or reject against the rubric; feedback is needed to reject (the domain checks)."""

    decision = RadioField(
        _l("Decision"), choices=[], validate_choice=False, validators=[Optional()]
    )
    rubric_level = RadioField(_l("Level reached"), coerce=int, choices=[], validate_choice=False,
                              validators=[Optional()])  # fmt: skip
    method = SelectField(_l("Assessment method"), choices=[], validate_choice=False)
    feedback = TextAreaField(_l("Feedback to the participant"), validators=[Optional()])


class ConflictForm(FlaskForm):
    """Declare a conflict of interest with the participant."""

    reason = TextAreaField(_l("Reason (optional)"), validators=[Optional()])


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One line of the queue page."""

    item: paths.QueueItem
    path: ValidationPath
    element: Element
    waiting_days: int


@bp.record_once
def _navigation(state: BlueprintSetupState) -> None:
    add_nav_item(cast("Flask", state.app), Role.ASSESSOR, "paths_assessor.queue",
                 _l("Review queue"))  # fmt: skip


@bp.context_processor
def _helpers() -> dict[str, Any]:
    locale = reader_locale()
    return {"tr": lambda texts: paths.pick_text(texts or {}, locale), "labels": LABELS}


def _assessor() -> User:
    user = current_user()
    if user is None:  # pragma: no cover - role_required has already refused
        abort(401)
    return user


@bp.get("/review/")
@role_required(Role.ASSESSOR)
def queue() -> ResponseReturnValue:
    """Waiting submissions on the assessor's paths, oldest first, filtered and paged."""
    user = _assessor()
    session = db_session()
    now = current_clock().now()
    path_choices = _path_choices(user.id)
    element_choices = _element_choices([p.id for p in path_choices])
    path_id = request.args.get("path", type=int)
    element_id = request.args.get("element", type=int)
    days = request.args.get("older", type=int)
    path_id = path_id if path_id in {p.id for p in path_choices} else None
    element_id = element_id if element_id in {e.id for e in element_choices} else None
    days = days if days is not None and 0 < days <= MAX_AGE_DAYS else None
    items = paths.review_queue(
        session,
        user.id,
        path_id=path_id,
        element_id=element_id,
        older_than=now - timedelta(days=days) if days else None,
        limit=PAGE_SIZE + 1,
        after=_cursor(request.args.get("after", "")),
    )
    more = len(items) > PAGE_SIZE
    items = items[:PAGE_SIZE]
    path_ids = {i.path_id for i in items}
    element_ids = {i.element_id for i in items}
    found_paths = session.scalars(select(ValidationPath).where(ValidationPath.id.in_(path_ids)))
    path_rows = {p.id: p for p in found_paths}
    element_rows = {
        e.id: e for e in session.scalars(select(Element).where(Element.id.in_(element_ids)))
    }
    rows = [
        QueueRow(
            i, path_rows[i.path_id], element_rows[i.element_id], max(0, (now - i.submitted_at).days)
        )
        for i in items
    ]
    filters = {"path": path_id, "element": element_id, "older": days}
    next_url = None
    if more:
        at, last = items[-1].cursor
        args: dict[str, Any] = {k: v for k, v in filters.items() if v is not None}
        args["after"] = f"{at.isoformat()}_{last}"
        next_url = url_for(".queue", **args)
    return render_template(
        "paths_review/queue.html",
        rows=rows,
        path_choices=path_choices,
        element_choices=element_choices,
        filters=filters,
        next_url=next_url,
    )


def _cursor(value: str) -> tuple[datetime, int] | None:
    """The ``after`` cursor ``<ISO time>_<id>``; anything malformed means the first page."""
    at, _sep, last = value.rpartition("_")
    try:
        moment = datetime.fromisoformat(at)
        last_id = int(last)
    except ValueError:
        return None
    return (moment, last_id) if moment.tzinfo is not None else None


def _path_choices(user_id: int) -> list[ValidationPath]:
    codes = paths.assigned_path_codes(db_session(), user_id)
    return list(
        db_session().scalars(
            select(ValidationPath)
            .where(ValidationPath.code.in_(codes), ValidationPath.state != "draft")
            .order_by(ValidationPath.code, ValidationPath.version)
        )
    )


def _element_choices(path_ids: list[int]) -> list[Element]:
    if not path_ids:
        return []
    return list(
        db_session().scalars(
            select(Element)
            .where(
                Element.id.in_(
                    select(Requirement.element_id).where(Requirement.path_id.in_(path_ids))
                )
            )
            .order_by(Element.code, Element.id)
        )
    )


@bp.route("/review/submissions/<int:submission_id>", methods=["GET", "POST"])
@role_required(Role.ASSESSOR)
def submission(submission_id: int) -> ResponseReturnValue:
    """The submission with its evidence, earlier versions, rubric and the decision form."""
    user = _assessor()
    session = db_session()
    found = paths.get_submission_for_review(session, submission_id, assessor_id=user.id)
    form = _review_form(found.requirement)
    if request.method == "GET":
        return _render(found.id, form, 200)
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _render(found.id, form, 422)
    try:
        outcome = paths.review_submission(
            session,
            found.id,
            assessor_id=user.id,
            decision=form.decision.data or "",
            feedback=form.feedback.data or "",
            rubric_level=form.rubric_level.data if form.rubric_level.data else None,
            method=form.method.data or None,
            now=current_clock().now(),
            base_url=current_settings().base_url,
        )
    except DomainError as err:
        session.rollback()
        message = _(err.template, **err.params)
        field = getattr(form, getattr(err, "field", None) or "", None)
        if field is None or field is form.csrf_token:
            form.form_errors.append(message)
        else:
            field.errors = [*field.errors, message]
        return _render(submission_id, form, status_for(err))
    session.commit()
    if outcome.state == "approved":
        flash(_("Approved. The participant has been told."), "success")
    elif outcome.state == "rejected":
        flash(_("Sent back with your feedback. The participant has been told."), "success")
    else:
        flash(
            _(
                "Your approval is saved: %(count)s of %(needed)s approvals.",
                count=outcome.approvals,
                needed=outcome.approvals_needed,
            ),
            "success",
        )
    return redirect(url_for(".queue"))


def _review_form(requirement: Requirement) -> ReviewForm:
    form = ReviewForm()
    form.decision.choices = [("approve", _("Approve")), ("reject", _("Reject: needs changes"))]
    form.rubric_level.choices = [
        (int(level["level"]), _level_label(level)) for level in requirement.rubric
    ]
    allowed = (requirement.method,) if requirement.method else METHODS
    form.method.choices = [(m, LABELS["method"].get(m, m)) for m in allowed]
    return form


def _level_label(level: dict[str, Any]) -> str:
    return f"{level['level']}: {paths.pick_text(level.get('title') or {}, reader_locale())}"


def _render(submission_id: int, form: ReviewForm, status: int) -> ResponseReturnValue:
    user = _assessor()
    session = db_session()
    found = paths.get_submission_for_review(session, submission_id, assessor_id=user.id)
    enrolment = session.get_one(Enrolment, found.enrolment_id)
    requirement = found.requirement
    element = requirement.element
    versions = paths.history(session, enrolment.id, requirement.id)
    approvals = (
        session.scalar(
            select(func.count())
            .select_from(Review)
            .where(Review.submission_id == found.id, Review.decision == "approve")
        )
        or 0
    )
    return render_template(
        "paths_review/submission.html",
        submission=found,
        enrolment=enrolment,
        path=enrolment.path,
        participant=session.get_one(User, enrolment.user_id),
        requirement=requirement,
        element=element,
        unit=session.get_one(Unit, element.unit_id),
        versions=versions,
        reviews=reviews_of(session, (v.id for v in versions)),
        approvals=approvals,
        pending=found.state in ("submitted", "appealed"),
        form=form,
        conflict_form=ConflictForm(formdata=None),
        inline_images=INLINE_IMAGES,
    ), status


@bp.post("/review/submissions/<int:submission_id>/conflict")
@role_required(Role.ASSESSOR)
def conflict(submission_id: int) -> ResponseReturnValue:
    """Declare a conflict of interest with this submission's participant; back to the queue."""
    user = _assessor()
    session = db_session()
    found = paths.get_submission_for_review(session, submission_id, assessor_id=user.id)
    form = ConflictForm()
    if not form.validate_on_submit():
        abort(400)
    enrolment = session.get_one(Enrolment, found.enrolment_id)
    paths.declare_conflict(
        session,
        assessor_id=user.id,
        participant_id=enrolment.user_id,
        reason=form.reason.data or "",
        now=current_clock().now(),
    )
    session.commit()
    flash(_("Your conflict of interest is recorded. Another assessor will review."), "success")
    return redirect(url_for(".queue"))


@bp.get("/review/evidence/<int:artefact_id>")
@role_required(Role.ASSESSOR)
def evidence(artefact_id: int) -> ResponseReturnValue:
    """An evidence file for the path's assessors only: pictures inline, others as downloads."""
    user = _assessor()
    session = db_session()
    row = session.execute(
        select(Artefact, EvidenceFile, Enrolment, ValidationPath)
        .join(EvidenceFile, EvidenceFile.sha256 == Artefact.file_sha256)
        .join(Enrolment, Enrolment.id == Artefact.enrolment_id)
        .join(ValidationPath, ValidationPath.id == Enrolment.path_id)
        .where(Artefact.id == artefact_id)
    ).one_or_none()
    if row is None:
        abort(404)
    artefact, stored, enrolment, path = row
    if enrolment.user_id == user.id or not paths.is_assigned(session, path.code, user.id):
        abort(404)
    if paths.has_conflict(session, assessor_id=user.id, participant_id=enrolment.user_id):
        abort(404)
    data = paths.evidence_store(current_settings()).open(stored.sha256)
    response = send_file(
        io.BytesIO(data),
        mimetype=stored.media_type,
        as_attachment=stored.media_type not in INLINE_IMAGES,
        download_name=artefact.filename or "evidence",
        max_age=0,
    )
    response.headers["Content-Security-Policy"] = EVIDENCE_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


__all__ = ["bp"]
