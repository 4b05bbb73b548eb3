"""Issuer admins: achievements, awards to one person, issued credentials, revocation (issue #4).

Thin views over :mod:`issuer` domain functions. Every route needs the issuer-admin role *and* a
membership in the organisation that owns the issuer in the URL; for anyone else the issuer does
not exist (404), so slugs cannot be probed.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from wtforms import (
    BooleanField,
    EmailField,
    FileField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from badges.accounts import Role
from badges.context import current_clock, current_settings
from badges.errors import DomainError
from badges.web.auth import add_nav_item, current_user, role_required, translate_error
from badges.web.database import db_session
from badges.web.errors import status_for
from badges.web.translate import _, _l
from issuer.achievements import (
    ACHIEVEMENT_TYPES,
    AchievementFields,
    ImageUpload,
    ProfileFields,
    alignments_of,
    archive_achievement,
    create_achievement,
    get_achievement,
    list_achievements,
    update_achievement,
    update_issuer_profile,
)
from issuer.issuance import request_issuance
from issuer.issued import issuance_counts, list_issued
from issuer.models import Achievement, Credential, Issuance, Issuer
from issuer.status import revoke, status_events, suspend, unsuspend
from issuer.web.access import administered_issuer

bp = Blueprint("issuer_admin", __name__, url_prefix="/issuer")
PAGE_SIZE = 50


@bp.record_once
def _navigation(state: Any) -> None:
    app: Flask = state.app
    add_nav_item(app, Role.ISSUER_ADMIN, "issuer_admin.dashboard", _l("Issuing"))


# Flask-WTF ships no types, so FlaskForm is Any (see the badges.web.forms override).
class AchievementForm(FlaskForm):
    """An achievement; alignments one per line as ``name | https://url``."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[DataRequired()])
    criteria_narrative = TextAreaField(_l("Criteria (Markdown)"), validators=[DataRequired()])
    achievement_type = SelectField(_l("Type"), choices=[], validate_choice=False)
    validity_days = IntegerField(
        _l("Valid for (days)"), validators=[Optional(), NumberRange(min=1, max=36500)]
    )
    language = StringField(_l("Language code"), validators=[Optional(), Length(max=16)])
    alignments = TextAreaField(_l("Competence framework links"), validators=[Optional()])
    allow_suspension = BooleanField(_l("Allow suspending these badges"))
    image = FileField(_l("Badge image (PNG or SVG, under 1 MB)"))


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


