"""My data (GDPR, issue #6): download everything as a zip, or delete the account.

Any signed-in user may do either, whatever their roles. Both are POSTs with a CSRF token, so
no other site can start a download of someone's data or delete their account; deleting also
asks for the password again and an explicit tick, and is rate-limited like signing in.
"""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template, send_file, session
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired, Length

import paths
from badges.accounts.service import MAX_PASSWORD_LENGTH
from badges.context import current_clock, current_settings
from badges.errors import DomainError
from badges.web.auth import login_required, translate_error
from badges.web.database import db_session
from badges.web.errors import status_for
from badges.web.security import rate_limited
from badges.web.translate import _l
from paths.privacy import (
    WrongPassword,
    confirm_password,
    delete_account,
    export_personal_data,
    purge_evidence_files,
)
from paths.web.forms import ActionForm
from paths.web.participant import signed_in

bp = Blueprint("paths_privacy", __name__)


class DeleteAccountForm(FlaskForm):
    """The password once more, and an explicit tick: deleting cannot be undone."""

    password = PasswordField(
        _l("Your password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )
    understood = BooleanField(
        _l("I understand that my account and my evidence are deleted for good."),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )


@bp.get("/account/data")
@login_required
def page() -> ResponseReturnValue:
    """What we keep about you, the download button, and the deletion form."""
    return _render(DeleteAccountForm(formdata=None), 200)


@bp.post("/account/data/export")
@login_required
def export() -> ResponseReturnValue:
    """Everything about the user as ``application/zip``: data.json, evidence, credentials."""
    if not ActionForm().validate_on_submit():
        abort(400)
    now = current_clock().now()
    archive = export_personal_data(
        db_session(), signed_in(), paths.evidence_store(current_settings()), now=now
    )
    response = send_file(
        archive,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"my-data-{now.date().isoformat()}.zip",
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/account/data/delete")
@rate_limited(lambda: current_settings().login_rate_limit, methods=("POST",))
@login_required
def delete() -> ResponseReturnValue:
    """Delete the account after the password check; then sign out and say what happened."""
    form = DeleteAccountForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _render(form, 422)
    database = db_session()
    try:
        confirm_password(signed_in(), form.password.data or "")
        deletion = delete_account(database, signed_in(), now=current_clock().now())
    except WrongPassword as err:
        form.password.errors = [*form.password.errors, translate_error(err)]
        return _render(form, status_for(err))
    except DomainError as err:  # e.g. the last platform admin
        database.rollback()
        form.form_errors.append(translate_error(err))
        return _render(form, status_for(err))
    database.commit()
    purge_evidence_files(
        database, paths.evidence_store(current_settings()), deletion.orphaned_files
    )
    _sign_out()
    return render_template("paths_privacy/deleted.html")


def _render(form: DeleteAccountForm, status: int) -> ResponseReturnValue:
    return render_template(
        "paths_privacy/index.html", user=signed_in(), export_form=ActionForm(), form=form
    ), status


def _sign_out() -> None:
    """End the cookie session (keeping the language) and forget the cached, deleted user."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    g.pop("current_user", None)


__all__ = ["bp"]
