"""Tell a file's type from its content, never from its name (issue #6, evidence storage).

Only types an assessor can open safely are accepted. HTML, SVG and anything else that a browser
might run is refused, and so is a zip that is not an office document or that would unpack into
far more than it weighs (a zip bomb). Files are always served as downloads anyway; this is the
first of the two locks.
"""

from __future__ import annotations

import io
import zipfile

from paths.path_errors import UnsupportedFileType

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
WEBP = "image/webp"
GIF = "image/gif"
TEXT = "text/plain"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"

#: Every type :func:`sniff_media_type` can answer.
ACCEPTED = (PDF, PNG, JPEG, WEBP, GIF, TEXT, DOCX, XLSX, PPTX, ODT, ODS, ODP)

#: Zip-bomb guards: a real office document has a few hundred entries and unpacks to well under
#: these; a bomb claims thousands of entries or gigabytes.
MAX_ZIP_ENTRIES = 1000
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200

#: The part that identifies each Office Open XML document (ECMA-376 part 2, main part names).
_OOXML_MAIN_PARTS = (
    ("word/document.xml", DOCX),
    ("xl/workbook.xml", XLSX),
    ("ppt/presentation.xml", PPTX),
)
_ODF_TYPES = frozenset((ODT, ODS, ODP))
#: Markup a browser would render or run if it ever treated the text as a page.
_MARKUP = (b"<!doctype", b"<html", b"<svg", b"<script", b"<?xml", b"<body", b"<head", b"<iframe")


def sniff_media_type(data: bytes) -> str:
    """The media type of ``data`` from its magic bytes and structure.

    Raises:
        UnsupportedFileType: anything not in :data:`ACCEPTED`, a disguised file or a zip bomb.
    """
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if len(data) >= 12 and data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"PK\x03\x04"):
        return _office_document(data)
    if _is_plain_text(data):
        return TEXT
    raise UnsupportedFileType


def _is_plain_text(data: bytes) -> bool:
    """UTF-8 text with no control bytes and no markup a browser would act on."""
    if not data or b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    if any(ord(c) < 32 and c not in "\t\n\r\f" for c in text):
        return False
    head = text[:1024].lstrip().lower().encode()
    return not (head.startswith(b"<") or any(tag in head for tag in _MARKUP))


def _office_document(data: bytes) -> str:
    """A DOCX/XLSX/PPTX or ODF file, checked for its identifying part and for zip bombs."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                raise UnsupportedFileType
            unpacked = sum(entry.file_size for entry in entries)
            if unpacked > MAX_ZIP_UNCOMPRESSED or unpacked > MAX_ZIP_RATIO * max(len(data), 1):
                raise UnsupportedFileType
            names = {entry.filename for entry in entries}
            if entries and entries[0].filename == "mimetype":
                declared = archive.read(entries[0]).decode("ascii", "replace").strip()
                if declared in _ODF_TYPES:
                    return declared
            if "[Content_Types].xml" in names:
                for part, media_type in _OOXML_MAIN_PARTS:
                    if part in names:
                        return media_type
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError) as err:
        raise UnsupportedFileType from err
    raise UnsupportedFileType
