"""Errors of the JSON-LD layer: domain errors, so a hostile document never becomes a 500."""

from __future__ import annotations

from collections.abc import Sequence

from badges.errors import N_, DomainError


class ContextNotAllowed(DomainError):
    """A document named a context (or other document) that is not bundled: nothing is fetched."""

    code = "context_not_allowed"

    def __init__(self, iri: str) -> None:
        super().__init__(
            N_("The JSON-LD context %(iri)s is not one of the contexts this service accepts."),
            params={"iri": iri},
        )
        self.iri = iri


class ContextIntegrityError(DomainError):
    """A bundled context file does not match its pinned SHA-256: the installation is corrupt."""

    code = "context_integrity_error"

    def __init__(self, iri: str, *, expected: str, actual: str) -> None:
        super().__init__(
            N_(
                "The bundled JSON-LD context %(iri)s has SHA-256 %(actual)s instead of the"
                " pinned %(expected)s."
            ),
            params={"iri": iri, "expected": expected, "actual": actual},
        )
        self.iri = iri
        self.expected = expected
        self.actual = actual


class DataLossError(DomainError):
    """JSON-LD processing would drop data, so a signature would not cover all of the document.

    Data Integrity 1.0 §4.5 ("Securing Data Losslessly") requires this error, with this code,
    from processors that would otherwise silently ignore undefined terms or relative IRIs.
    ``findings`` lists each piece of data that would be lost, in document order.
    """

    code = "DATA_LOSS_DETECTION_ERROR"

    def __init__(self, findings: Sequence[str]) -> None:
        self.findings = tuple(findings)
        super().__init__(
            N_("JSON-LD processing would drop data that a signature cannot cover: %(findings)s"),
            params={"findings": "; ".join(self.findings)},
        )


class JsonLdProcessingError(DomainError):
    """The document is not valid JSON-LD (pyld refused it); ``reason`` is pyld's message."""

    code = "jsonld_processing_error"

    def __init__(self, reason: str) -> None:
        super().__init__(
            N_("The document is not valid JSON-LD: %(reason)s"), params={"reason": reason}
        )
        self.reason = reason
