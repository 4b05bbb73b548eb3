"""Errors of validation paths, enrolment and evidence; each tells city staff what to do next."""

from __future__ import annotations

from collections.abc import Sequence

from badges.errors import N_, Conflict, InvalidInput, NotFound
from paths.errors import FrameworkIssue


class PathNotFound(NotFound):
    """No such validation path (or version)."""

    code = "path_not_found"

    def __init__(self) -> None:
        super().__init__(N_("This validation path does not exist."))


class PathNotEditable(Conflict):
    """Only a draft changes: a published path is fixed for everyone enrolled in it."""

    code = "path_not_editable"

    def __init__(self, code: str, version: int) -> None:
        super().__init__(
            N_(
                "Validation path %(code)s version %(version)s is published and cannot change. "
                "Make a new version to edit it."
            ),
            params={"code": code, "version": version},
        )


class PathDraftExists(Conflict):
    """A path has at most one draft at a time, so two editors do not fork it."""

    code = "path_draft_exists"

    def __init__(self, code: str, version: int) -> None:
        super().__init__(
            N_("Validation path %(code)s already has a draft: version %(version)s."),
            params={"code": code, "version": version},
        )


class PathInvalid(InvalidInput):
    """A path cannot be published (or imported) as it stands; ``issues`` lists every problem."""

    code = "path_invalid"

    def __init__(self, name: str, issues: Sequence[FrameworkIssue]) -> None:
        super().__init__(
            N_("The validation path %(name)s has %(count)s problem(s)."),
            params={"name": name, "count": len(issues)},
        )
        self.issues: tuple[FrameworkIssue, ...] = tuple(issues)


class PathVersionConflict(Conflict):
    """The same path code and version is already stored with different content."""

    code = "path_version_conflict"

    def __init__(self, code: str, version: int) -> None:
        super().__init__(
            N_(
                "Validation path %(code)s version %(version)s already exists with different "
                "content. Give the changed path a new version."
            ),
            params={"code": code, "version": version},
        )


class PathClosed(Conflict):
    """Enrolment is only open on a published path."""

    code = "path_closed"

    def __init__(self) -> None:
        super().__init__(N_("This validation path is not open for enrolment."))


class AlreadyEnrolled(Conflict):
    """One current enrolment per participant and path version."""

    code = "already_enrolled"

    def __init__(self) -> None:
        super().__init__(N_("You are already enrolled in this validation path."))


class EnrolmentNotFound(NotFound):
    """No such enrolment, or not the caller's: the same answer, so ids cannot be probed."""

    code = "enrolment_not_found"

    def __init__(self) -> None:
        super().__init__(N_("This enrolment does not exist."))


class EnrolmentClosed(Conflict):
    """A withdrawn or completed enrolment takes no more evidence or self-assessments."""

    code = "enrolment_closed"

    def __init__(self) -> None:
        super().__init__(N_("This enrolment is closed: it was withdrawn or completed."))


class RequirementNotFound(NotFound):
    """The requirement is not part of the enrolment's path version."""

    code = "requirement_not_found"

    def __init__(self) -> None:
        super().__init__(N_("This requirement is not part of your validation path."))


class ElementNotInPath(InvalidInput):
    """A self-assessment names a competence the path does not cover."""

    code = "element_not_in_path"

    def __init__(self) -> None:
        super().__init__(
            N_("This competence is not part of your validation path."), field="element"
        )


class InvalidEvidence(InvalidInput):
    """Evidence breaks a rule of its requirement (kind, count, link, length, level)."""

    code = "invalid_evidence"


class DuplicateSubmission(Conflict):
    """The same evidence is already waiting for review for this requirement."""

    code = "duplicate_submission"

    def __init__(self) -> None:
        super().__init__(
            N_(
                "You already sent exactly this evidence for this requirement and it is waiting "
                "for review. There is no need to send it again."
            )
        )


class RequirementAlreadyApproved(Conflict):
    """An approved requirement is done; new evidence would not change anything."""

    code = "requirement_already_approved"

    def __init__(self) -> None:
        super().__init__(N_("This requirement is already approved."))


class SubmissionTooLarge(InvalidInput):
    """The file is over the upload limit (``MAX_UPLOAD_MB``)."""

    code = "submission_too_large"

    def __init__(self, limit_mb: int) -> None:
        super().__init__(
            N_("The file is too large. Files can be at most %(limit)s MB."),
            params={"limit": limit_mb},
            field="file",
        )


class UnsupportedFileType(InvalidInput):
    """The content is not one of the accepted types, whatever its name says."""

    code = "unsupported_file_type"

    def __init__(self) -> None:
        super().__init__(
            N_(
                "This type of file is not accepted. Please send a PDF, a picture (PNG, JPEG, "
                "WebP or GIF), a plain text file, or a Word, Excel, PowerPoint or "
                "OpenDocument file."
            ),
            field="file",
        )


class EvidenceFileMissing(NotFound):
    """The store has no file with this hash."""

    code = "evidence_file_missing"

    def __init__(self) -> None:
        super().__init__(N_("This file is no longer available."))
