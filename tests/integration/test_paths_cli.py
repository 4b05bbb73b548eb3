"""``badges paths import-framework|export-framework|frameworks`` through the CLI runner."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from paths import Framework, load_framework_csv, load_framework_json

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "frameworks"
MINI = FIXTURES / "mini.json"


def frameworks(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Framework)) or 0


def test_import_then_import_again(runner: FlaskCliRunner, session: Session) -> None:
    first = runner.invoke(args=["paths", "import-framework", str(MINI)])
    again = runner.invoke(args=["paths", "import-framework", str(FIXTURES / "mini.csv")])

    assert first.exit_code == 0, first.output
    assert first.stdout == (
        "Imported framework mini-city version 1.0.0: 2 roles, 2 units, 3 elements, 1 curricula.\n"
    )
    assert again.exit_code == 0, again.output
    assert (
        again.stdout == "Framework mini-city version 1.0.0 is already imported; nothing changed.\n"
    )
    assert frameworks(session) == 1


def test_an_invalid_file_prints_every_problem_and_writes_nothing(
    runner: FlaskCliRunner, session: Session, tmp_path: Path
) -> None:
    document = json.loads(MINI.read_text(encoding="utf-8"))
    document["units"][0]["elements"][0]["eqf_level"] = 9
    document["roles"][1]["units"] = ["U8"]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document), encoding="utf-8")

    result = runner.invoke(args=["paths", "import-framework", str(broken)])

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{broken}:units[0].elements[0]: eqf_level: must be a whole number from 1 to 8",
        f"{broken}:roles[1]: units[0]: there is no unit with code U8",
        f"The framework file {broken} has 2 problem(s).",
    ]
    assert frameworks(session) == 0


def test_csv_problems_name_the_line(runner: FlaskCliRunner, tmp_path: Path) -> None:
    lines = (FIXTURES / "mini.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[5].startswith("element,U1.E1,")
    lines[5] = lines[5].replace(",6,A.1,3,", ",6,Z.1,3,")
    broken = tmp_path / "broken.csv"
    broken.write_text("\n".join(lines), encoding="utf-8")

    result = runner.invoke(args=["paths", "import-framework", str(broken)])

    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{broken}:6: ecf_code: Z.1 is not an e-CF competence code (A.1 to E.12)"
    )


def test_the_format_comes_from_the_extension_or_the_option(
    runner: FlaskCliRunner, session: Session, tmp_path: Path
) -> None:
    unknown = tmp_path / "framework.txt"
    shutil.copy(FIXTURES / "mini.csv", unknown)

    refused = runner.invoke(args=["paths", "import-framework", str(unknown)])
    told = runner.invoke(args=["paths", "import-framework", str(unknown), "--format", "csv"])

    assert refused.exit_code == 2
    assert "Cannot tell the format of framework.txt: use --format json|csv." in refused.stderr
    assert told.exit_code == 0, told.output
    assert frameworks(session) == 1


def test_a_changed_file_under_an_imported_version_is_refused(
    runner: FlaskCliRunner, session: Session, tmp_path: Path
) -> None:
    document = json.loads(MINI.read_text(encoding="utf-8"))
    document["framework"]["publisher"] = "Someone else"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(document), encoding="utf-8")
    runner.invoke(args=["paths", "import-framework", str(MINI)])

    result = runner.invoke(args=["paths", "import-framework", str(changed)])

    assert result.exit_code == 1
    assert "Framework mini-city version 1.0.0 is already imported with different content" in (
        result.stderr
    )
    assert frameworks(session) == 1


def test_export_to_stdout_and_to_a_file(runner: FlaskCliRunner, tmp_path: Path) -> None:
    runner.invoke(args=["paths", "import-framework", str(MINI)])
    out = tmp_path / "out.csv"

    as_json = runner.invoke(args=["paths", "export-framework", "mini-city"])
    options = ["--version", "1.0.0", "--format", "csv", "--out", str(out)]
    as_csv = runner.invoke(args=["paths", "export-framework", "mini-city", *options])

    expected = load_framework_json(MINI.read_bytes(), "mini.json")
    assert as_json.exit_code == 0, as_json.output
    assert load_framework_json(as_json.stdout.encode(), "stdout.json") == expected
    assert as_csv.exit_code == 0, as_csv.output
    assert as_csv.stdout == ""
    assert load_framework_csv(out.read_bytes(), "out.csv") == expected


def test_export_of_an_unknown_framework_fails(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["paths", "export-framework", "mini-city", "--version", "9"])

    assert result.exit_code == 1
    assert "There is no framework mini-city version 9." in result.stderr


def test_frameworks_lists_every_version(runner: FlaskCliRunner, tmp_path: Path) -> None:
    document = json.loads(MINI.read_text(encoding="utf-8"))
    document["framework"]["version"] = "2.0.0"
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(document), encoding="utf-8")
    empty = runner.invoke(args=["paths", "frameworks"])
    runner.invoke(args=["paths", "import-framework", str(MINI)])
    runner.invoke(args=["paths", "import-framework", str(newer)])

    listed = runner.invoke(args=["paths", "frameworks"])

    assert empty.exit_code == 0
    assert empty.stdout == ""
    assert listed.exit_code == 0
    assert listed.stdout.splitlines() == [
        "mini-city\t1.0.0\t2026-11-25T09:00:00+00:00\tMini smart-city framework",
        "mini-city\t2.0.0\t2026-11-25T09:00:00+00:00\tMini smart-city framework",
    ]
