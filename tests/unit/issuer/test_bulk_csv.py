"""Reading a recipients CSV the way city staff save it from Excel or LibreOffice."""

from __future__ import annotations

import pytest

from issuer.bulk_csv import (
    BAD_EMAIL,
    DUPLICATE,
    LONG_NAME,
    MAX_BYTES,
    MAX_ROWS,
    NO_NAME,
    BulkFileInvalid,
    ParsedRow,
    parse_recipients,
)


def test_a_plain_file_gives_one_row_per_recipient_with_spreadsheet_lines() -> None:
    rows = parse_recipients(
        b"name,email\nAna Petrova,Ana@Example.org \nJonas Weber,jonas@example.org\n"
    )

    assert rows == [
        ParsedRow(line=2, name="Ana Petrova", email="ana@example.org"),
        ParsedRow(line=3, name="Jonas Weber", email="jonas@example.org"),
    ]


def test_excel_utf8_with_bom_semicolons_and_any_column_order() -> None:
    data = "\ufeffE-Mail;Name;Notes\r\nmaria@example.org;Мария Иванова;x\r\n".encode()

    [row] = parse_recipients(data)

    assert (row.line, row.name, row.email, row.error) == (
        2,
        "Мария Иванова",
        "maria@example.org",
        None,
    )


def test_header_names_are_case_insensitive_and_commas_inside_quotes_stay() -> None:
    [row] = parse_recipients(b'EMAIL,NAME\nana@example.org,"Petrova, Ana"\n')

    assert row.name == "Petrova, Ana"


def test_blank_lines_are_skipped_but_still_counted() -> None:
    rows = parse_recipients(b"name,email\n\nAna,ana@example.org\n,\nJonas,jonas@example.org\n")

    assert [row.line for row in rows] == [3, 5]


def test_a_file_that_is_not_utf8_asks_for_csv_utf8() -> None:
    data = "name;email\nJürgen Müller;juergen@example.org\n".encode("cp1252")

    with pytest.raises(BulkFileInvalid) as caught:
        parse_recipients(data)

    assert "CSV UTF-8" in caught.value.message


@pytest.mark.parametrize(
    "data",
    [b"Ana,ana@example.org\n", b"name,mail\nAna,ana@example.org\n", b"", b"\xef\xbb\xbf"],
)
def test_a_missing_header_is_a_file_error(data: bytes) -> None:
    with pytest.raises(BulkFileInvalid) as caught:
        parse_recipients(data)

    assert caught.value.message == "The first line must name the columns: name and email."


def test_a_header_without_rows_is_a_file_error() -> None:
    with pytest.raises(BulkFileInvalid, match="no recipients"):
        parse_recipients(b"name,email\n\n")


def test_row_errors_name_the_problem_and_the_earlier_line_of_a_duplicate() -> None:
    data = (
        b"name,email\n"
        b"Ana,ana@example.org\n"
        b",nameless@example.org\n"
        b"Bogdan,not-an-email\n"
        b"Ana again,ANA@example.org\n"
        b"Short row\n" + b"L" * 201 + b",long@example.org\n"
    )

    rows = parse_recipients(data)

    assert [(row.line, row.error) for row in rows] == [
        (2, None),
        (3, NO_NAME),
        (4, BAD_EMAIL),
        (5, DUPLICATE),
        (6, BAD_EMAIL),  # a short row: no email cell
        (7, LONG_NAME),
    ]
    assert len(rows[5].name) == 200  # fits the column; the row is refused anyway


def test_exactly_the_maximum_number_of_rows_is_accepted() -> None:
    data = b"name,email\n" + b"".join(b"P%d,p%d@example.org\n" % (i, i) for i in range(MAX_ROWS))

    assert len(parse_recipients(data)) == MAX_ROWS


def test_a_hundred_thousand_rows_are_refused() -> None:
    data = b"name,email\n" + b"".join(b"P,p%d@x.org\n" % i for i in range(100_000))
    assert len(data) < MAX_BYTES  # refused for its rows, not its size

    with pytest.raises(BulkFileInvalid) as caught:
        parse_recipients(data)

    assert caught.value.params == {"max": MAX_ROWS}


def test_a_file_over_two_megabytes_is_refused_before_reading() -> None:
    with pytest.raises(BulkFileInvalid, match="2 MB"):
        parse_recipients(b"name,email\n" + b"x" * MAX_BYTES)
