"""``badges paths``: the competence framework and validation paths from the command line."""

from __future__ import annotations

from flask.cli import AppGroup

paths_group = AppGroup("paths", help="Competence framework and validation paths.")