class ProfileForm(FlaskForm):
    """The issuer's public profile."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    url = URLField(_l("Web site"), validators=[Optional(), Length(max=2000)])
    email = EmailField(_l("Contact email address"), validators=[Optional(), Length(max=320)])
    description = TextAreaField(_l("Description"), validators=[Optional()])
    street_address = StringField(_l("Street address"), validators=[Optional(), Length(max=300)])
    postal_code = StringField(_l("Postal code"), validators=[Optional(), Length(max=32)])
    address_locality = StringField(_l("Town or city"), validators=[Optional(), Length(max=200)])
    address_region = StringField(_l("Region"), validators=[Optional(), Length(max=200)])
    address_country_code = StringField(
        _l("Country code (two letters)"), validators=[Optional(), Length(max=2)]
    )
    logo = FileField(_l("Logo (PNG or SVG, under 1 MB)"))


def _admin_issuer(slug: str) -> Issuer:
    """The issuer, if the signed-in user administers it; 404 otherwise (no probing)."""
    return administered_issuer(db_session(), slug)


def _admin_issuance(issuer: Issuer, issuance_id: int) -> tuple[Issuance, Credential | None]:
    session = db_session()
    issuance = session.get(Issuance, issuance_id)
    if issuance is None or issuance.issuer_id != issuer.id:
        abort(404)
    credential = session.scalar(select(Credential).where(Credential.issuance_id == issuance.id))
    return issuance, credential


def _upload(field: Any) -> ImageUpload | None:
    data = field.data
    if not isinstance(data, FileStorage) or not data.filename:
        return None
    return ImageUpload(data.read(), data.mimetype)


def _attach(form: Any, err: DomainError, *, field_map: dict[str, str] | None = None) -> None:
    name = getattr(err, "field", None)
    name = (field_map or {}).get(name or "", name)
    field = getattr(form, name, None) if name else None
    message = translate_error(err)
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, message]
    else:
        form.form_errors.append(message)


@bp.get("/")
@role_required(Role.ISSUER_ADMIN)
def dashboard() -> ResponseReturnValue:
    """The issuers the signed-in admin acts for."""
    user = current_user()
    assert user is not None  # noqa: S101 - guaranteed by role_required
    organisation_ids = [m.organisation_id for m in user.memberships if m.role is Role.ISSUER_ADMIN]
    issuers = db_session().scalars(
        select(Issuer).where(Issuer.organisation_id.in_(organisation_ids)).order_by(Issuer.name)
    )
    return render_template("issuer/admin/dashboard.html", issuers=list(issuers))


@bp.get("/<slug>/")
@role_required(Role.ISSUER_ADMIN)
def overview(slug: str) -> ResponseReturnValue:
    """One issuer at a glance: achievements and issuances by state."""
    issuer = _admin_issuer(slug)
    session = db_session()
    return render_template(
        "issuer/admin/overview.html",
        issuer=issuer,
        achievements=len(list_achievements(session, issuer.id)),
        counts=issuance_counts(session, issuer.id),
    )


@bp.get("/<slug>/achievements/")
@role_required(Role.ISSUER_ADMIN)
def achievements(slug: str) -> ResponseReturnValue:
    """The issuer's achievements; archived ones on request."""
    issuer = _admin_issuer(slug)
    archived = request.args.get("archived") == "1"
    items = list_achievements(db_session(), issuer.id, include_archived=archived)
    return render_template(
        "issuer/admin/achievements.html", issuer=issuer, achievements=items, archived=archived
    )


@bp.route("/<slug>/achievements/new", methods=["GET", "POST"])
@role_required(Role.ISSUER_ADMIN)
def new_achievement(slug: str) -> ResponseReturnValue:
    """Create an achievement."""
    return _achievement_page(_admin_issuer(slug), None)


@bp.route("/<slug>/achievements/<int:achievement_id>/edit", methods=["GET", "POST"])
@role_required(Role.ISSUER_ADMIN)
def edit_achievement(slug: str, achievement_id: int) -> ResponseReturnValue:
    """Change an achievement; credentials already issued keep what they say."""
    issuer = _admin_issuer(slug)
    return _achievement_page(issuer, get_achievement(db_session(), issuer.id, achievement_id))


def _achievement_page(issuer: Issuer, achievement: Achievement | None) -> ResponseReturnValue:
    form = AchievementForm(obj=achievement)
    form.achievement_type.choices = [("", _("None")), *((t, t) for t in sorted(ACHIEVEMENT_TYPES))]
    if achievement is not None and not form.is_submitted():
        form.alignments.data = "\n".join(
            " | ".join(a.get(k, "") for k in ("targetName", "targetUrl")).strip()
            for a in alignments_of(achievement)
        )
    status = 200
    if form.validate_on_submit():
        try:
            saved = _save_achievement(issuer, achievement, form)
        except DomainError as err:
            _attach(form, err)
            status = status_for(err)
        else:
            db_session().commit()
            flash(_("The achievement %(name)s was saved.", name=saved.name), "success")
            return redirect(url_for(".achievements", slug=issuer.slug))
    elif form.is_submitted():
        status = 422
    return render_template(
        "issuer/admin/achievement_form.html", issuer=issuer, achievement=achievement, form=form
    ), status


