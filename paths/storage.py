"""Where evidence files live: content-addressed by SHA-256, outside the web root (issue #6).

Domain code sees only the :class:`EvidenceStore` protocol; the local-folder backend is for now,
and an S3-compatible one can implement the same three methods. Files are written once under their
hash (``ab/cd/<sha256>``), so the same file uploaded twice is stored once, and a name can never
steer a path: only 64 lowercase hex digits are accepted.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from badges.config import Settings
from paths.path_errors import EvidenceFileMissing, SubmissionTooLarge
from paths.sniff import sniff_media_type

_SHA256 = re.compile(r"[0-9a-f]{64}")
#: Under the instance folder, which the web server never serves.
EVIDENCE_FOLDER = "evidence"


class EvidenceStore(Protocol):
    """Put, read and delete files by their SHA-256 (hex)."""

    def put(self, data: bytes) -> str:
        """Store ``data`` (once) and return its SHA-256."""
        ...

    def open(self, sha256: str) -> bytes:
        """The stored bytes; raises :class:`EvidenceFileMissing` when absent."""
        ...

    def delete(self, sha256: str) -> None:
        """Remove the file if present (GDPR erasure); absent is not an error."""
        ...


class LocalEvidenceStore:
    """Files in a local folder, two levels of fan-out so no directory grows huge."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, data: bytes) -> str:
        """Write atomically (temporary file, then rename) so a reader never sees half a file."""
        sha256 = hashlib.sha256(data).hexdigest()
        target = self._path(sha256)
        if target.exists():
            return sha256
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return sha256

    def open(self, sha256: str) -> bytes:
        """Read the file back."""
        try:
            return self._path(sha256).read_bytes()
        except FileNotFoundError as err:
            raise EvidenceFileMissing from err

    def delete(self, sha256: str) -> None:
        """Remove the file; a missing file is already deleted."""
        self._path(sha256).unlink(missing_ok=True)

    def _path(self, sha256: str) -> Path:
        if not _SHA256.fullmatch(sha256):
            raise EvidenceFileMissing
        return self.root / sha256[:2] / sha256[2:4] / sha256


def evidence_store(settings: Settings) -> LocalEvidenceStore:
    """The deployment's store: ``<instance>/evidence``."""
    return LocalEvidenceStore(settings.instance_path / EVIDENCE_FOLDER)


def check_upload(data: bytes, *, max_upload_mb: int) -> str:
    """The sniffed media type of an upload within the size limit.

    Raises:
        SubmissionTooLarge: over ``max_upload_mb`` megabytes.
        UnsupportedFileType: not an accepted type (see :mod:`paths.sniff`).
    """
    if len(data) > max_upload_mb * 1024 * 1024:
        raise SubmissionTooLarge(max_upload_mb)
    return sniff_media_type(data)
