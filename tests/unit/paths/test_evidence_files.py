"""Evidence files: type sniffed from content (never the name), size limit, zip bombs, the store."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from paths import (
    EvidenceFileMissing,
    LocalEvidenceStore,
    SubmissionTooLarge,
    UnsupportedFileType,
    check_upload,
    sniff_media_type,
)
from paths.sniff import DOCX, MAX_ZIP_ENTRIES, ODT, XLSX

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _zip(entries: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first is not None:
            archive.writestr(
                zipfile.ZipInfo("mimetype"), stored_first, compress_type=zipfile.ZIP_STORED
            )
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.7\n...", "application/pdf"),
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0JFIF", "image/jpeg"),
        (b"GIF89a....", "image/gif"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"),
        ("Ich habe das Projekt geleitet. Проект.".encode(), "text/plain"),
        (_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}), DOCX),
        (_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<x/>"}), XLSX),
        (_zip({"content.xml": b"<o/>"}, stored_first="application/vnd.oasis.opendocument.text"),
         ODT),
    ],
)  # fmt: skip
def test_accepted_types_are_recognised_by_content(data: bytes, expected: str) -> None:
    assert sniff_media_type(data) == expected


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",  # HTML named report.pdf
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"  <?xml version='1.0'?><svg/>",
        b"MZ\x90\x00\x03\x00\x00\x00",  # a Windows program renamed to .docx
        b"\x7fELF\x02\x01\x01",
        b"plain words \x00 with a NUL",
        b"\xff\xfe\x00b\x00a\x00d",  # not UTF-8
        _zip({"evil.exe": b"MZ"}),  # a zip that is no office document
        b"PK\x03\x04 truncated",
        b"",
    ],
)
def test_other_content_is_refused_whatever_the_name(data: bytes) -> None:
    with pytest.raises(UnsupportedFileType) as caught:
        sniff_media_type(data)
    assert "not accepted" in caught.value.message


def test_a_zip_bomb_is_refused() -> None:
    bomb = _zip(
        {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\x00" * (50 * 1024 * 1024)}
    )
    assert len(bomb) < 200 * 1024  # tiny on disk, 50 MB unpacked
    with pytest.raises(UnsupportedFileType):
        sniff_media_type(bomb)


def test_a_zip_with_too_many_entries_is_refused() -> None:
    entries = {f"word/media/{n}.xml": b"" for n in range(MAX_ZIP_ENTRIES + 1)}
    entries |= {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}
    with pytest.raises(UnsupportedFileType):
        sniff_media_type(_zip(entries))


def test_the_size_limit_is_checked_before_the_type() -> None:
    assert check_upload(PNG, max_upload_mb=1) == "image/png"
    with pytest.raises(SubmissionTooLarge) as caught:
        check_upload(PNG + b"\x00" * (1024 * 1024), max_upload_mb=1)
    assert caught.value.params == {"limit": 1}


def test_the_store_is_content_addressed(tmp_path: Path) -> None:
    store = LocalEvidenceStore(tmp_path / "evidence")
    sha = store.put(PNG)
    assert store.put(PNG) == sha
    assert (tmp_path / "evidence" / sha[:2] / sha[2:4] / sha).read_bytes() == PNG
    assert store.open(sha) == PNG
    store.delete(sha)
    store.delete(sha)  # already gone: not an error
    with pytest.raises(EvidenceFileMissing):
        store.open(sha)


@pytest.mark.parametrize("name", ["../../etc/passwd", "A" * 64, "ab/cd", ""])
def test_the_store_takes_only_hashes_as_names(tmp_path: Path, name: str) -> None:
    with pytest.raises(EvidenceFileMissing):
        LocalEvidenceStore(tmp_path).open(name)
