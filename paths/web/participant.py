"""The participant's pages: catalogue, path details, enrolment, progress, self-assessment, leaving.

Any signed-in user may enrol. Every enrolment page loads the enrolment through
:func:`paths.get_enrolment` with the signed-in user's id, so another user's enrolment answers 404
exactly like a missing one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from sqlalchemy import select

import paths
from badges.accounts import Role, User
from badges.context import current_clock
from badges.errors import InvalidInput
from badges.web.auth import add_nav_item, current_user, login_required
from badges.web.database import db_session
from badges.web.translate import _, _l
from paths.enrolment import MAX_LEVEL, MAX_NOTE
from paths.languages import LANGUAGES, pick_text
from paths.models import Enrolment, SelfAssessment, Unit, ValidationPath, WorkRole
from paths.path_errors import AlreadyEnrolled, PathNotFound
from paths.path_versions import CERTIFICATION, STAGES
from paths.review import MAX_FEEDBACK
from paths.web.forms import ActionForm
from paths.web.labels import LABELS, LEVEL_LABELS
from paths.web.summary import (
    achievement_name,
    catalogue_choices,
    current_enrolments,
    element_rows,
    issuer_names,
    path_requirements,
)

bp = Blueprint("paths_participant", __name__)


@bp.record_once
def _navigation(state: BlueprintSetupState) -> None:
    app = cast("Flask", state.app)
    add_nav_item(app, Role.PARTICIPANT, "paths_participant.catalogue", _l("Validation paths"))
    add_nav_item(app, Role.PARTICIPANT, "paths_participant.my_paths", _l("My paths"))


@bp.context_processor
def _helpers() -> dict[str, Any]:
    """``tr(texts)`` picks the reader's language of a framework text; ``labels`` names things."""
    locale = reader_locale()
    return {"tr": lambda texts: pick_text(texts or {}, locale), "labels": LABELS}


def reader_locale() -> str:
    """The request's language code (``en`` when none was chosen)."""
    return str(get_locale() or "en")


def signed_in() -> User:
    """The user that ``login_required`` let through."""
    user = current_user()
    if user is None:  # pragma: no cover - login_required has already sent them to sign in
        abort(401)
    return user


@bp.get("/paths/")
@login_required
def catalogue() -> ResponseReturnValue:
    """Published paths by role, language and issuer; unknown filter values are ignored."""
    user = signed_in()
    session = db_session()
    choices = catalogue_choices(session)
    role = request.args.get("role", "")
    language = request.args.get("language", "")
    issuer_id = request.args.get("issuer", type=int)
    found = paths.catalogue(
        session,
        role_code=role if role in choices.roles else None,
        language=language if language in LANGUAGES else None,
        issuer_id=issuer_id if issuer_id in choices.issuers else None,
    )
    return render_template(
        "paths/catalogue.html",
        paths=found,
        choices=choices,
        chosen={"role": role, "language": language, "issuer": issuer_id},
        languages=LANGUAGES,
        issuers=issuer_names(session, (p.issuer_id for p in found)),
        enrolled=current_enrolments(session, user.id),
    )


@bp.get("/paths/<code>")
@login_required
def detail(code: str) -> ResponseReturnValue:
    """A path's current version: what it asks for at each stage, and the button to enrol."""
    user = signed_in()
    session = db_session()
    path = published_path(code)
    requirements = path_requirements(session, path.id)
    stages = {stage: [r for r in requirements if r.stage == stage] for stage in STAGES}
    return render_template(
        "paths/detail.html",
        path=path,
        stages=stages,
        certification=CERTIFICATION,
        issuer=issuer_names(session, [path.issuer_id]).get(path.issuer_id, ""),
        achievement=achievement_name(session, path.achievement_id),
        scope=_scope_title(path),
        enrolment=current_enrolments(session, user.id).get(path.id),
        form=ActionForm(),
    )


@bp.post("/paths/<code>/enrol")
@login_required
def enrol(code: str) -> ResponseReturnValue:
    """Enrol in the path's current version; enrolling twice says so and shows the enrolment."""
    user = signed_in()
    if not ActionForm().validate_on_submit():
        abort(400)
    session = db_session()
    path = published_path(code)
    try:
        enrolment = paths.enrol(session, path.id, user_id=user.id, now=current_clock().now())
    except AlreadyEnrolled as err:
        session.rollback()
        flash(_(err.template, **err.params), "info")
        existing = current_enrolments(session, user.id).get(path.id)
        if existing is None:  # pragma: no cover - only if it was withdrawn in between
            return redirect(url_for(".detail", code=code))
        return redirect(url_for(".enrolment", enrolment_id=existing.id))
    session.commit()
    flash(_("You are enrolled. Start by rating your own level below."), "success")
    return redirect(url_for(".enrolment", enrolment_id=enrolment.id))


@bp.get("/paths/my")
@login_required
def my_paths() -> ResponseReturnValue:
    """My enrolments, newest first, each with its overall progress."""
    user = signed_in()
    session = db_session()
    enrolments = paths.my_enrolments(session, user_id=user.id)
    return render_template(
        "paths/my.html",
        rows=[(e, paths.progress(session, e)) for e in enrolments],
        issuers=issuer_names(session, (e.path.issuer_id for e in enrolments)),
    )


