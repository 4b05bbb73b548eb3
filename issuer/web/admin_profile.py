"""Issuer admin pages about the issuer itself: its public profile and logo, and its admins.

Thin views over :mod:`issuer.profile` and :mod:`issuer.admins` (issue #4). The
admins pages are open to the issuer's admins and to platform admins, who name an issuer's first
admin; every other page of the blueprint is for the issuer's admins only.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, FileField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, Length, Optional

from badges.accounts import Role, User
from badges.errors import DomainError
from badges.web.auth import current_user, role_required
from badges.web.database import db_session
from badges.web.errors import status_for
from badges.web.translate import _, _l
from issuer.admins import add_admin, is_admin, list_admins
from issuer.admins import remove_admin as remove_admin_membership
from issuer.models import Issuer
from issuer.profile import ProfileFields, update_issuer_profile
from issuer.web.access import admins_managed_issuer
from issuer.web.admin_common import admin_issuer, attach_error, bp, upload

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


class AddAdminForm(FlaskForm):
    """Make an existing account an admin of the issuer."""

    email = EmailField(
        _l("Email address of their account"), validators=[DataRequired(), Length(max=320)]
    )


class RemoveAdminForm(FlaskForm):
    """Removing an admin asks for an explicit confirmation."""

    confirm = BooleanField(_l("Yes, remove this admin."), validators=[DataRequired()])


@bp.route("/<slug>/profile", methods=["GET", "POST"])
@role_required(Role.ISSUER_ADMIN)
def profile(slug: str) -> ResponseReturnValue:
    """Edit the issuer's public profile and logo."""
    issuer = admin_issuer(slug)
    form = ProfileForm(obj=issuer)
    status = 200
    if form.validate_on_submit():
        values = ProfileFields(**{name: getattr(form, name).data for name in _PROFILE_FIELDS})
        try:
            update_issuer_profile(db_session(), issuer, values, logo=upload(form.logo))
        except DomainError as err:
            db_session().rollback()
            attach_error(form, err, field_map={"image": "logo"})
            status = status_for(err)
        else:
            db_session().commit()
            flash(_("The profile was saved."), "success")
            return redirect(url_for(".overview", slug=issuer.slug))
    elif form.is_submitted():
        status = 422
    return render_template("issuer/admin/profile.html", issuer=issuer, form=form), status


@bp.route("/<slug>/admins", methods=["GET", "POST"])
@role_required(Role.ISSUER_ADMIN, Role.PLATFORM_ADMIN)
def admins(slug: str) -> ResponseReturnValue:
    """The issuer's admins, and a form to add one by the email address of their account."""
    session = db_session()
    issuer = admins_managed_issuer(session, slug)
    form = AddAdminForm()
    status = 200
    if form.validate_on_submit():
        try:
            added = add_admin(session, issuer, email=form.email.data or "")
        except DomainError as err:
            session.rollback()
            attach_error(form, err)
            status = status_for(err)
        else:
            session.commit()
            flash(_("%(name)s is now an admin of this issuer.", name=added.name), "success")
            return redirect(url_for(".admins", slug=issuer.slug))
    elif form.is_submitted():
        status = 422
    people = list_admins(session, issuer)
    return render_template(
        "issuer/admin/admins.html", issuer=issuer, admins=people, form=form, **_viewer(issuer)
    ), status


@bp.route("/<slug>/admins/<int:user_id>/remove", methods=["GET", "POST"])
@role_required(Role.ISSUER_ADMIN, Role.PLATFORM_ADMIN)
def remove_admin(slug: str, user_id: int) -> ResponseReturnValue:
    """Confirm, then remove an admin; the last admin stays."""
    session = db_session()
    issuer = admins_managed_issuer(session, slug)
    if not is_admin(session, issuer, user_id):
        abort(404)
    person = session.get_one(User, user_id)
    form = RemoveAdminForm()
    status = 200
    if form.validate_on_submit():
        try:
            remove_admin_membership(session, issuer, user_id)
        except DomainError as err:
            session.rollback()
            attach_error(form, err)
            status = status_for(err)
        else:
            session.commit()
            return _removed(issuer, person)
    elif form.is_submitted():
        status = 422
    return _confirmation(issuer, person, form), status


def _confirmation(issuer: Issuer, person: User, form: RemoveAdminForm) -> str:
    """The page that asks to confirm a removal, or says why the last admin stays."""
    return render_template(
        "issuer/admin/remove_admin.html",
        issuer=issuer,
        person=person,
        form=form,
        last=len(list_admins(db_session(), issuer)) <= 1,
        **_viewer(issuer),
    )


def _viewer(issuer: Issuer) -> dict[str, object]:
    """Who is looking: ``me`` (the user) and ``outsider`` (a platform admin who is no admin)."""
    user = current_user()
    assert user is not None  # noqa: S101 - guaranteed by role_required
    return {"me": user, "outsider": not is_admin(db_session(), issuer, user.id)}


def _removed(issuer: Issuer, person: User) -> ResponseReturnValue:
    """Say so, and go where the user still may: removing yourself can end your access."""
    user = current_user()
    if user is None or user.id != person.id:
        flash(_("%(name)s is no longer an admin of this issuer.", name=person.name), "success")
        return redirect(url_for(".admins", slug=issuer.slug))
    flash(_("You are no longer an admin of %(issuer)s.", issuer=issuer.name), "success")
    if user.has_role(Role.PLATFORM_ADMIN):
        return redirect(url_for(".admins", slug=issuer.slug))
    if user.has_role(Role.ISSUER_ADMIN):
        return redirect(url_for(".dashboard"))
    return redirect(url_for("home.index"))
