"""Evidence files for a path's assessors: pictures inline, everything else as a download.

Served only to the assessors of the participant's path (not to the participant, nor to an
assessor with a declared conflict), by the type sniffed when stored, never the browser's guess,
and under a CSP that makes the response inert.
"""

from __future__ import annotations

import io

from flask import abort, send_file
from flask.typing import ResponseReturnValue
from sqlalchemy import select

import paths
from badges.accounts import Role
from badges.context import current_settings
from badges.web.auth import role_required
from badges.web.database import db_session
from paths.models import Artefact, Enrolment, EvidenceFile, ValidationPath
from paths.sniff import GIF, JPEG, PNG, WEBP
from paths.web.assessor_common import bp, signed_in_assessor

#: Picture types shown inline (by the stored, sniffed type); anything else is a download.
INLINE_IMAGES = frozenset({PNG, JPEG, WEBP, GIF})
#: Evidence responses are inert: no scripts, no plugins, no framing.
EVIDENCE_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'"


@bp.get("/review/evidence/<int:artefact_id>")
@role_required(Role.ASSESSOR)
def evidence(artefact_id: int) -> ResponseReturnValue:
    """An evidence file for the path's assessors only: pictures inline, others as downloads."""
    user = signed_in_assessor()
    session = db_session()
    row = session.execute(
        select(Artefact, EvidenceFile, Enrolment, ValidationPath)
        .join(EvidenceFile, EvidenceFile.sha256 == Artefact.file_sha256)
        .join(Enrolment, Enrolment.id == Artefact.enrolment_id)
        .join(ValidationPath, ValidationPath.id == Enrolment.path_id)
        .where(Artefact.id == artefact_id)
    ).one_or_none()
    if row is None:
        abort(404)
    artefact, stored, enrolment, path = row
    if enrolment.user_id == user.id or not paths.is_assigned(session, path.code, user.id):
        abort(404)
    if paths.has_conflict(session, assessor_id=user.id, participant_id=enrolment.user_id):
        abort(404)
    data = paths.evidence_store(current_settings()).open(stored.sha256)
    response = send_file(
        io.BytesIO(data),
        mimetype=stored.media_type,
        as_attachment=stored.media_type not in INLINE_IMAGES,
        download_name=artefact.filename or "evidence",
        max_age=0,
    )
    response.headers["Content-Security-Policy"] = EVIDENCE_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