@bp.get("/paths/enrolments/<int:enrolment_id>")
@login_required
def enrolment(enrolment_id: int) -> ResponseReturnValue:
    """The progress view: bars per stage and competence, the self-assessment and the gap map."""
    user = signed_in()
    found = paths.get_enrolment(db_session(), enrolment_id, user_id=user.id)
    return render_progress(found)


@bp.post("/paths/enrolments/<int:enrolment_id>/self-assessment")
@login_required
def self_assessment(enrolment_id: int) -> ResponseReturnValue:
    """Save the participant's own level for each competence (the identification stage)."""
    user = signed_in()
    session = db_session()
    found = paths.get_enrolment(session, enrolment_id, user_id=user.id)
    if not ActionForm().validate_on_submit():
        abort(400)
    gaps = paths.gap_map(session, found)
    levels, notes, errors = _read_levels([g.element_id for g in gaps], request.form)
    if not errors:
        try:
            paths.self_assess(
                session,
                found.id,
                user_id=user.id,
                levels=levels,
                notes=notes,
                now=current_clock().now(),
            )
        except InvalidInput as err:
            session.rollback()
            errors[0] = _(err.template, **err.params)
        else:
            session.commit()
            flash(_("Your self-assessment is saved."), "success")
            return redirect(url_for(".enrolment", enrolment_id=found.id) + "#gap-map")
    return render_progress(found, errors=errors, entered=request.form, status=422)


def _read_levels(
    element_ids: list[int], form: Mapping[str, str]
) -> tuple[dict[int, int], dict[int, str], dict[int, str]]:
    """Levels and notes from the form, and a message per element whose level is not 0..8."""
    levels: dict[int, int] = {}
    notes: dict[int, str] = {}
    errors: dict[int, str] = {}
    for element_id in element_ids:
        raw = form.get(f"level-{element_id}", "").strip()
        if raw == "":
            continue  # not rated yet: leave it as it was
        if not raw.isdigit() or int(raw) > MAX_LEVEL:
            errors[element_id] = _("Choose a level between 0 and %(max)s.", max=MAX_LEVEL)
            continue
        levels[element_id] = int(raw)
        note = form.get(f"note-{element_id}", "")
        if len(note) > MAX_NOTE:
            errors[element_id] = _("A note can be at most %(max)s characters.", max=MAX_NOTE)
        notes[element_id] = note
    return levels, notes, errors


def render_progress(
    found: Enrolment,
    *,
    errors: Mapping[int, str] | None = None,
    entered: Mapping[str, str] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    """The progress page; after a refused self-assessment or appeal it keeps what was typed."""
    session = db_session()
    result = paths.progress(session, found)
    path = found.path
    return render_template(
        "paths/enrolment.html",
        enrolment=found,
        path=path,
        progress=result,
        stages=STAGES,
        elements=element_rows(session, found, result),
        gaps=paths.gap_map(session, found),
        notes=_self_notes(found),
        levels=LEVEL_LABELS,
        errors=errors or {},
        entered=entered or {},
        issuer=issuer_names(session, [path.issuer_id]).get(path.issuer_id, ""),
        achievement=achievement_name(session, path.achievement_id),
        form=ActionForm(),
        max_reason=MAX_FEEDBACK,
    ), status


def _self_notes(found: Enrolment) -> dict[int, str]:
    query = select(SelfAssessment.element_id, SelfAssessment.note)
    return dict(db_session().execute(query.where(SelfAssessment.enrolment_id == found.id)).all())


@bp.route("/paths/enrolments/<int:enrolment_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(enrolment_id: int) -> ResponseReturnValue:
    """Ask first (GET), then leave the path (POST); the evidence sent so far is kept."""
    user = signed_in()
    session = db_session()
    found = paths.get_enrolment(session, enrolment_id, user_id=user.id)
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        paths.withdraw(session, found.id, user_id=user.id, now=current_clock().now())
        session.commit()
        flash(_("You have left this validation path. Your evidence is kept."), "success")
        return redirect(url_for(".my_paths"))
    return render_template("paths/withdraw.html", enrolment=found, path=found.path, form=form)


def published_path(code: str) -> ValidationPath:
    """The published version of the path with ``code``.

    Raises:
        PathNotFound: no published version (a draft or retired path is not in the catalogue).
    """
    path = db_session().scalar(
        select(ValidationPath).where(
            ValidationPath.code == code, ValidationPath.state == "published"
        )
    )
    if path is None:
        raise PathNotFound
    return path


def _scope_title(path: ValidationPath) -> Mapping[str, str]:
    """The role's or the unit's title, as framework texts."""
    session = db_session()
    if path.scope == "role" and path.role_id is not None:
        return session.get_one(WorkRole, path.role_id).title
    if path.unit_id is not None:
        return session.get_one(Unit, path.unit_id).title
    return {}
