"""Telling a participant an assessor decided on their evidence: one queued email per decision.

The mail is queued in the review's transaction and sent by a task after commit (STYLE rule 4),
so a rolled-back review sends nothing. The text lives here, marked for translation.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from badges.accounts import User
from badges.errors import N_
from badges.mail import MailMessage, queue_mail
from paths.models import Element, Enrolment, Requirement, Review, Submission, ValidationPath

SUBJECTS = {
    "approved": N_("Your evidence for %(element)s was approved"),
    "rejected": N_("Your evidence for %(element)s needs more work"),
}
BODIES = {
    "approved": N_(
        "Hello %(name)s,\n\n"
        "An assessor approved your evidence for %(element)s in %(path)s.\n\n"
        "Feedback:\n%(feedback)s\n"
    ),
    "rejected": N_(
        "Hello %(name)s,\n\n"
        "An assessor did not yet approve your evidence for %(element)s in %(path)s.\n\n"
        "Feedback:\n%(feedback)s\n\n"
        "You can send new evidence, or appeal to a different assessor.\n"
    ),
}


def notify_decision(
    session: Session,
    submission: Submission,
    enrolment: Enrolment,
    requirement: Requirement,
    review: Review,
    *,
    now: datetime,
) -> MailMessage:
    """Queue the "your evidence was approved / needs more work" email."""
    user = session.get_one(User, enrolment.user_id)
    element = session.get_one(Element, requirement.element_id)
    path = session.get_one(ValidationPath, enrolment.path_id)
    locale = user.locale or "en"
    params = {
        "name": user.name,
        "element": element.title_for(locale),
        "path": path.title_for(locale),
        "feedback": review.feedback or "-",
    }
    return queue_mail(
        session,
        to=user.email,
        subject=SUBJECTS[submission.state] % params,
        body=BODIES[submission.state] % params,
        now=now,
    )
