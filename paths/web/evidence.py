"""Sending evidence for a requirement, and downloading one's own files.

A refused answer comes back on the same page with the domain's message next to the field that
caused it (422, or 409 for a duplicate), and the link, text and note the participant typed are
still there. Files are only ever served as downloads with the stored (sniffed) media type, so a
file can never run as a page of this site.
"""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

import paths
from badges.context import current_clock, current_settings
from badges.errors import DomainError
from badges.web.auth import current_user, login_required
from badges.web.database import db_session
from badges.web.errors import status_for
from badges.web.translate import _
from paths.models import Artefact, Enrolment, EvidenceFile, Requirement
from paths.path_errors import RequirementNotFound
from paths.sniff import ACCEPTED
from paths.web.forms import EvidenceForm
from paths.web.labels import LABELS
from paths.web.participant import reader_locale, signed_in
from paths.web.summary import reviews_of

bp = Blueprint("paths_evidence", __name__)

#: Room for the typed fields and multipart framing above the file limit, so that a file just
#: over ``MAX_UPLOAD_MB`` reaches the domain check and is refused next to its field.
FORM_ALLOWANCE = 1024 * 1024
#: Downloads are inert: no scripts, no plugins, no framing, even if a browser tried to render.
DOWNLOAD_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'"
#: Where each domain error's ``field`` is shown on the form.
FIELD_FOR = {
    "file": "files",
    "link": "link",
    "text": "text",
    "note": "note",
    "artefact": "reuse",
}


@bp.url_value_preprocessor
def _allow_upload_size(endpoint: str | None, _values: dict[str, Any] | None) -> None:
    """Raise this request's body limit to the file limit plus the form around it.

    URL value preprocessors run before any ``before_request`` function, and so before CSRF
    protection reads the body; the app-wide limit is exactly ``MAX_UPLOAD_MB``.
    """
    if endpoint == "paths_evidence.submit" and request.method == "POST":
        limit = current_settings().max_upload_mb * 1024 * 1024
        request.max_content_length = limit + FORM_ALLOWANCE


@bp.context_processor
def _helpers() -> dict[str, Any]:
    locale = reader_locale()
    return {"tr": lambda texts: paths.pick_text(texts or {}, locale), "labels": LABELS}


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error: RequestEntityTooLarge) -> ResponseReturnValue:
    """Far over the limit: the body was not read, so show the empty form with the reason.

    An error handler must answer rather than raise, so anything unexpected here (not signed
    in, not their enrolment) gets the plain 413 page.
    """
    message = _(
        "The file is too large. Files can be at most %(limit)s MB.",
        limit=current_settings().max_upload_mb,
    )
    values = request.view_args or {}
    if request.endpoint == "paths_evidence.submit" and current_user() is not None:
        form = EvidenceForm(formdata=None)
        form.files.errors = [message]
        try:
            return _render_submit(
                int(values["enrolment_id"]), int(values["requirement_id"]), form, 413
            )
        except DomainError:
            pass
    return render_template("errors/error.html", status=413, message=message), 413


@bp.route(
    "/paths/enrolments/<int:enrolment_id>/requirements/<int:requirement_id>",
    methods=["GET", "POST"],
)
@login_required
def submit(enrolment_id: int, requirement_id: int) -> ResponseReturnValue:
    """The requirement, every version sent so far with its feedback, and the form to send more."""
    user = signed_in()
    session = db_session()
    enrolment, requirement = _load(enrolment_id, requirement_id)
    form = EvidenceForm()
    form.reuse.choices = _reuse_choices(enrolment.id)
    if request.method == "GET":
        return _render_submit(enrolment.id, requirement.id, form, 200)
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _render_submit(enrolment.id, requirement.id, form, 422)
    settings = current_settings()
    try:
        paths.submit_evidence(
            session,
            enrolment.id,
            requirement.id,
            user_id=user.id,
            items=_items(form, requirement),
            store=paths.evidence_store(settings),
            max_upload_mb=settings.max_upload_mb,
            now=current_clock().now(),
            note=form.note.data or "",
        )
    except DomainError as err:
        session.rollback()
        _attach_error(form, err)
        return _render_submit(enrolment.id, requirement.id, form, status_for(err))
    session.commit()
    flash(_("Your evidence is sent. An assessor will review it."), "success")
    return redirect(url_for("paths_participant.enrolment", enrolment_id=enrolment.id))


