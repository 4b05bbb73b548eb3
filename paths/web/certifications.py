"""The participant's certifications, and whether their evidence pages are public (issue #6).

A path credential lists its evidence with links to pages of this site. Those pages answer 404
until the participant makes that certification's evidence public here, so nothing they sent is
shown to anyone unless they choose so. Another user's certification answers 404, exactly like a
missing one (:func:`paths.set_evidence_public` checks the owner).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, cast

from flask import Blueprint, Flask, abort, flash, redirect, render_template, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import HiddenField
from wtforms.validators import AnyOf

import paths
from badges.accounts import Role
from badges.web.auth import add_nav_item, login_required
from badges.web.database import db_session
from badges.web.translate import _, _l
from issuer import Achievement, Credential, Issuance
from paths.web.labels import LABELS
from paths.web.participant import reader_locale, signed_in

bp = Blueprint("paths_certifications", __name__)

#: What the participant reads for each state of a certification's credential.
STATES: Mapping[str, LazyString] = MappingProxyType(
    {
        "pending": _l("Being issued"),
        "issued": _l("Issued"),
        "failed": _l("Not issued yet: the issuer has to look into it"),
        "revoked": _l("Revoked by the issuer"),
    }
)


class EvidenceSharingForm(FlaskForm):
    """Make a certification's evidence pages public (``1``) or private (``0``)."""

    public = HiddenField(validators=[AnyOf(["0", "1"])])


@dataclass(frozen=True, slots=True)
class EvidenceLink:
    """One evidence entry of a credential; ``requirement_id`` names its public page."""

    name: str
    requirement_id: int | None


@dataclass(frozen=True, slots=True)
class CertificationRow:
    """One certification as the list shows it: what, for which path, and its credential."""

    certification: paths.Certification
    path: paths.ValidationPath
    unit: paths.Unit | None
    achievement: str
    #: ``pending`` | ``issued`` | ``failed`` | ``revoked`` (see :data:`STATES`).
    state: str
    #: The uuid of ``/credentials/<uuid>`` once issued.
    credential_id: str | None
    evidence: tuple[EvidenceLink, ...]


@bp.record_once
def _navigation(state: BlueprintSetupState) -> None:
    app = cast("Flask", state.app)
    add_nav_item(app, Role.PARTICIPANT, "paths_certifications.index", _l("My certifications"))


@bp.context_processor
def _helpers() -> dict[str, Any]:
    locale = reader_locale()
    return {"tr": lambda texts: paths.pick_text(texts or {}, locale), "labels": LABELS}


@bp.get("/paths/my/certifications")
@login_required
def index() -> ResponseReturnValue:
    """Every unit and path certification of mine, with its credential and evidence switch."""
    rows = certification_rows(db_session(), signed_in().id)
    return render_template("paths/certifications.html", rows=rows, states=STATES)


@bp.post("/paths/my/certifications/<int:certification_id>/evidence")
@login_required
def evidence_sharing(certification_id: int) -> ResponseReturnValue:
    """Make the certification's evidence pages public or private; only its owner may."""
    user = signed_in()
    form = EvidenceSharingForm()
    if not form.validate_on_submit():
        abort(400)
    session = db_session()
    public = form.public.data == "1"
    paths.set_evidence_public(session, certification_id, user_id=user.id, public=public)
    session.commit()
    if public:
        flash(_("Your evidence pages for this credential are now public."), "success")
    else:
        flash(_("Your evidence pages for this credential are now private."), "success")
    return redirect(url_for(".index") + f"#certification-{certification_id}")


def certification_rows(session: Session, user_id: int) -> list[CertificationRow]:
    """The user's certifications, newest enrolment first, with their credentials' state."""
    found = [
        (enrolment, certification)
        for enrolment in paths.my_enrolments(session, user_id=user_id)
        for certification in paths.certifications_of(session, enrolment.id)
    ]
    issued = credential_states(session, [c.issuance_id for _, c in found if c.issuance_id])
    names = dict(
        session.execute(
            select(Achievement.id, Achievement.name).where(
                Achievement.id.in_({c.achievement_id for _, c in found})
            )
        ).all()
    )
    rows = []
    for enrolment, certification in found:
        state, credential_id = issued.get(certification.issuance_id or 0, ("pending", None))
        unit = session.get(paths.Unit, certification.unit_id) if certification.unit_id else None
        rows.append(
            CertificationRow(
                certification, enrolment.path, unit, names.get(certification.achievement_id, ""),
                state, credential_id, evidence_links(certification),
            )
        )  # fmt: skip
    return rows


def credential_states(
    session: Session, issuance_ids: list[int]
) -> dict[int, tuple[str, str | None]]:
    """Each issuance's state for the participant, and its credential's uuid once issued."""
    states: dict[int, tuple[str, str | None]] = {}
    for issuance_id, state, public_id, revoked_at in session.execute(
        select(Issuance.id, Issuance.state, Credential.public_id, Credential.revoked_at)
        .outerjoin(Credential, Credential.issuance_id == Issuance.id)
        .where(Issuance.id.in_(issuance_ids))
    ):
        if state == "issued" and public_id is not None:
            states[issuance_id] = ("revoked" if revoked_at else "issued", public_id)
        else:
            states[issuance_id] = ("failed" if state == "failed" else "pending", None)
    return states


def evidence_links(certification: paths.Certification) -> tuple[EvidenceLink, ...]:
    """The credential's evidence entries; each entry's id ends with its requirement's id."""
    links = []
    for entry in certification.extras.get("evidence", []):
        tail = str(entry.get("id", "")).rsplit("/", 1)[-1]
        requirement_id = int(tail) if tail.isdigit() else None
        links.append(EvidenceLink(str(entry.get("name", "")), requirement_id))
    return tuple(links)


__all__ = ["bp"]
