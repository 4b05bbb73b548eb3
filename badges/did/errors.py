"""Errors for DIDs and DID documents."""

from __future__ import annotations

from badges.errors import InvalidInput


class DidError(InvalidInput):
    """Base of every error raised by :mod:`badges.did`."""

    code = "did_error"


class InvalidDid(DidError):
    """The string is not a DID (or DID URL) of the method expected, in its exact syntax."""

    code = "invalid_did"


class InvalidDidDocument(DidError):
    """A DID document does not bind the verification method as CID 1.0 §3.3 requires."""

    code = "invalid_did_document"
