"""Settings read from the environment once, inside ``create_app`` (never at import time).

With nothing set, the app runs embedded: SQLite and generated secrets in the instance folder,
Celery tasks executed in-process. ``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL and a
worker fleet.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from badges.errors import ConfigurationError

log = logging.getLogger(__name__)

Environment = Literal["development", "testing", "production"]
_ENVIRONMENTS: tuple[Environment, ...] = ("development", "testing", "production")
DEFAULT_SENDER = "Smart City Badges <no-reply@localhost>"
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a secret
#: Where the embedded default keeps its generated key-encryption key (Fernet, mode 0600).
KEK_FILE = "kek"
#: A Fernet key is 32 random bytes, url-safe base64 encoded (44 characters).
_FERNET_KEY_BYTES = 32


@dataclass(frozen=True, slots=True)
class MailSettings:
    """SMTP delivery; with no server, mail is written to the log and the mail table only."""

    server: str | None = None
    port: int = 587
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    use_tls: bool = True
    sender: str = DEFAULT_SENDER


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the app needs to know about its environment."""

    instance_path: Path
    secret_key: str = field(repr=False)
    secret_key_generated: bool
    database_url: str
    redis_url: str | None = None
    env: Environment = "development"
    base_url: str = "http://127.0.0.1:5000"
    max_upload_mb: int = 20
    login_rate_limit: str = "10 per minute"
    #: Names this deployment's Celery queue and rate-limit keys, so two can share one Redis.
    instance_name: str = "badges"
    mail: MailSettings = field(default_factory=MailSettings)
    #: Fernet keys that encrypt issuers' private keys at rest, newest first (``BADGES_KEK``);
    #: the first encrypts, all decrypt, so a new key can be rolled in before the old one goes.
    key_encryption_keys: tuple[str, ...] = field(default=(), repr=False)
    #: True when the KEK came from ``instance/kek`` (development only).
    key_encryption_key_generated: bool = False

    @property
    def celery_eager(self) -> bool:
        """Run tasks in-process when there is no broker (the embedded default)."""
        return self.redis_url is None

    @property
    def uses_https(self) -> bool:
        """Whether the public address is https (secure cookies, did:web)."""
        return self.base_url.startswith("https://")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read settings from ``environ`` (default ``os.environ``), generating dev secrets."""
        env = os.environ if environ is None else environ
        instance_path = Path(env.get("BADGES_INSTANCE_PATH", "instance")).resolve()
        mode = _environment(env.get("BADGES_ENV", "development"))
        if mode == "production" and not env.get("SECRET_KEY"):
            raise ConfigurationError(
                "BADGES_ENV=production needs SECRET_KEY set in the environment; "
                "refusing to start with a generated development secret."
            )
        if mode == "production" and not env.get("BADGES_KEK"):
            raise ConfigurationError(
                "BADGES_ENV=production needs BADGES_KEK set in the environment; "
                "refusing to encrypt signing keys with a generated development key."
            )
        secret, generated = _secret_key(env.get("SECRET_KEY"), instance_path)
        keks, kek_generated = _key_encryption_keys(env.get("BADGES_KEK"), instance_path)
        default_db = f"sqlite:///{instance_path / 'badges.sqlite3'}"
        return cls(
            instance_path=instance_path,
            secret_key=secret,
            secret_key_generated=generated,
            database_url=normalise_database_url(env.get("DATABASE_URL") or default_db),
            redis_url=env.get("REDIS_URL") or None,
            env=mode,
            base_url=env.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
            max_upload_mb=_positive_int(env, "MAX_UPLOAD_MB", 20),
            login_rate_limit=env.get("LOGIN_RATE_LIMIT", "10 per minute"),
            instance_name=env.get("BADGES_INSTANCE_NAME", "badges"),
            mail=MailSettings(
                server=env.get("MAIL_SERVER") or None,
                port=_positive_int(env, "MAIL_PORT", 587),
                username=env.get("MAIL_USERNAME") or None,
                password=env.get("MAIL_PASSWORD") or None,
                use_tls=env.get("MAIL_USE_TLS", "true").lower() not in {"0", "false", "no"},
                sender=env.get("MAIL_SENDER", DEFAULT_SENDER),
            ),
            key_encryption_keys=keks,
            key_encryption_key_generated=kek_generated,
        )


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for PostgreSQL URLs written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _environment(value: str) -> Environment:
    for known in _ENVIRONMENTS:
        if value == known:
            return known
    raise ConfigurationError(
        f"BADGES_ENV must be one of {', '.join(_ENVIRONMENTS)}, not {value!r}."
    )


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}.") from None
    if value <= 0:
        raise ConfigurationError(f"{name} must be greater than zero, not {value}.")
    return value


def _secret_key(configured: str | None, instance_path: Path) -> tuple[str, bool]:
    """Return the configured secret, or one generated once and kept in the instance folder."""
    if configured:
        return configured, False
    path = instance_path / SECRET_KEY_FILE
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    log.warning(
        "USING A GENERATED DEVELOPMENT SECRET from %s. Set SECRET_KEY before serving real users.",
        path,
    )
    return path.read_text().strip(), True


def _key_encryption_keys(
    configured: str | None, instance_path: Path
) -> tuple[tuple[str, ...], bool]:
    """Return the configured KEKs (comma-separated, newest first), or one generated once."""
    if configured:
        keys = tuple(key.strip() for key in configured.split(",") if key.strip())
        for position, key in enumerate(keys, start=1):
            if not _is_fernet_key(key):
                # The value itself is never echoed: it is a secret, even when malformed.
                raise ConfigurationError(
                    f"BADGES_KEK entry {position} is not a Fernet key "
                    "(32 bytes, url-safe base64, 44 characters)."
                )
        if keys:
            return keys, False
    path = instance_path / KEK_FILE
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            # Fernet.generate_key() without importing Fernet (banned outside issuer/keys.py).
            handle.write(base64.urlsafe_b64encode(secrets.token_bytes(_FERNET_KEY_BYTES)).decode())
    log.warning(
        "USING A GENERATED KEY-ENCRYPTION KEY from %s. Set BADGES_KEK before issuing real "
        "credentials: whoever reads that file can decrypt every issuer's signing key.",
        path,
    )
    key = path.read_text().strip()
    if not _is_fernet_key(key):
        raise ConfigurationError(f"{path} does not hold a Fernet key; remove it to generate one.")
    return (key,), True


def _is_fernet_key(value: str) -> bool:
    try:
        raw = base64.urlsafe_b64decode(value.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return False
    return len(raw) == _FERNET_KEY_BYTES
