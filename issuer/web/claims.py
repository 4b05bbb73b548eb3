"""Event self-claim: claim windows, the public claim form, email confirmation, admin approval.

The confirmation link opens a page with a button rather than confirming on GET: mail scanners
follow links, and would otherwise use up the single-use link before the attendee does.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from badges.accounts import Role
from badges.context import current_clock, current_settings
from badges.errors import DomainError
from badges.qr import qr_svg
from badges.web.auth import current_user, role_required, translate_error
from badges.web.database import db_session
from badges.web.errors import status_for
from badges.web.security import rate_limited
from badges.web.translate import _, _l
from issuer import Achievement
from issuer.claims import (
    approve_claims,
    check_open,
    claim_by_secret,
    claims_of,
    close_window_now,
    confirm_claim,
    get_window,
    open_claim_window,
    reject_claim,
    submit_claim,
    window_by_token,
    windows_of,
)
from issuer.models import ClaimWindow
from issuer.web.access import administered_issuer
from issuer.web.bulk import ActionForm, active_achievements

bp = Blueprint("issuer_claims", __name__)

#: Per client address, on POST only: enough for a family sharing a phone, not for a script.
CLAIM_RATE_LIMIT = "10 per minute"


class WindowForm(FlaskForm):
    """A new claim window; it closes after a number of minutes or at a UTC time."""

    event_name = StringField(_l("Event name"), validators=[DataRequired(), Length(max=200)])
    achievement = SelectField(_l("Badge"), coerce=int)
    minutes = IntegerField(
        _l("Open for how many minutes"),
        default=120,
        validators=[Optional(), NumberRange(min=1, max=60 * 24 * 14)],
    )
    closes_at = DateTimeLocalField(
        _l("Or close at (UTC)"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    auto_approve = BooleanField(
        _l("Issue the badge as soon as the email is confirmed"), default=True
    )


class ClaimForm(FlaskForm):
    """An attendee's name and email."""

    name = StringField(_l("Your full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Your email address"), validators=[DataRequired(), Length(max=320)])


def _closing_time(form: WindowForm, now: datetime) -> datetime:
    if form.closes_at.data is not None:
        return form.closes_at.data.replace(tzinfo=UTC)
    return now + timedelta(minutes=form.minutes.data or 120)


@bp.route("/issuer/<slug>/claims/", methods=["GET", "POST"])
@role_required(Role.ISSUER_ADMIN)
def windows(slug: str) -> ResponseReturnValue:
    """The issuer's claim windows with counts, and the form to open one."""
    session = db_session()
    issuer = administered_issuer(session, slug)
    form = WindowForm()
    form.achievement.choices = [(a.id, a.name) for a in active_achievements(session, issuer)]
    status = 200
    if form.validate_on_submit():
        try:
            window = _open(session, issuer.id, form)
        except DomainError as err:
            form.form_errors.append(translate_error(err))
            status = 422
        else:
            session.commit()
            return redirect(url_for(".projector", slug=slug, window_id=window.id))
    elif form.is_submitted():
        status = 422
    summaries = windows_of(session, issuer.id)
    now = current_clock().now()
    return render_template(
        "claims/windows.html", issuer=issuer, form=form, summaries=summaries, now=now
    ), status


def _open(session: Session, issuer_id: int, form: WindowForm) -> ClaimWindow:
    now = current_clock().now()
    user = current_user()
    return open_claim_window(
        session,
        issuer_id=issuer_id,
        achievement_id=form.achievement.data or 0,
        event_name=form.event_name.data or "",
        opens_at=now,
        closes_at=_closing_time(form, now),
        auto_approve=bool(form.auto_approve.data),
        created_by_id=user.id if user else None,
        now=now,
    )


@bp.get("/issuer/<slug>/claims/<int:window_id>/show")
@role_required(Role.ISSUER_ADMIN)
def projector(slug: str, window_id: int) -> ResponseReturnValue:
    """A full-screen page for the projector: the event, a big QR code and the short URL."""
    session = db_session()
    issuer = administered_issuer(session, slug)
    window = get_window(session, window_id, issuer_id=issuer.id)
    url = current_settings().base_url + url_for(".claim", token=window.token)
    return render_template("claims/projector.html", issuer=issuer, window=window, url=url)


