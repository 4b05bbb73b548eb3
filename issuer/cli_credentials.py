"""``badges credentials``: commands over issued credentials (export for offline verification)."""

from __future__ import annotations

from flask.cli import AppGroup

credentials_group = AppGroup("credentials", help="Issued credentials: export them.")
