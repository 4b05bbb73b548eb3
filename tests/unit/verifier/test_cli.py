"""``badges verify``: exit codes 0/1/2 and the ``--json`` line shape, via click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.unit.verifier.builders import CORPUS, NOW
from verifier.cli import verify_command

OFFLINE = [
    "--did-documents",
    str(CORPUS / "did-documents.json"),
    "--status-lists",
    str(CORPUS / "status-lists.json"),
    "--at",
    NOW.isoformat(),
]
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))["cases"]


def _file(name: str) -> str:
    path = CORPUS / f"{name}.json"
    return str(path if path.exists() else CORPUS / f"{name}.jws")


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(verify_command, [*args, *OFFLINE])
    return result.exit_code, result.output


def test_exit_0_when_every_file_verifies() -> None:
    valid = [_file(name) for name, case in EXPECTED.items() if case["check"] is None]

    code, output = _run(*valid)

    assert code == 0, output
    assert output.count(": verified") == len(valid)


def test_exit_1_when_one_file_does_not_verify() -> None:
    code, output = _run(_file("valid-did-web"), _file("revoked"))

    assert code == 1
    assert "This badge was revoked by its issuer." in output


def test_exit_2_for_unusable_input_even_beside_failures(tmp_path: Path) -> None:
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"\x00\x01 not a badge")

    code, output = _run(_file("revoked"), str(junk))

    assert code == 2
    assert "unusable" in output


def test_exit_2_for_a_missing_file(tmp_path: Path) -> None:
    code, _ = _run(str(tmp_path / "absent.json"))

    assert code == 2


def test_exit_2_for_a_bad_map_file(tmp_path: Path) -> None:
    bad = tmp_path / "map.json"
    bad.write_text("[]", encoding="utf-8")

    result = CliRunner().invoke(
        verify_command, [_file("valid-did-web"), "--did-documents", str(bad)]
    )

    assert result.exit_code == 2


@pytest.mark.parametrize("name", list(EXPECTED))
def test_json_lines_have_the_public_shape(name: str) -> None:
    code, output = _run("--json", _file(name))

    line = json.loads(output)
    assert line["file"] == _file(name)
    assert line["verified"] is (EXPECTED[name]["check"] is None)
    assert code == (0 if line["verified"] else 1)
    assert {"id", "outcome", "message"} <= set(line["checks"][0])
    failed = [check["id"] for check in line["checks"] if check["outcome"] == "fail"]
    assert failed[:1] == ([EXPECTED[name]["check"]] if EXPECTED[name]["check"] else [])


def test_json_for_unusable_input(tmp_path: Path) -> None:
    junk = tmp_path / "junk.json"
    junk.write_text("{", encoding="utf-8")

    code, output = _run("--json", str(junk))

    line = json.loads(output)
    assert (code, line["verified"], line["checks"]) == (2, False, [])
    assert line["error"]


def test_at_needs_a_time_zone() -> None:
    result = CliRunner().invoke(verify_command, [_file("valid-did-web"), "--at", "2027-01-01"])

    assert result.exit_code == 2
