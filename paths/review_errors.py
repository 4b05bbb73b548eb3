"""Errors of assessor review and appeals; each tells an assessor or participant what to do."""

from __future__ import annotations

from badges.errors import N_, Conflict, InvalidInput, NotFound, PermissionDenied


class SubmissionNotFound(NotFound):
    """No such submission, or not on a path the assessor reviews: the same answer for both."""

    code = "submission_not_found"

    def __init__(self) -> None:
        super().__init__(N_("This submission does not exist."))


class OwnWork(PermissionDenied):
    """An assessor never judges their own evidence."""

    code = "own_work"

    def __init__(self) -> None:
        super().__init__(N_("You cannot review your own work. Another assessor will do it."))


class ConflictOfInterest(PermissionDenied):
    """The assessor declared a conflict of interest with this participant."""

    code = "conflict_of_interest"

    def __init__(self) -> None:
        super().__init__(
            N_(
                "You declared a conflict of interest with this participant, so another "
                "assessor will review their work."
            )
        )


class NotAnAssessor(InvalidInput):
    """Only users with the assessor role can be assigned to a path."""

    code = "not_an_assessor"

    def __init__(self) -> None:
        super().__init__(N_("This person is not an assessor."), field="user")


class AlreadyReviewed(Conflict):
    """One review per assessor and submission version (two approvals need two people)."""

    code = "already_reviewed"

    def __init__(self) -> None:
        super().__init__(
            N_(
                "You have already reviewed this submission. A second approval must come from "
                "another assessor."
            )
        )


class AlreadyDecided(Conflict):
    """The submission was approved, rejected or replaced before this review arrived."""

    code = "already_decided"

    def __init__(self) -> None:
        super().__init__(N_("This submission has already been decided or replaced."))


class InvalidReview(InvalidInput):
    """A review breaks a rule: no feedback on a rejection, an unknown level or method."""

    code = "invalid_review"


class AppealNotAllowed(Conflict):
    """Only a rejected submission can be appealed, once."""

    code = "appeal_not_allowed"

    def __init__(self) -> None:
        super().__init__(
            N_(
                "Only a rejected submission can be appealed, and only once. You can still send "
                "new evidence."
            )
        )


class CertificationNotFound(NotFound):
    """No such certification, not the caller's, or its evidence is not public."""

    code = "certification_not_found"

    def __init__(self) -> None:
        super().__init__(N_("This page does not exist or is not public."))
