"""Appealing a rejection: the participant asks for a second assessor (issue #6).

The button sits on the progress page next to a rejected requirement. The domain decides whether
an appeal is allowed (rejected, not appealed before, still enrolled); a refusal comes back on the
progress page with its reason and the text the participant typed, never as an error page.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

import paths
from badges.context import current_clock
from badges.errors import Conflict, InvalidInput
from badges.web.auth import login_required
from badges.web.database import db_session
from badges.web.errors import status_for
from badges.web.translate import _
from paths.web.forms import ActionForm
from paths.web.labels import LABELS
from paths.web.participant import reader_locale, render_progress, signed_in

bp = Blueprint("paths_appeals", __name__)


@bp.context_processor
def _helpers() -> dict[str, Any]:
    """The progress page, shown again after a refusal, needs ``tr`` and ``labels``."""
    locale = reader_locale()
    return {"tr": lambda texts: paths.pick_text(texts or {}, locale), "labels": LABELS}


@bp.post("/paths/enrolments/<int:enrolment_id>/submissions/<int:submission_id>/appeal")
@login_required
def appeal(enrolment_id: int, submission_id: int) -> ResponseReturnValue:
    """Send the appeal with the participant's reason; a different assessor then decides."""
    user = signed_in()
    session = db_session()
    found = paths.get_enrolment(session, enrolment_id, user_id=user.id)
    if not ActionForm().validate_on_submit():
        abort(400)
    submission = session.get(paths.Submission, submission_id)
    if submission is None or submission.enrolment_id != found.id:
        raise paths.SubmissionNotFound
    reason = request.form.get("reason", "")
    try:
        paths.appeal(
            session, submission.id, participant_id=user.id, reason=reason, now=current_clock().now()
        )
    except (Conflict, InvalidInput) as err:  # already appealed, not rejected, closed, no reason
        session.rollback()
        flash(_(err.template, **err.params), "error")
        entered = {f"reason-{submission_id}": reason}
        return render_progress(found, entered=entered, status=status_for(err))
    session.commit()
    flash(_("Your appeal is sent. Another assessor will look at this evidence again."), "success")
    anchor = f"#requirement-{submission.requirement_id}"
    return redirect(url_for("paths_participant.enrolment", enrolment_id=found.id) + anchor)


__all__ = ["bp"]
