from __future__ import annotations

import base64
from pathlib import Path

import pytest

from badges.config import Settings, normalise_database_url
from badges.errors import ConfigurationError

#: Fernet keys as BADGES_KEK holds them: 32 bytes, url-safe base64.
KEK = base64.urlsafe_b64encode(bytes(range(32))).decode()
OLD_KEK = base64.urlsafe_b64encode(bytes(range(32, 64))).decode()


def test_embedded_defaults_live_in_the_instance_folder(tmp_path: Path) -> None:
    settings = Settings.from_env({"BADGES_INSTANCE_PATH": str(tmp_path / "inst")})

    assert settings.instance_path == tmp_path / "inst"
    assert settings.database_url == f"sqlite:///{tmp_path / 'inst' / 'badges.sqlite3'}"
    assert settings.celery_eager
    assert settings.redis_url is None
    assert settings.max_upload_mb == 20
    assert settings.env == "development"


def test_generated_secret_is_written_once_and_reused(tmp_path: Path) -> None:
    first = Settings.from_env({"BADGES_INSTANCE_PATH": str(tmp_path)})
    second = Settings.from_env({"BADGES_INSTANCE_PATH": str(tmp_path)})

    assert first.secret_key_generated
    assert first.secret_key == second.secret_key
    assert len(first.secret_key) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_generated_secret_is_announced_loudly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    Settings.from_env({"BADGES_INSTANCE_PATH": str(tmp_path)})

    assert "GENERATED DEVELOPMENT SECRET" in caplog.text


def test_production_refuses_a_generated_secret(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        Settings.from_env({"BADGES_INSTANCE_PATH": str(tmp_path), "BADGES_ENV": "production"})


def test_production_starts_with_a_configured_secret(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "BADGES_INSTANCE_PATH": str(tmp_path),
            "BADGES_ENV": "production",
            "SECRET_KEY": "s" * 40,
            "BADGES_KEK": KEK,
        }
    )

    assert settings.env == "production"
    assert not settings.secret_key_generated
    assert not (tmp_path / "secret_key").exists()
    assert not settings.key_encryption_key_generated
    assert not (tmp_path / "kek").exists()


def test_production_refuses_a_generated_kek(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="BADGES_KEK"):
        Settings.from_env(
            {"BADGES_INSTANCE_PATH": str(tmp_path), "BADGES_ENV": "production", "SECRET_KEY": "s"}
        )

    assert not (tmp_path / "kek").exists()


def test_generated_kek_is_written_once_with_mode_0600_and_announced(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first = Settings.from_env({"BADGES_INSTANCE_PATH": str(tmp_path)})
    second = Settings.from_env({"BADGES_INSTANCE_PATH": str(tmp_path)})

    assert first.key_encryption_key_generated
    assert first.key_encryption_keys == second.key_encryption_keys
    assert len(first.key_encryption_keys) == 1
    assert len(base64.urlsafe_b64decode(first.key_encryption_keys[0])) == 32
    assert (tmp_path / "kek").stat().st_mode & 0o777 == 0o600
    assert "GENERATED KEY-ENCRYPTION KEY" in caplog.text
    assert first.key_encryption_keys[0] not in caplog.text


def test_configured_keks_are_read_newest_first(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {"BADGES_INSTANCE_PATH": str(tmp_path), "BADGES_KEK": f" {KEK} , {OLD_KEK},"}
    )

    assert settings.key_encryption_keys == (KEK, OLD_KEK)
    assert not settings.key_encryption_key_generated
    assert not (tmp_path / "kek").exists()


@pytest.mark.parametrize("value", ["short", "!" * 44, f"{KEK},{'A' * 43}"])
def test_a_malformed_kek_is_refused_without_echoing_it(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigurationError, match="BADGES_KEK entry") as caught:
        Settings.from_env({"BADGES_INSTANCE_PATH": str(tmp_path), "BADGES_KEK": value})

    assert value.rsplit(",", 1)[-1] not in caught.value.message


def test_a_corrupted_kek_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "kek").write_text("garbage")

    with pytest.raises(ConfigurationError, match="does not hold a Fernet key"):
        Settings.from_env({"BADGES_INSTANCE_PATH": str(tmp_path)})


def test_scale_out_settings_are_read(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "BADGES_INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "x" * 40,
            "DATABASE_URL": "postgres://db.internal/badges",
            "REDIS_URL": "redis://queue.internal:6379/0",
            "BASE_URL": "https://badges.example.org/",
            "MAX_UPLOAD_MB": "5",
            "MAIL_SERVER": "smtp.example.org",
            "MAIL_PORT": "25",
            "MAIL_USE_TLS": "false",
        }
    )

    assert settings.database_url == "postgresql+psycopg://db.internal/badges"
    assert settings.redis_url == "redis://queue.internal:6379/0"
    assert not settings.celery_eager
    assert settings.base_url == "https://badges.example.org"
    assert settings.uses_https
    assert settings.max_upload_mb == 5
    assert settings.mail.server == "smtp.example.org"
    assert settings.mail.port == 25
    assert not settings.mail.use_tls


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("MAX_UPLOAD_MB", "lots", "whole number"),
        ("MAX_UPLOAD_MB", "0", "greater than zero"),
        ("MAIL_PORT", "-1", "greater than zero"),
        ("BADGES_ENV", "staging", "BADGES_ENV must be one of"),
    ],
)
def test_bad_values_are_named_in_the_error(
    tmp_path: Path, name: str, value: str, message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message) as caught:
        Settings.from_env({"BADGES_INSTANCE_PATH": str(tmp_path), name: value})

    assert name in caught.value.message


def test_secrets_stay_out_of_reprs(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "BADGES_INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "hunter2-" * 5,
            "MAIL_PASSWORD": "pw!",
            "BADGES_KEK": f"{KEK},{OLD_KEK}",
        }
    )

    assert "hunter2" not in repr(settings)
    assert "pw!" not in repr(settings)
    assert KEK not in repr(settings)
    assert OLD_KEK not in repr(settings)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_use_psycopg3(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected
