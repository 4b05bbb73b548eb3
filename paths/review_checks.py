"""What a review or an appeal may say: the decision, feedback, rubric level and method (issue #6).

Split from :mod:`paths.review` so that reviews and appeals (:mod:`paths.appeals`) share one
set of limits; each refusal is an :class:`~paths.review_errors.InvalidReview` naming the form
field, so the page can point at it.
"""

from __future__ import annotations

from dataclasses import dataclass

from badges.errors import N_
from paths.models import Requirement
from paths.path_versions import METHODS
from paths.review_errors import InvalidReview

DECISIONS = ("approve", "reject")
MAX_FEEDBACK = 20_000


@dataclass(frozen=True, slots=True)
class Verdict:
    """An assessor's checked decision: the feedback stripped, the method defaulted."""

    decision: str
    feedback: str
    rubric_level: int | None
    method: str | None


def checked_review(
    requirement: Requirement,
    decision: str,
    feedback: str,
    rubric_level: int | None,
    method: str | None,
) -> Verdict:
    """The verdict, cleaned, or InvalidReview naming the field."""
    if decision not in DECISIONS:
        raise InvalidReview(N_("Choose approve or reject."), field="decision")
    feedback = _checked_feedback(decision, feedback)
    _check_level(requirement, decision, rubric_level)
    return Verdict(decision, feedback, rubric_level, _checked_method(requirement, method))


def checked_reason(reason: str) -> str:
    """An appeal's reason, stripped; InvalidReview if empty or too long."""
    reason = reason.strip()
    if not reason or len(reason) > MAX_FEEDBACK:
        raise InvalidReview(
            N_("Say why you appeal, in at most %(max)s characters."),
            params={"max": MAX_FEEDBACK},
            field="reason",
        )
    return reason


def _checked_feedback(decision: str, feedback: str) -> str:
    feedback = (feedback or "").strip()
    if decision == "reject" and not feedback:
        raise InvalidReview(
            N_("Tell the participant why: feedback is needed to reject."), field="feedback"
        )
    if len(feedback) > MAX_FEEDBACK:
        raise InvalidReview(
            N_("Feedback can be at most %(max)s characters."),
            params={"max": MAX_FEEDBACK},
            field="feedback",
        )
    return feedback


def _check_level(requirement: Requirement, decision: str, rubric_level: int | None) -> None:
    levels = {int(level["level"]) for level in requirement.rubric}
    if rubric_level is not None and rubric_level not in levels:
        raise InvalidReview(N_("Choose one of the rubric's levels."), field="rubric_level")
    if decision == "approve" and levels and rubric_level is None:
        raise InvalidReview(N_("Choose the level reached on the rubric."), field="rubric_level")


def _checked_method(requirement: Requirement, method: str | None) -> str | None:
    """The method, defaulting to the requirement's; only the requirement's, if it names one."""
    allowed = (requirement.method,) if requirement.method else METHODS
    method = method or requirement.method
    if method is not None and method not in allowed:
        raise InvalidReview(
            N_("This assessment method is not allowed for this requirement."), field="method"
        )
    return method
