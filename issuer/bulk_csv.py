"""The recipient list of a bulk award: a UTF-8 CSV read into rows, each with why it is refused.

Spreadsheets differ, so columns are found by name (any order and case) and ``,`` or ``;`` is
accepted; line numbers count blank lines, so an error points at the line the user sees. Pure: no
database, so the rules are unit-tested on their own (:mod:`issuer.bulk` stores the preview).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

from badges.errors import N_, InvalidInput

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
NAME_COLUMNS, EMAIL_COLUMNS = ("name",), ("email", "e-mail")

NO_NAME = N_("The name is missing.")
BAD_EMAIL = N_("This is not a valid email address.")
LONG_NAME = N_("The name is longer than 200 characters.")
DUPLICATE = N_("Same email as line %(line)s.")


class BulkFileInvalid(InvalidInput):
    """The uploaded file cannot be read as a recipient list at all."""

    code = "bulk_file_invalid"


@dataclass(frozen=True, slots=True)
class ParsedRow:
    """One data row: its spreadsheet line (header = 1) and why it is refused, if it is."""

    line: int
    name: str
    email: str
    error: str | None = None


def parse_recipients(data: bytes) -> list[ParsedRow]:
    """Read ``name`` and ``email`` columns (any order and case, ``,`` or ``;``) from UTF-8 CSV."""
    if len(data) > MAX_BYTES:
        raise BulkFileInvalid(N_("The file is larger than 2 MB. Split it into smaller files."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BulkFileInvalid(
            N_("The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8”.")
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    records = enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1)
    name_at, email_at = _header(next(records, (1, []))[1])
    rows: list[ParsedRow] = []
    seen: dict[str, int] = {}
    for line, record in _non_blank(records):
        if len(rows) == MAX_ROWS:
            raise BulkFileInvalid(
                N_("The file has more than %(max)s rows. Split it into smaller files."),
                params={"max": MAX_ROWS},
            )
        rows.append(_row(line, _cell(record, name_at), _cell(record, email_at), seen))
    if not rows:
        raise BulkFileInvalid(N_("The file has no recipients below the header line."))
    return rows


def _header(record: list[str]) -> tuple[int, int]:
    names = [cell.strip().lower() for cell in record]
    name_at = next((i for i, cell in enumerate(names) if cell in NAME_COLUMNS), None)
    email_at = next((i for i, cell in enumerate(names) if cell in EMAIL_COLUMNS), None)
    if name_at is None or email_at is None:
        raise BulkFileInvalid(N_("The first line must name the columns: name and email."))
    return name_at, email_at


def _non_blank(records: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    # Blank lines still count as spreadsheet lines, so line numbers stay as the user sees them.
    return ((line, record) for line, record in records if any(cell.strip() for cell in record))


def _cell(record: list[str], index: int) -> str:
    return record[index].strip() if index < len(record) else ""


def _row(line: int, name: str, raw_email: str, seen: dict[str, int]) -> ParsedRow:
    email = raw_email.strip().lower()
    error: str | None = None
    if not name:
        error = NO_NAME
    elif len(name) > 200:
        error = LONG_NAME
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        error = error or BAD_EMAIL
    else:
        if email in seen:
            error = error or DUPLICATE
        else:
            seen[email] = line
    return ParsedRow(line=line, name=name[:200], email=email[:320], error=error)
