"""The web pages of validation paths: participants, competence maps, cohorts (thin views).

Only :func:`init_paths_web` is for the composition root; each blueprint lives in its own module.
"""

from __future__ import annotations

from flask import Flask

from paths.web import (
    admin,
    appeals,
    assessor,
    certifications,
    editor_frameworks,
    editor_paths,
    editor_requirements,
    evidence,
    maps,
    participant,
    privacy,
    public,
)


def init_paths_web(app: Flask) -> None:
    """Register the participant's blueprints on ``app`` (called by ``badges.app``)."""
    for module in (
        participant,
        certifications,
        appeals,
        evidence,
        maps,
        assessor,
        public,
        admin,
        editor_frameworks,
        editor_paths,
        editor_requirements,
        privacy,
    ):
        app.register_blueprint(module.bp)


__all__ = ["init_paths_web"]
