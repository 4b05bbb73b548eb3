"""Telling a participant an assessor decided on their evidence: one queued email per decision.

The mail is queued in the review's transaction and sent by a task after commit (STYLE rule 4),
so a rolled-back review sends nothing. The text lives here, marked for translation.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
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


# Built once (issue #6): the participant's name, address and language, the titles.
_WHAT_THE_MAIL_SAYS = select(
    User.name,
    User.email,
    User.locale,
    select(Element.title).where(Element.id == bindparam("element_id")).scalar_subquery(),
    select(ValidationPath.title).where(ValidationPath.id == bindparam("path_id")).scalar_subquery(),
).where(User.id == bindparam("user_id"))


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
    name, email, locale, element_title, path_title = session.execute(
        _WHAT_THE_MAIL_SAYS,
        {
            "user_id": enrolment.user_id,
            "element_id": requirement.element_id,
            "path_id": enrolment.path_id,
        },
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
