"""The platform admin's review pages: who assesses which path, and the audit log of reviews.

Only platform admins, for three reasons read from the domain. The assessor role is
platform-wide (a ``UserRole``, not an organisation ``Membership``), so an assessor belongs to no
issuer. Assignments are by path code, and a code's versions each name their own issuer, so no one
organisation owns an assignment. And the log names participants of every path and
organisation. Issuer admins keep the read-only cohort overview of their own paths
(:mod:`paths.web.maps`).

The admin's submission page is read-only and serves no evidence files: admins follow the log,
assessors judge the evidence (:mod:`paths.web.assessor`).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, cast

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, IntegerField, SelectField
from wtforms.validators import DataRequired, Length

import paths
from badges.accounts import Role, User
from badges.context import current_clock
from badges.errors import DomainError
from badges.web.auth import add_nav_item, current_user, role_required, translate_error
from badges.web.database import db_session
from badges.web.errors import status_for
from badges.web.translate import _, _l
from paths.audit import (
    account_by_email,
    assessor_accounts,
    latest_paths,
    review_events,
)
from paths.web.labels import LABELS
from paths.web.participant import reader_locale

bp = Blueprint("paths_admin", __name__)

#: Events per page of the audit log.
PAGE_SIZE = 50

#: What each logged action means, for the log's "what" column.
ACTION_LABELS: Mapping[str, LazyString] = MappingProxyType(
    {
        "approve": _l("Assessor approved"),
        "reject": _l("Assessor sent back"),
        "appeal": _l("Participant appealed"),
        "approved": _l("Submission approved"),
        "rejected": _l("Submission rejected"),
    }
)
#: Actions the platform records itself (the resulting decision), with no person behind them.
OUTCOMES = frozenset({"approved", "rejected"})


class AssignForm(FlaskForm):
    """Make an existing account with the assessor role an assessor of one path."""

    path_code = SelectField(_l("Validation path"), choices=[], validators=[DataRequired()])
    email = EmailField(_l("Assessor's email address"), validators=[DataRequired(), Length(max=320)])


class UnassignForm(FlaskForm):
    """Stop one assessor reviewing one path (the buttons post the two hidden values)."""

    path_code = HiddenField(validators=[DataRequired(), Length(max=64)])
    user_id = IntegerField(validators=[DataRequired()])


@bp.record_once
def _navigation(state: BlueprintSetupState) -> None:
    app = cast("Flask", state.app)
    add_nav_item(app, Role.PLATFORM_ADMIN, "paths_admin.assessors", _l("Assessors"))
    add_nav_item(app, Role.PLATFORM_ADMIN, "paths_admin.audit", _l("Review log"))


@bp.context_processor
def _helpers() -> dict[str, Any]:
    locale = reader_locale()
    return {
        "tr": lambda texts: paths.pick_text(texts or {}, locale),
        "labels": LABELS,
        "actions": ACTION_LABELS,
        "outcomes": OUTCOMES,
    }


def _admin() -> User:
    user = current_user()
    if user is None:  # pragma: no cover - role_required has already refused
        abort(401)
    return user


@bp.route("/paths/admin/assessors", methods=["GET", "POST"])
@role_required(Role.PLATFORM_ADMIN)
def assessors() -> ResponseReturnValue:
    """Each published path with its assessors; the form assigns one more by email."""
    form = _assign_form()
    if request.method == "GET":
        return _render_assessors(form, 200)
    if not form.validate_on_submit():  # a missing CSRF token never gets here: CSRFProtect 400s
        return _render_assessors(form, 422)
    session = db_session()
    code = form.path_code.data or ""
    user = account_by_email(session, form.email.data or "")
    if user is None:
        return _refuse(form, _("No account uses this email address."), 422)
    if paths.is_assigned(session, code, user.id):
        return _refuse(form, _("%(name)s already assesses this path.", name=user.name), 409)
    try:
        paths.assign_assessor(
            session, code, user.id, now=current_clock().now(), assigned_by_id=_admin().id
        )
    except DomainError as err:  # NotAnAssessor: the account lacks the assessor role
        session.rollback()
        return _refuse(form, translate_error(err), status_for(err))
    session.commit()
    flash(_("%(name)s now assesses %(path)s.", name=user.name, path=code), "success")
    return redirect(url_for(".assessors"))


@bp.post("/paths/admin/assessors/unassign")
@role_required(Role.PLATFORM_ADMIN)
def unassign() -> ResponseReturnValue:
    """Stop an assessor reviewing a path; their earlier reviews stay in the log."""
    form = UnassignForm()
    if not form.validate_on_submit():
        abort(400)
    session = db_session()
    code, user_id = form.path_code.data or "", form.user_id.data or 0
    user = session.get(User, user_id)
    if user is None or not paths.is_assigned(session, code, user_id):
        flash(_("This person was not assessing this path."), "error")
        return redirect(url_for(".assessors"))
    paths.unassign_assessor(session, code, user_id)
    session.commit()
    flash(
        _(
            "%(name)s no longer assesses %(path)s. Their earlier reviews stay in the log.",
            name=user.name,
            path=code,
        ),
        "success",
    )
    return redirect(url_for(".assessors"))


def _assign_form() -> AssignForm:
    form = AssignForm()
    form.path_code.choices = [
        (p.code, f"{paths.pick_text(p.title, reader_locale())} ({p.code})")
        for p in latest_paths(db_session())
    ]
    return form


def _refuse(form: AssignForm, message: str, status: int) -> ResponseReturnValue:
    form.email.errors = [*form.email.errors, message]
    return _render_assessors(form, status)


def _render_assessors(form: AssignForm, status: int) -> ResponseReturnValue:
    session = db_session()
    # One query per path: a platform offers tens of paths, and this reuses the domain's query.
    listed = [(path, paths.assessors_of(session, path.code)) for path in latest_paths(session)]
    return render_template("paths/admin/assessors.html", form=form, listed=listed), status


@bp.get("/paths/admin/audit")
@role_required(Role.PLATFORM_ADMIN)
def audit() -> ResponseReturnValue:
    """Review events newest first, by path and by assessor, in keyset pages."""
    session = db_session()
    code = request.args.get("path") or None
    actor_id = request.args.get("assessor", type=int)
    before_id = request.args.get("before", type=int)
    entries = review_events(
        session, path_code=code, actor_id=actor_id, before_id=before_id, limit=PAGE_SIZE + 1
    )
    filters: dict[str, Any] = {"path": code, "assessor": actor_id}
    kept: dict[str, Any] = {k: v for k, v in filters.items() if v is not None}
    next_url = None
    if len(entries) > PAGE_SIZE:
        entries = entries[:PAGE_SIZE]
        next_url = url_for(".audit", **kept, before=entries[-1].event_id)
    return render_template(
        "paths/admin/audit.html",
        entries=entries,
        filters=filters,
        path_choices=latest_paths(session, states=("published", "retired")),
        assessor_choices=assessor_accounts(session),
        next_url=next_url,
        first_url=url_for(".audit", **kept) if before_id is not None else None,
    )


@bp.get("/paths/admin/submissions/<int:submission_id>")
@role_required(Role.PLATFORM_ADMIN)
def submission(submission_id: int) -> ResponseReturnValue:
    """One submission version as the log saw it: evidence, reviews and its events."""
    session = db_session()
    found = session.get(paths.Submission, submission_id)
    if found is None:
        abort(404)
    enrolment = session.get_one(paths.Enrolment, found.enrolment_id)
    return render_template(
        "paths/admin/submission.html",
        submission=found,
        path=enrolment.path,
        participant=session.get_one(User, enrolment.user_id),
        requirement=found.requirement,
        element=found.requirement.element,
        versions=paths.history(session, enrolment.id, found.requirement_id),
        events=review_events(session, submission_id=found.id, limit=MAX_EVENTS),
    )


#: A submission version gathers a handful of events; this only bounds a pathological one.
MAX_EVENTS = 200


__all__ = ["bp"]
