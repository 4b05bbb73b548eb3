"""``badges issuer …`` through the CLI runner, on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badges.accounts import Organisation, create_organisation
from badges.app import create_app
from badges.config import Settings
from badges.context import current_database
from issuer import Issuer, SigningKey
from tests.environment import NOW, make_settings

KEK = Fernet.generate_key().decode()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(
        tmp_path, database_url, base_url="https://badges.example.org", key_encryption_keys=(KEK,)
    )


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


def _keys(session: Session) -> list[SigningKey]:
    session.expire_all()
    return list(session.scalars(select(SigningKey).order_by(SigningKey.id)))


def test_create_generate_rotate_and_list(runner: FlaskCliRunner, session: Session) -> None:
    created = runner.invoke(
        args=["issuer", "create", "academy", "--name", "Sofia Academy", "--email", "a@b.example"]
    )
    generated = runner.invoke(args=["issuer", "keys", "generate", "academy"])
    rotated = runner.invoke(args=["issuer", "keys", "rotate", "academy"])
    listed = runner.invoke(args=["issuer", "keys", "list", "academy"])

    did = "did:web:badges.example.org:issuers:academy"
    assert created.exit_code == 0, created.output
    assert did in created.output
    assert generated.exit_code == 0, generated.output
    assert f"{did}#key-1" in generated.output
    assert rotated.exit_code == 0, rotated.output
    assert f"{did}#key-2" in rotated.output
    assert listed.output.splitlines()[0].endswith(f"current\t{did}#key-2")
    assert listed.output.splitlines()[1].endswith(f"retired\t{did}#key-1")
    issuer = session.scalars(select(Issuer)).one()
    assert (issuer.name, issuer.email, issuer.organisation.name) == (
        "Sofia Academy",
        "a@b.example",
        "Sofia Academy",
    )
    assert [key.is_current for key in _keys(session)] == [False, True]


def test_create_uses_an_existing_organisation(runner: FlaskCliRunner, session: Session) -> None:
    create_organisation(session, slug="cluj-city-hall", name="Cluj City Hall", now=NOW)
    session.commit()

    result = runner.invoke(args=["issuer", "create", "cluj-city-hall", "--name", "Issuer name"])

    assert result.exit_code == 0, result.output
    issuer = session.scalars(select(Issuer).where(Issuer.slug == "cluj-city-hall")).one()
    assert issuer.organisation.slug == "cluj-city-hall"
    assert session.scalar(select(func.count()).select_from(Organisation)) == 1


def test_create_refuses_an_organisation_that_is_already_an_issuer(
    runner: FlaskCliRunner, session: Session
) -> None:
    runner.invoke(args=["demo", "load"])
    slug = session.scalars(select(Issuer.slug).order_by(Issuer.id)).first()
    assert slug is not None

    result = runner.invoke(args=["issuer", "create", slug, "--name", "Second issuer"])

    assert result.exit_code == 1
    assert "already an issuer" in result.output


def test_rotate_kek_re_encrypts_and_prints_no_key_material(
    runner: FlaskCliRunner, session: Session
) -> None:
    runner.invoke(args=["issuer", "create", "academy", "--name", "Sofia Academy"])
    runner.invoke(args=["issuer", "keys", "generate", "academy"])
    before = _keys(session)[0].encrypted_private_key

    result = runner.invoke(args=["issuer", "keys", "rotate-kek"])

    after = _keys(session)[0].encrypted_private_key
    assert result.exit_code == 0, result.output
    assert "Re-encrypted 1 signing key(s)" in result.output
    assert before is not None
    assert after is not None
    assert after != before
    for secret in (KEK, before.decode()[:30], after.decode()[:30]):
        assert secret not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["issuer", "keys", "generate", "nowhere"], "No issuer called nowhere"),
        (["issuer", "keys", "rotate", "nowhere"], "No issuer called nowhere"),
        (["issuer", "keys", "list", "nowhere"], "No issuer called nowhere"),
        (["issuer", "keys", "remove", "999", "--yes"], "No signing key 999"),
        (["issuer", "create", "Bad Slug", "--name", "X"], "short name"),
    ],
)
def test_bad_input_is_a_clear_message_and_exit_1(
    runner: FlaskCliRunner, args: list[str], message: str
) -> None:
    result = runner.invoke(args=args)

    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_generate_twice_and_rotate_without_a_key_fail_cleanly(
    runner: FlaskCliRunner, session: Session
) -> None:
    runner.invoke(args=["issuer", "create", "academy", "--name", "Sofia Academy"])
    no_key = runner.invoke(args=["issuer", "keys", "rotate", "academy"])
    runner.invoke(args=["issuer", "keys", "generate", "academy"])
    twice = runner.invoke(args=["issuer", "keys", "generate", "academy"])
    duplicate = runner.invoke(args=["issuer", "create", "academy", "--name", "Again"])

    assert no_key.exit_code == 1
    assert "generate one first" in no_key.output
    assert twice.exit_code == 1
    assert "rotate it instead" in twice.output
    assert duplicate.exit_code == 1
    assert len(_keys(session)) == 1


def test_remove_needs_confirmation(runner: FlaskCliRunner, session: Session) -> None:
    runner.invoke(args=["issuer", "create", "academy", "--name", "Sofia Academy"])
    runner.invoke(args=["issuer", "keys", "generate", "academy"])
    key_id = _keys(session)[0].id

    unconfirmed = runner.invoke(args=["issuer", "keys", "remove", str(key_id)])
    confirmed = runner.invoke(args=["issuer", "keys", "remove", str(key_id), "--yes"])

    assert unconfirmed.exit_code == 2
    assert "--yes" in unconfirmed.output
    assert confirmed.exit_code == 0, confirmed.output
    assert _keys(session)[0].removed_at is not None


def test_a_missing_kek_is_reported(tmp_path: Path, database_url: str) -> None:
    app = create_app(make_settings(tmp_path, database_url, key_encryption_keys=()))
    runner = app.test_cli_runner()
    runner.invoke(args=["issuer", "create", "academy", "--name", "Sofia Academy"])

    result = runner.invoke(args=["issuer", "keys", "generate", "academy"])
    with app.app_context():
        current_database().dispose()

    assert result.exit_code == 1
    assert "BADGES_KEK" in result.output


def test_a_local_instance_gives_did_key_issuers(tmp_path: Path, database_url: str) -> None:
    settings = make_settings(tmp_path, database_url, key_encryption_keys=(KEK,))
    app = create_app(settings)  # BASE_URL http://127.0.0.1:5000: nobody else can resolve it
    runner = app.test_cli_runner()

    created = runner.invoke(args=["issuer", "create", "academy", "--name", "Sofia Academy"])
    generated = runner.invoke(args=["issuer", "keys", "generate", "academy"])
    rotated = runner.invoke(args=["issuer", "keys", "rotate", "academy"])
    with app.app_context():
        current_database().dispose()

    assert "a did:key, once its first key is generated" in created.output
    assert generated.exit_code == 0, generated.output
    assert "did:key:z6Mk" in generated.output
    assert rotated.exit_code == 0, rotated.output
    first = generated.output.rsplit(" ", 1)[-1].strip()
    second = rotated.output.rsplit(" ", 1)[-1].strip()
    assert first.startswith("did:key:z6Mk")
    assert second.startswith("did:key:z6Mk")
    assert first != second