def _load(enrolment_id: int, requirement_id: int) -> tuple[Enrolment, Requirement]:
    """The user's enrolment and one of its documentation or assessment requirements (or 404)."""
    session = db_session()
    enrolment = paths.get_enrolment(session, enrolment_id, user_id=signed_in().id)
    requirement = session.get(Requirement, requirement_id)
    if (
        requirement is None
        or requirement.path_id != enrolment.path_id
        or requirement.stage == "identification"
    ):
        raise RequirementNotFound
    return enrolment, requirement


def _reuse_choices(enrolment_id: int) -> list[tuple[int, str]]:
    choices = []
    for artefact in paths.artefacts_of(db_session(), enrolment_id):
        if artefact.kind == "file":
            label = artefact.filename or _("File")
        elif artefact.kind == "link":
            label = artefact.link or ""
        else:
            text = artefact.text or ""
            label = text if len(text) <= 60 else text[:59] + "…"
        choices.append((artefact.id, f"{LABELS['kind'][artefact.kind]}: {label}"))
    return choices


def _items(form: EvidenceForm, requirement: Requirement) -> list[paths.EvidenceItem]:
    """The evidence the form holds, in the order the form shows it."""
    items: list[paths.EvidenceItem] = []
    for upload in request.files.getlist(form.files.name):
        if upload.filename:  # browsers send an empty part when no file was chosen
            items.append(paths.EvidenceItem.of_file(upload.read(), upload.filename))
    link, text = form.link.data or "", form.text.data or ""
    if link.strip():
        items.append(paths.EvidenceItem.of_link(link))
    if text.strip():
        items.append(paths.EvidenceItem.of_text(text))
    items.extend(paths.EvidenceItem.reuse(artefact_id) for artefact_id in form.reuse.data or [])
    return items


def _attach_error(form: EvidenceForm, err: DomainError) -> None:
    message = _(err.template, **err.params)
    field = FIELD_FOR.get(getattr(err, "field", None) or "")
    if field is None:
        form.form_errors.append(message)
    else:
        getattr(form, field).errors = [*getattr(form, field).errors, message]


def _render_submit(
    enrolment_id: int, requirement_id: int, form: EvidenceForm, status: int
) -> ResponseReturnValue:
    session = db_session()
    enrolment, requirement = _load(enrolment_id, requirement_id)
    if not form.reuse.choices:
        form.reuse.choices = _reuse_choices(enrolment.id)
    versions = paths.history(session, enrolment.id, requirement.id)
    approved = any(v.state == "approved" for v in versions)
    settings = current_settings()
    return render_template(
        "paths/submit.html",
        enrolment=enrolment,
        path=enrolment.path,
        requirement=requirement,
        form=form,
        versions=versions,
        reviews=reviews_of(session, (v.id for v in versions)),
        can_send=enrolment.state == "active" and not approved,
        max_upload_mb=settings.max_upload_mb,
        max_bytes=settings.max_upload_mb * 1024 * 1024,
        accepted=ACCEPTED,
    ), status


@bp.get("/paths/evidence/<int:artefact_id>")
@login_required
def download(artefact_id: int) -> ResponseReturnValue:
    """One of the participant's own files, always as an attachment with its sniffed type."""
    session = db_session()
    row = session.execute(
        select(Artefact, EvidenceFile)
        .join(Enrolment, Enrolment.id == Artefact.enrolment_id)
        .join(EvidenceFile, EvidenceFile.sha256 == Artefact.file_sha256)
        .where(Artefact.id == artefact_id, Enrolment.user_id == signed_in().id)
    ).one_or_none()
    if row is None:
        abort(404)
    artefact, stored = row
    data = paths.evidence_store(current_settings()).open(stored.sha256)
    response = send_file(
        io.BytesIO(data),
        mimetype=stored.media_type,
        as_attachment=True,
        download_name=artefact.filename or "evidence",
        max_age=0,
    )
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
