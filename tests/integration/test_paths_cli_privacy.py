"""``badges paths export-personal-data`` and ``delete-account`` through the CLI runner."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from flask.testing import FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.accounts import User, register
from tests.environment import NOW


def _member(session: Session) -> None:
    register(session, email="Ana@Example.org", name="Ana", password="a long passphrase 42", now=NOW)
    session.commit()


def _accounts(session: Session) -> list[str]:
    session.expire_all()
    return list(session.scalars(select(User.email)))


def test_export_writes_the_zip(runner: FlaskCliRunner, session: Session, tmp_path: Path) -> None:
    _member(session)
    out = tmp_path / "ana.zip"

    result = runner.invoke(
        args=["paths", "export-personal-data", "ana@example.org", "--out", str(out)]
    )

    assert result.exit_code == 0, result.output
    assert result.stdout == f"Wrote the personal data of ana@example.org to {out}.\n"
    with zipfile.ZipFile(out) as archive:
        data = json.loads(archive.read("data.json"))
    assert data["account"]["email"] == "ana@example.org"


def test_delete_needs_yes_and_then_deletes(runner: FlaskCliRunner, session: Session) -> None:
    _member(session)

    refused = runner.invoke(args=["paths", "delete-account", "ana@example.org"])
    assert refused.exit_code == 2
    assert "--yes" in refused.output
    assert "ana@example.org" in _accounts(session)

    done = runner.invoke(args=["paths", "delete-account", "ANA@example.org", "--yes"])
    assert done.exit_code == 0, done.output
    assert done.stdout == "Deleted the account ana@example.org and 0 evidence file(s).\n"
    assert "ana@example.org" not in _accounts(session)


def test_an_unknown_account_is_a_clear_error(runner: FlaskCliRunner, tmp_path: Path) -> None:
    out = tmp_path / "nobody.zip"

    exported = runner.invoke(
        args=["paths", "export-personal-data", "no@example.org", "--out", str(out)]
    )
    deleted = runner.invoke(args=["paths", "delete-account", "no@example.org", "--yes"])

    assert (exported.exit_code, deleted.exit_code) == (1, 1)
    assert "There is no account for no@example.org." in exported.output
    assert "There is no account for no@example.org." in deleted.output
    assert not out.exists()
