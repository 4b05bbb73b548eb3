from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory
from flask.testing import FlaskCliRunner
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from badges.accounts import Role, User
from badges.demo import DEMO_LOGINS, DEMO_PASSWORD
from badges.migrate import alembic_config
from issuer import Issuer, current_key


def test_demo_load_is_idempotent(runner: FlaskCliRunner, session: Session) -> None:
    first = runner.invoke(args=["demo", "load"])
    second = runner.invoke(args=["demo", "load"])

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert DEMO_PASSWORD in first.output
    for login in DEMO_LOGINS:
        assert login.email in first.output
    assert session.scalar(select(func.count()).select_from(User)) == len(DEMO_LOGINS)
    roles = {u.email: u for u in session.scalars(select(User))}
    for login in DEMO_LOGINS:
        assert roles[login.email].has_role(login.role)
    assert not roles["participant@demo.example"].has_role(Role.ASSESSOR)
    issuers = session.scalars(select(Issuer).order_by(Issuer.slug)).all()
    assert [issuer.slug for issuer in issuers] == [
        "cluj-urban-innovation-lab",
        "sofia-smart-city-academy",
    ]
    for issuer in issuers:
        assert issuer.did is not None
        assert issuer.did.startswith("did:key:z6Mk")  # BASE_URL is http in tests: did:key
        assert current_key(session, issuer.id) is not None


def test_db_current_reports_the_head(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["db", "current"])

    assert result.exit_code == 0
    head = ScriptDirectory.from_config(
        alembic_config(create_engine("sqlite://"))
    ).get_current_head()
    assert result.output.strip() == head


def test_services_check_prints_json(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["services", "check"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["status"] == "ok"


def test_badges_command_honours_the_instance_path(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "BADGES_INSTANCE_PATH": str(tmp_path / "elsewhere"),
        "SECRET_KEY": "cli-test-secret",
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    badges = str(Path(sys.executable).parent / "badges")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [badges, *args], env=env, capture_output=True, text=True, check=False, timeout=120
        )

    empty = run("demo", "load")
    upgraded = run("db", "upgrade")
    loaded = run("demo", "load")

    assert empty.returncode == 1
    assert "Run `badges db upgrade` first" in empty.stderr
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"Database (sqlite) at {_head()}." in upgraded.stdout
    assert loaded.returncode == 0, loaded.stderr
    assert (tmp_path / "elsewhere" / "badges.sqlite3").is_file()


def test_badges_command_refuses_dev_secrets_in_production(tmp_path: Path) -> None:
    env = {**os.environ, "BADGES_INSTANCE_PATH": str(tmp_path), "BADGES_ENV": "production"}
    env.pop("SECRET_KEY", None)
    badges = str(Path(sys.executable).parent / "badges")

    result = subprocess.run(
        [badges, "db", "current"], env=env, capture_output=True, text=True, check=False, timeout=120
    )

    assert result.returncode == 1
    assert result.stderr.startswith("Error: BADGES_ENV=production needs SECRET_KEY")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_db_downgrade_and_upgrade_again(runner: FlaskCliRunner) -> None:
    down = runner.invoke(args=["db", "downgrade", "base"])
    empty = runner.invoke(args=["db", "current"])
    up = runner.invoke(args=["db", "upgrade"])

    assert down.exit_code == 0, down.output
    assert "at None" in down.output
    assert empty.output.strip() == "empty (not migrated)"
    assert up.exit_code == 0, up.output
    assert f"at {_head()}" in up.output


def _head() -> str | None:
    """The newest migration, so these tests need no edit when one is added."""
    return ScriptDirectory.from_config(
        alembic_config(create_engine("sqlite://"))
    ).get_current_head()
