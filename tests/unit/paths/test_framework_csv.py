"""The framework CSV format: same rules as JSON, problems named by line number and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from paths import FrameworkInvalid, dump_framework_csv, load_framework_csv, load_framework_json

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "frameworks"
HEADER = (
    "kind,code,parent,version,title_en,title_de,eqf_level,ecf_code,ecf_level,units,elements,"
    "hours,ects,description_en"
)
ROWS = [
    "framework,mini,,1.0,Mini,Klein,,,,,,,,",
    "role,R1,,,Role,,6,,,U1,,,,",
    "unit,U1,,,Unit,,,,,,,,,",
    "element,E1,U1,,Element,,5,A.1,2,,,,,",
    "criterion,PC1,E1,,Does it,Macht es,,,,,,,,",
    "curriculum,C1,,,Course,,,,,,,,,",
    'learning_unit,LU1,C1,,Module,,,,,,E1,"2,5",0.5,',
]


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *rows, ""]).encode("utf-8")


def problems(data: bytes) -> list[str]:
    with pytest.raises(FrameworkInvalid) as info:
        load_framework_csv(data, "f.csv")
    return [str(issue) for issue in info.value.issues]


def with_row(line: int, row: str) -> list[str]:
    """The example rows with the row on ``line`` (the header is line 1) replaced."""
    rows = list(ROWS)
    rows[line - 2] = row
    return rows


def test_a_hand_written_file_reads() -> None:
    spec = load_framework_csv(csv_file(*ROWS), "f.csv")

    assert (spec.code, spec.version, dict(spec.title)) == (
        "mini",
        "1.0",
        {"en": "Mini", "de": "Klein"},
    )
    assert spec.roles[0].units == ("U1",)
    element = spec.units[0].elements[0]
    assert (element.code, element.eqf_level, element.ecf_code, element.ecf_level) == (
        "E1",
        5,
        "A.1",
        2,
    )
    assert dict(element.criteria[0].text) == {"en": "Does it", "de": "Macht es"}
    learning_unit = spec.curricula[0].learning_units[0]
    # A decimal comma is what spreadsheets in de/bg/ro write.
    assert (learning_unit.hours, learning_unit.ects, learning_unit.elements) == (2.5, 0.5, ("E1",))


def test_the_fixture_csv_is_the_fixture_json() -> None:
    from_json = load_framework_json((FIXTURES / "mini.json").read_bytes(), "mini.json")

    from_csv = load_framework_csv((FIXTURES / "mini.csv").read_bytes(), "mini.csv")

    assert from_csv == from_json


def test_the_csv_writer_reads_back_to_the_same_spec() -> None:
    spec = load_framework_json((FIXTURES / "mini.json").read_bytes(), "mini.json")

    written = dump_framework_csv(spec)

    assert written.startswith("\ufeff".encode())  # so spreadsheets show Cyrillic correctly
    assert load_framework_csv(written, "again.csv") == spec


@pytest.mark.parametrize(
    ("line", "row", "expected"),
    [
        (
            5,
            "element,E1,U1,,Element,,9,A.1,2,,,,,",
            ["f.csv:5: eqf_level: must be a whole number from 1 to 8"],
        ),
        (
            5,
            "element,E1,U1,,Element,,five,A.1,2,,,,,",
            ["f.csv:5: eqf_level: must be a whole number from 1 to 8"],
        ),
        (
            5,
            "element,E1,U1,,Element,,5,F.1,2,,,,,",
            ["f.csv:5: ecf_code: F.1 is not an e-CF competence code (A.1 to E.12)"],
        ),
        (
            5,
            "element,E1,U1,,Element,,5,A.1,,,,,,",
            ["f.csv:5: ecf_level: is missing"],
        ),
        (
            6,
            "criterion,PC1,E1,,,Macht es,,,,,,,,",
            ["f.csv:6: title_en: needs an English (en) text"],
        ),
        (
            3,
            "role,R1,,,Role,,6,,,U1 | U9,,,,",
            ["f.csv:3: units: there is no unit with code U9"],
        ),
        (
            8,
            "learning_unit,LU1,C1,,Module,,,,,,E1 | E2,1,-2,",
            [
                "f.csv:8: ects: must be a number, zero or more",
                "f.csv:8: elements: there is no element with code E2",
            ],
        ),
        (
            3,
            "role,R1,,,Role,,6,,,U1,,12,,",
            ["f.csv:3: hours: is not used in a row of kind role"],
        ),
        (
            7,
            "module,C1,,,Course,,,,,,,,,",
            [
                "f.csv:7: kind: module is not a kind of row",
                "f.csv:8: parent: there is no curriculum row with code C1 above this row",
            ],
        ),
        (
            6,
            "criterion,PC1,E9,,Does it,,,,,,,,,",
            [
                "f.csv:6: parent: there is no element row with code E9 above this row",
                "f.csv:5: criteria: needs at least one performance criterion",
            ],
        ),
        (
            2,
            "framework,Mini,,,Mini,,,,,,,,,",
            [
                "f.csv:2: code: Mini may use only small letters, digits and hyphens",
                "f.csv:2: version: is missing",
            ],
        ),
    ],
)
def test_problems_name_line_and_column(line: int, row: str, expected: list[str]) -> None:
    assert problems(csv_file(*with_row(line, row))) == expected


def test_duplicate_codes_name_the_lines() -> None:
    rows = [*ROWS, "unit,U1,,,Unit again,,,,,,,,,", "element,E2,U1,,Other,,3,,,,,,,"]
    rows.append("criterion,PC1,E2,,Again,,,,,,,,,")

    assert problems(csv_file(*rows)) == [
        "f.csv:9: code: U1 is used twice (also on line 4)",
        "f.csv:11: code: PC1 is used twice (also on line 6)",
    ]


def test_line_numbers_count_lines_inside_quoted_cells() -> None:
    rows = with_row(5, "element,E1,U1,,Element,,0,,,,,,,")
    rows[0] = 'framework,mini,,1.0,Mini,,,,,,,,,"First line\nsecond line"'

    assert problems(csv_file(*rows)) == ["f.csv:6: eqf_level: must be a whole number from 1 to 8"]


def test_header_and_framework_row_problems() -> None:
    assert problems(csv_file(*ROWS, header=HEADER + ",notes")) == [
        "f.csv:1: notes: is not a column of the format"
    ]
    assert problems(csv_file(*ROWS, ROWS[0])) == ["f.csv:9: kind: only one framework row"]
    assert problems(csv_file(*ROWS[1:])) == ["f.csv:1: framework: is missing"]
    assert problems(b"code,title_en\nx,y\n") == [
        "f.csv:1: kind: the column is missing",
        "f.csv:2: kind: is missing",
        "f.csv:1: framework: is missing",
        "f.csv:1: roles: needs at least one role",
        "f.csv:1: units: needs at least one unit",
    ]


def test_blank_rows_are_skipped_and_bad_bytes_reported() -> None:
    assert load_framework_csv(csv_file(ROWS[0], ",,,", *ROWS[1:]), "f.csv").code == "mini"
    assert problems("kind\nr\u00f4le\n".encode("latin-1")) == ["f.csv:1: file: is not UTF-8 text"]
