"""Issuer admin pages for credentials: award to one person, the issued list, revoke, suspend.

Thin views over :mod:`issuer.issuance_requests`, :mod:`issuer.issued` and :mod:`issuer.status`
(issue #4); access as in :mod:`issuer.web.admin`.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from badges.accounts import Role
from badges.context import current_clock, current_settings
from badges.errors import DomainError
from badges.web.auth import current_user, role_required, translate_error
from badges.web.database import db_session
from badges.web.errors import status_for
from badges.web.translate import _, _l
from issuer.achievements import list_achievements
from issuer.issuance_requests import request_issuance
from issuer.issued import list_issued
from issuer.models import Achievement, Credential, Issuance, Issuer
from issuer.status import revoke, status_events, suspend, unsuspend
from issuer.web.admin_common import admin_issuer, attach_error, bp

PAGE_SIZE = 50


class AwardForm(FlaskForm):
    """Award one achievement to one person."""

    achievement = SelectField(_l("Achievement"), coerce=int, validators=[DataRequired()])
    recipient_name = StringField(
        _l("Recipient's name"), validators=[DataRequired(), Length(max=200)]
    )
    recipient_email = EmailField(
        _l("Recipient's email address"), validators=[DataRequired(), Length(max=320)]
    )


class ReasonForm(FlaskForm):
    """Why a badge is revoked, suspended or reinstated (kept in the audit log)."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=1000)])


class RevokeForm(ReasonForm):
    """Revocation asks for an explicit confirmation: it cannot be undone."""

    confirm = BooleanField(
        _l("I understand that revoking cannot be undone."), validators=[DataRequired()]
    )


def _admin_issuance(issuer: Issuer, issuance_id: int) -> tuple[Issuance, Credential | None]:
    session = db_session()
    issuance = session.get(Issuance, issuance_id)
    if issuance is None or issuance.issuer_id != issuer.id:
        abort(404)
    credential = session.scalar(select(Credential).where(Credential.issuance_id == issuance.id))
    return issuance, credential


@bp.route("/<slug>/award", methods=["GET", "POST"])
@role_required(Role.ISSUER_ADMIN)
def award(slug: str) -> ResponseReturnValue:
    """Award an achievement to one person; the credential is issued in the background."""
    issuer = admin_issuer(slug)
    form = AwardForm()
    form.achievement.choices = [(a.id, a.name) for a in list_achievements(db_session(), issuer.id)]
    status = 200
    if form.validate_on_submit():
        try:
            _award(issuer, form)
        except DomainError as err:
            attach_error(form, err, field_map={"achievement_id": "achievement"})
            status = status_for(err)
        else:
            flash(_("The badge is being issued to %(email)s.", email=form.recipient_email.data))
            return redirect(url_for(".issued", slug=issuer.slug))
    elif form.is_submitted():
        status = 422
    return render_template("issuer/admin/award.html", issuer=issuer, form=form), status


def _award(issuer: Issuer, form: Any) -> None:
    user = current_user()
    request_issuance(
        db_session(),
        issuer_id=issuer.id,
        achievement_id=form.achievement.data,
        recipient_name=form.recipient_name.data or "",
        recipient_email=form.recipient_email.data or "",
        now=current_clock().now(),
        requested_by_id=user.id if user else None,
    )
    db_session().commit()


@bp.get("/<slug>/issued")
@role_required(Role.ISSUER_ADMIN)
def issued(slug: str) -> ResponseReturnValue:
    """Issued credentials, newest first, 50 a page, searchable by name or email."""
    issuer = admin_issuer(slug)
    search = request.args.get("q", "")[:320]
    before = request.args.get("before", type=int)
    rows = list_issued(db_session(), issuer.id, search=search, before=before, limit=PAGE_SIZE + 1)
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return render_template(
        "issuer/admin/issued.html",
        issuer=issuer,
        rows=rows,
        search=search,
        before=before,
        next_before=rows[-1].issuance.id if more else None,
        now=current_clock().now(),
    )


@bp.get("/<slug>/issued/<int:issuance_id>")
@role_required(Role.ISSUER_ADMIN)
def credential_detail(slug: str, issuance_id: int) -> ResponseReturnValue:
    """One issuance, its credential's state, the audit log and the status actions."""
    issuer = admin_issuer(slug)
    issuance, credential = _admin_issuance(issuer, issuance_id)
    session = db_session()
    return render_template(
        "issuer/admin/credential.html",
        issuer=issuer,
        issuance=issuance,
        credential=credential,
        achievement=session.get_one(Achievement, issuance.achievement_id),
        events=status_events(session, credential.id) if credential else [],
        form=ReasonForm(),
        base_url=current_settings().base_url,
    )


@bp.route("/<slug>/issued/<int:issuance_id>/revoke", methods=["GET", "POST"])
@role_required(Role.ISSUER_ADMIN)
def revoke_credential(slug: str, issuance_id: int) -> ResponseReturnValue:
    """Confirm, then revoke for good."""
    issuer = admin_issuer(slug)
    issuance, credential = _admin_issuance(issuer, issuance_id)
    if credential is None:
        abort(404)
    form = RevokeForm()
    status = 200
    if form.validate_on_submit():
        try:
            _change(revoke, credential, form.reason.data)
        except DomainError as err:
            attach_error(form, err)
            status = status_for(err)
        else:
            flash(_("The badge was revoked."), "success")
            return redirect(url_for(".credential_detail", slug=slug, issuance_id=issuance.id))
    elif form.is_submitted():
        status = 422
    return render_template(
        "issuer/admin/revoke.html", issuer=issuer, issuance=issuance, form=form
    ), status


@bp.post("/<slug>/issued/<int:issuance_id>/suspend")
@role_required(Role.ISSUER_ADMIN)
def suspend_credential(slug: str, issuance_id: int) -> ResponseReturnValue:
    """Suspend a badge (reversible)."""
    return _suspension(slug, issuance_id, suspend, _("The badge was suspended."))


@bp.post("/<slug>/issued/<int:issuance_id>/unsuspend")
@role_required(Role.ISSUER_ADMIN)
def unsuspend_credential(slug: str, issuance_id: int) -> ResponseReturnValue:
    """Lift a suspension."""
    return _suspension(slug, issuance_id, unsuspend, _("The badge is valid again."))


def _suspension(slug: str, issuance_id: int, action: Any, done: str) -> ResponseReturnValue:
    issuer = admin_issuer(slug)
    issuance, credential = _admin_issuance(issuer, issuance_id)
    if credential is None:
        abort(404)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Give a reason of at most 1000 characters."), "error")
        return redirect(url_for(".credential_detail", slug=slug, issuance_id=issuance.id)), 303
    try:
        _change(action, credential, form.reason.data)
    except DomainError as err:
        flash(translate_error(err), "error")
    else:
        flash(done, "success")
    return redirect(url_for(".credential_detail", slug=slug, issuance_id=issuance.id)), 303


def _change(action: Any, credential: Credential, reason: str | None) -> None:
    user = current_user()
    action(
        db_session(),
        credential.id,
        reason=reason or "",
        now=current_clock().now(),
        actor_id=user.id if user else None,
    )
    db_session().commit()