@bp.get("/issuer/<slug>/claims/<int:window_id>/qr.svg")
@role_required(Role.ISSUER_ADMIN)
def qr(slug: str, window_id: int) -> ResponseReturnValue:
    """The QR code of the window's claim link."""
    session = db_session()
    issuer = administered_issuer(session, slug)
    window = get_window(session, window_id, issuer_id=issuer.id)
    url = current_settings().base_url + url_for(".claim", token=window.token)
    response = Response(qr_svg(url), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.get("/issuer/<slug>/claims/<int:window_id>")
@role_required(Role.ISSUER_ADMIN)
def claims(slug: str, window_id: int) -> ResponseReturnValue:
    """The window's claims; approve or reject them when the window is not auto-approved."""
    session = db_session()
    issuer = administered_issuer(session, slug)
    window = get_window(session, window_id, issuer_id=issuer.id)
    return render_template(
        "claims/claims.html",
        issuer=issuer,
        window=window,
        claims=claims_of(session, window),
        achievement=session.get_one(Achievement, window.achievement_id),
        now=current_clock().now(),
        form=ActionForm(),
    )


@bp.post("/issuer/<slug>/claims/<int:window_id>/approve")
@role_required(Role.ISSUER_ADMIN)
def approve(slug: str, window_id: int) -> ResponseReturnValue:
    """Approve the ticked claims (or one claim from its own button)."""
    session = db_session()
    issuer = administered_issuer(session, slug)
    ids = [int(value) for value in request.form.getlist("claim_id") if value.isdigit()]
    now = current_clock().now()
    count = approve_claims(session, window_id, ids, issuer_id=issuer.id, now=now)
    session.commit()
    flash(_("%(count)s claims approved. The badges are on their way.", count=count), "success")
    return redirect(url_for(".claims", slug=slug, window_id=window_id))


@bp.post("/issuer/<slug>/claims/<int:window_id>/<int:claim_id>/reject")
@role_required(Role.ISSUER_ADMIN)
def reject(slug: str, window_id: int, claim_id: int) -> ResponseReturnValue:
    """Turn one claim down."""
    session = db_session()
    issuer = administered_issuer(session, slug)
    now = current_clock().now()
    reject_claim(session, window_id, claim_id, issuer_id=issuer.id, now=now)
    session.commit()
    return redirect(url_for(".claims", slug=slug, window_id=window_id))


@bp.post("/issuer/<slug>/claims/<int:window_id>/close")
@role_required(Role.ISSUER_ADMIN)
def close(slug: str, window_id: int) -> ResponseReturnValue:
    """Stop taking claims now."""
    session = db_session()
    issuer = administered_issuer(session, slug)
    close_window_now(session, window_id, issuer_id=issuer.id, now=current_clock().now())
    session.commit()
    return redirect(url_for(".windows", slug=slug))


@bp.route("/claim/<token>", methods=["GET", "POST"])
@rate_limited(lambda: CLAIM_RATE_LIMIT, methods=("POST",))
def claim(token: str) -> ResponseReturnValue:
    """The attendee's form: name and email; a confirmation link goes to that email."""
    session = db_session()
    window = window_by_token(session, token)  # ClaimWindowNotFound -> 404
    achievement = session.get_one(Achievement, window.achievement_id)
    form = ClaimForm()
    now = current_clock().now()
    closed, status = None, 200
    try:
        check_open(window, now)
    except DomainError as err:
        closed, status = translate_error(err), status_for(err)
    if closed is None and form.validate_on_submit():
        error = _submit(session, token, form, now)
        if error is None:
            session.commit()
            return render_template("claims/submitted.html", window=window, email=form.email.data)
        status = 422
    elif form.is_submitted() and closed is None:
        status = 422
    return render_template(
        "claims/claim.html", window=window, achievement=achievement, form=form, closed=closed
    ), status


def _submit(session: Session, token: str, form: ClaimForm, now: datetime) -> DomainError | None:
    """Submit the claim; a refusal is shown beside its field rather than raised."""
    try:
        submit_claim(
            session,
            token,
            name=form.name.data or "",
            email=form.email.data or "",
            base_url=current_settings().base_url,
            now=now,
            write_mail=_confirmation_mail,
        )
    except DomainError as err:
        field = getattr(form, getattr(err, "field", None) or "", None)
        target = field.errors if field is not None else form.form_errors
        target.append(translate_error(err))
        return err
    return None


def _confirmation_mail(event_name: str, url: str) -> tuple[str, str]:
    subject = _("Confirm your badge for %(event)s", event=event_name)
    body = _(
        "Hello,\n\nplease open this link to confirm your badge for %(event)s:\n\n%(url)s\n\n"
        "If you did not ask for it, ignore this message.\n",
        event=event_name,
        url=url,
    )
    return subject, body


@bp.route("/claim/confirm/<secret>", methods=["GET", "POST"])
@rate_limited(lambda: CLAIM_RATE_LIMIT, methods=("POST",))
def confirm(secret: str) -> ResponseReturnValue:
    """Show a confirm button (GET), then confirm the claim once (POST)."""
    session = db_session()
    claim_ = claim_by_secret(session, secret)  # unknown or used -> 404
    window = session.get_one(ClaimWindow, claim_.window_id)
    form = ActionForm()
    if form.validate_on_submit():
        claim_ = confirm_claim(session, secret, now=current_clock().now())
        session.commit()
        return render_template("claims/confirmed.html", window=window, claim=claim_)
    return render_template("claims/confirm.html", window=window, form=form)
