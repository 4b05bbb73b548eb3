"""The assessor's submission page: the evidence, earlier versions, the rubric and the decision.

Every view loads through :func:`paths.get_submission_for_review`, so a path the assessor does
not review answers 404 and their own work or a declared conflict 403, exactly as the domain
decides. A conflict of interest is declared from here too.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import Optional

import paths
from badges.accounts import Role, User
from badges.context import current_clock, current_settings
from badges.errors import DomainError
from badges.web.auth import role_required
from badges.web.database import db_session
from badges.web.errors import status_for
from badges.web.translate import _, _l
from paths.models import Enrolment, Requirement, Review, Unit
from paths.path_versions import METHODS
from paths.web.assessor_common import bp, signed_in_assessor
from paths.web.assessor_evidence import INLINE_IMAGES
from paths.web.labels import LABELS
from paths.web.participant import reader_locale
from paths.web.summary import reviews_of


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


@bp.route("/review/submissions/<int:submission_id>", methods=["GET", "POST"])
@role_required(Role.ASSESSOR)
def submission(submission_id: int) -> ResponseReturnValue:
    """The submission with its evidence, earlier versions, rubric and the decision form."""
    user = signed_in_assessor()
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
    user = signed_in_assessor()
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
    user = signed_in_assessor()
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