def _save_achievement(issuer: Issuer, achievement: Achievement | None, form: Any) -> Achievement:
    values = AchievementFields(
        name=form.name.data or "",
        description=form.description.data or "",
        criteria_narrative=form.criteria_narrative.data or "",
        achievement_type=form.achievement_type.data or None,
        validity_days=form.validity_days.data,
        language=form.language.data or None,
        alignments=parse_alignments(form.alignments.data or ""),
        allow_suspension=bool(form.allow_suspension.data),
    )
    now, session, image = current_clock().now(), db_session(), _upload(form.image)
    if achievement is None:
        return create_achievement(session, issuer.id, values, now=now, image=image)
    return update_achievement(session, issuer.id, achievement.id, values, now=now, image=image)


def parse_alignments(text: str) -> list[dict[str, str]]:
    """One alignment per line: ``name | https://url`` (framework and code may follow)."""
    keys = ("targetName", "targetUrl", "targetFramework", "targetCode")
    alignments = []
    for line in text.splitlines():
        if line.strip():
            parts = [part.strip() for part in line.split("|")]
            alignments.append(dict(zip(keys, parts, strict=False)))
    return alignments


@bp.post("/<slug>/achievements/<int:achievement_id>/archive")
@role_required(Role.ISSUER_ADMIN)
def archive(slug: str, achievement_id: int) -> ResponseReturnValue:
    """Archive an achievement (CSRF-checked POST)."""
    issuer = _admin_issuer(slug)
    achievement = archive_achievement(
        db_session(), issuer.id, achievement_id, now=current_clock().now()
    )
    db_session().commit()
    flash(_("The achievement %(name)s was archived.", name=achievement.name), "success")
    return redirect(url_for(".achievements", slug=issuer.slug))


@bp.route("/<slug>/award", methods=["GET", "POST"])
@role_required(Role.ISSUER_ADMIN)
def award(slug: str) -> ResponseReturnValue:
    """Award an achievement to one person; the credential is issued in the background."""
    issuer = _admin_issuer(slug)
    form = AwardForm()
    form.achievement.choices = [(a.id, a.name) for a in list_achievements(db_session(), issuer.id)]
    status = 200
    if form.validate_on_submit():
        try:
            _award(issuer, form)
        except DomainError as err:
            _attach(form, err, field_map={"achievement_id": "achievement"})
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
    issuer = _admin_issuer(slug)
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
    issuer = _admin_issuer(slug)
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
    issuer = _admin_issuer(slug)
    issuance, credential = _admin_issuance(issuer, issuance_id)
    if credential is None:
        abort(404)
    form = RevokeForm()
    status = 200
    if form.validate_on_submit():
        try:
            _change(revoke, credential, form.reason.data)
        except DomainError as err:
            _attach(form, err)
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
    issuer = _admin_issuer(slug)
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


@bp.route("/<slug>/profile", methods=["GET", "POST"])
@role_required(Role.ISSUER_ADMIN)
def profile(slug: str) -> ResponseReturnValue:
    """Edit the issuer's public profile and logo."""
    issuer = _admin_issuer(slug)
    form = ProfileForm(obj=issuer)
    status = 200
    if form.validate_on_submit():
        values = ProfileFields(**{name: getattr(form, name).data for name in _PROFILE_FIELDS})
        try:
            update_issuer_profile(db_session(), issuer, values, logo=_upload(form.logo))
        except DomainError as err:
            db_session().rollback()
            _attach(form, err, field_map={"image": "logo"})
            status = status_for(err)
        else:
            db_session().commit()
            flash(_("The profile was saved."), "success")
            return redirect(url_for(".overview", slug=issuer.slug))
    elif form.is_submitted():
        status = 422
    return render_template("issuer/admin/profile.html", issuer=issuer, form=form), status


_PROFILE_FIELDS = (
    "name",
    "url",
    "email",
    "description",
    "street_address",
    "postal_code",
    "address_locality",
    "address_region",
    "address_country_code",
)
