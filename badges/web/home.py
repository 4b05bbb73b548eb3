"""The landing page."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from badges.web.auth import current_user

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> ResponseReturnValue:
    """Welcome visitors; greet signed-in users with what their roles let them do."""
    return render_template("home/index.html", user=current_user())
