"""The assessor blueprint and what its page modules share (issue #6).

The pages live in :mod:`paths.web.assessor` (the queue), :mod:`paths.web.assessor_submission`
(one submission, the decision) and :mod:`paths.web.assessor_evidence` (evidence files); all
register on this one blueprint, so every endpoint keeps its ``paths_assessor.`` name.
"""

from __future__ import annotations

from typing import Any, cast

from flask import Blueprint, Flask, abort
from flask.blueprints import BlueprintSetupState

import paths
from badges.accounts import Role, User
from badges.web.auth import add_nav_item, current_user
from badges.web.translate import _l
from paths.web.labels import LABELS
from paths.web.participant import reader_locale

bp = Blueprint("paths_assessor", __name__)


@bp.record_once
def _navigation(state: BlueprintSetupState) -> None:
    add_nav_item(cast("Flask", state.app), Role.ASSESSOR, "paths_assessor.queue",
                 _l("Review queue"))  # fmt: skip


@bp.context_processor
def _helpers() -> dict[str, Any]:
    locale = reader_locale()
    return {"tr": lambda texts: paths.pick_text(texts or {}, locale), "labels": LABELS}


def signed_in_assessor() -> User:
    """The signed-in assessor (every view is behind ``role_required(Role.ASSESSOR)``)."""
    user = current_user()
    if user is None:  # pragma: no cover - role_required has already refused
        abort(401)
    return user
