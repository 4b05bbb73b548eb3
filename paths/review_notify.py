"""Telling a participant an assessor decided on their evidence: one queued email per decision.

The mail is queued in the review's transaction and sent by a task after commit (STYLE rule 4),
so a rolled-back review sends nothing. The text lives here, marked for translation.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.accounts import User
from badges.errors import N_
from badges.mail import MailMessage, queue_mail
from paths.languages import pick_text
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
    """Queue the "your evidence was approved / needs more work" email.

    One query reads just what the mail says (the participant's name, address and language, the
    element's and path's titles): not the user's roles and memberships, not whole rows.
    """
    element_query = select(Element.title).where(Element.id == requirement.element_id)
    path_query = select(ValidationPath.title).where(ValidationPath.id == enrolment.path_id)
    name, email, locale, element_title, path_title = session.execute(
        select(
            User.name,
            User.email,
            User.locale,
            element_query.scalar_subquery(),
            path_query.scalar_subquery(),
        ).where(User.id == enrolment.user_id)
    ).one()
    locale = locale or "en"
    params = {
        "name": name,
        "element": pick_text(element_title, locale),
        "path": pick_text(path_title, locale),
        "feedback": review.feedback or "-",
    }
    return queue_mail(
        session,
        to=email,
        subject=SUBJECTS[submission.state] % params,
        body=BODIES[submission.state] % params,
        now=now,
    )
