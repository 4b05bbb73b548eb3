"""Competence maps and the cohort overview: thin views over :mod:`paths.competence_map`.

The framework's map (SVG and an HTML page with a table equivalent) is public, as the framework
itself is. A participant's map answers only to its owner (404 otherwise, through
:func:`paths.get_enrolment`). The cohort overview is for platform admins and for issuer admins
of the organisation that owns the path's issuer; other issuer admins get 404 (no probing).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, render_template
from flask.typing import ResponseReturnValue
from flask_babel import get_locale

import paths
from badges.accounts import Membership, Role, User
from badges.context import current_clock
from badges.web.auth import current_user, login_required, role_required
from badges.web.database import db_session
from badges.web.translate import _
from issuer import Issuer
from paths.cohort import recent_cohort_overview
from paths.competence_map import CompetenceMap, framework_map, participant_map
from paths.competence_svg import MapLabels, render_svg

bp = Blueprint("paths_maps", __name__)

#: An SVG opened on its own may draw, nothing else: no scripts, fetches or forms.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"
SVG = "image/svg+xml"


@bp.context_processor
def _helpers() -> dict[str, Any]:
    """``tr(texts)`` picks the reader's language of a framework text."""
    locale = reader_locale()
    return {"tr": lambda texts: paths.pick_text(texts or {}, locale)}


def reader_locale() -> str:
    """The request's language code (``en`` when none was chosen)."""
    return str(get_locale() or "en")


def labels() -> MapLabels:
    """The picture's words in the reader's language."""
    return MapLabels(
        description=_("Which competences each role needs, grouped by unit."),
        personal_description=_("My competences and where I stand on each."),
        legend=_("Legend"),
        roles=_("Roles"),
        needed=_("Needed by the role"),
        not_started=_("Not started"),
        submitted=_("Submitted, waiting for review"),
        needs_work=_("Needs work"),
        approved=_("Approved"),
    )


def svg_response(competence_map: CompetenceMap) -> Response:
    """The map as a standalone SVG under a CSP that allows nothing active."""
    response = Response(render_svg(competence_map, labels()), mimetype=SVG)
    response.headers["Content-Security-Policy"] = SVG_CSP
    return response


def _framework(code: str) -> CompetenceMap:
    session = db_session()
    framework = paths.find_framework(session, code)
    return framework_map(session, framework.id, reader_locale())


@bp.get("/paths/framework/<code>/map.svg")
def framework_svg(code: str) -> ResponseReturnValue:
    """The framework's roles x competences picture (public)."""
    return svg_response(_framework(code))


@bp.get("/paths/framework/<code>")
def framework_page(code: str) -> ResponseReturnValue:
    """The picture inline, with the same content as a table for screen readers."""
    competence_map = _framework(code)
    svg = render_svg(competence_map, labels())
    return render_template("paths_maps/framework.html", map=competence_map, svg=svg)


@bp.get("/paths/enrolments/<int:enrolment_id>/map.svg")
@login_required
def enrolment_svg(enrolment_id: int) -> ResponseReturnValue:
    """The participant's own map, coloured by their status on each competence."""
    user = _signed_in()
    session = db_session()
    enrolment = paths.get_enrolment(session, enrolment_id, user_id=user.id)
    response = svg_response(participant_map(session, enrolment, reader_locale()))
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/paths/cohorts/<int:path_id>")
@role_required(Role.PLATFORM_ADMIN, Role.ISSUER_ADMIN)
def cohort(path_id: int) -> ResponseReturnValue:
    """Enrolments by state and progress per competence, for each version of the path."""
    user = _signed_in()
    session = db_session()
    path = paths.get_path(session, path_id)
    if not user.has_role(Role.PLATFORM_ADMIN) and not _administers(user, path.issuer_id):
        abort(404)  # checked before computing: an outsider cannot make the server count
    overview = recent_cohort_overview(session, path_id, now=current_clock().now())
    session.commit()  # keep the figures for the next viewers
    return render_template("paths_maps/cohort.html", overview=overview)


def _administers(user: User, issuer_id: int) -> bool:
    """Whether ``user`` is an issuer admin of the organisation that owns the issuer."""
    session = db_session()
    issuer = session.get(Issuer, issuer_id)
    membership = (
        session.get(Membership, (user.id, issuer.organisation_id)) if issuer is not None else None
    )
    return membership is not None and membership.role is Role.ISSUER_ADMIN


def _signed_in() -> User:
    user = current_user()
    if user is None:  # pragma: no cover - the decorators have already sent them to sign in
        abort(401)
    return user
