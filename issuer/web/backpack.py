"""Recipients' backpack: my badges, sharing, downloads, PDF certificate, claiming by link.

A claim link (``/backpack/claim/<secret>``, mailed to recipients without an account) opens a
public page that explains what to do; claiming itself is a signed-in POST, so the link survives
sign-in (``next``) and a link preview or scanner that merely opens it claims nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast
from uuid import UUID

from flask import Blueprint, Flask, abort, flash, redirect, render_template, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import BooleanField

from badges.accounts import Role, User
from badges.context import current_clock, current_settings
from badges.web.auth import add_nav_item, current_user, login_required
from badges.web.database import db_session
from badges.web.translate import _, _l
from issuer.credentials import (
    CredentialView,
    claim_credential,
    credential_view,
    credentials_for_user,
    find_claim,
    get_credential,
    linkedin_url,
    set_sharing,
)
from issuer.models import Achievement, Issuer
from issuer.rendering import credential_url
from issuer.web.credentials import local_date

bp = Blueprint("issuer_backpack", __name__)


class SharingForm(FlaskForm):
    """Who may see a badge's page: anyone with the link, and whether it shows the name."""

    shared = BooleanField(_l("Anyone with the link can see this badge"))
    show_name = BooleanField(_l("Show my name on the public page"))


class ClaimForm(FlaskForm):
    """Claiming is a POST with a CSRF token."""


@dataclass(frozen=True, slots=True)
class BackpackItem:
    """One badge on the backpack page."""

    view: CredentialView
    issued: str | None
    page_url: str
    linkedin_url: str
    form: SharingForm


def _signed_in() -> User:
    """The user that ``login_required`` let through."""
    user = current_user()
    if user is None:  # pragma: no cover - login_required has already sent them to sign in
        abort(401)
    return user


@bp.record_once
def _navigation(state: BlueprintSetupState) -> None:
    app = cast("Flask", state.app)
    for role in Role:  # every signed-in person may hold badges
        add_nav_item(app, role, "issuer_backpack.backpack", _l("My badges"))


@bp.get("/backpack")
@login_required
def backpack() -> ResponseReturnValue:
    """My badges, newest first, with sharing switches and downloads."""
    user = _signed_in()
    session = db_session()
    now, base_url = current_clock().now(), current_settings().base_url
    items = []
    for credential in credentials_for_user(session, user.id):
        view = credential_view(session, credential, now=now, with_name=True)
        page_url = credential_url(base_url, view.public_id)
        form = SharingForm(formdata=None, shared=view.shared, show_name=view.show_name)
        items.append(
            BackpackItem(
                view, local_date(view.issued), page_url, linkedin_url(view, page_url=page_url),
                form,
            )
        )  # fmt: skip
    return render_template("backpack/index.html", items=items)


@bp.post("/backpack/<uuid:public_id>/sharing")
@login_required
def sharing(public_id: UUID) -> ResponseReturnValue:
    """Save the sharing switches; only the recipient may (404 for anyone else)."""
    user = _signed_in()
    form = SharingForm()
    if not form.validate_on_submit():
        abort(400)
    session = db_session()
    credential = get_credential(session, str(public_id))
    set_sharing(
        session,
        credential,
        user_id=user.id,
        shared=bool(form.shared.data),
        show_name=bool(form.show_name.data),
    )
    session.commit()
    flash(_("Your sharing settings are saved."), "success")
    return redirect(url_for(".backpack") + f"#badge-{credential.public_id}")


@bp.get("/backpack/claim/<secret>")
def claim_page(secret: str) -> ResponseReturnValue:
    """Explain the claim link; signed-in users get the button that claims the badge."""
    session = db_session()
    issuance = find_claim(session, secret)
    if issuance is None:
        return render_template("backpack/claim.html", invalid=True), 404
    achievement = session.get_one(Achievement, issuance.achievement_id)
    issuer = session.get_one(Issuer, issuance.issuer_id)
    return render_template(
        "backpack/claim.html",
        invalid=False,
        achievement=achievement,
        issuer=issuer,
        form=ClaimForm(),
        signed_in=current_user() is not None,
        here=url_for(".claim_page", secret=secret),
    )


@bp.post("/backpack/claim/<secret>")
@login_required
def claim(secret: str) -> ResponseReturnValue:
    """Put the badge into the signed-in user's backpack; the link then stops working."""
    user = _signed_in()
    if not ClaimForm().validate_on_submit():
        abort(400)
    session = db_session()
    claim_credential(session, secret, user_id=user.id)  # wrong or used link -> 404
    session.commit()
    flash(_("The badge is now in your backpack."), "success")
    return redirect(url_for(".backpack"))
