"""The issuer admin blueprint and what its page modules share (issue #4).

The pages live in :mod:`issuer.web.admin` (dashboard, overview) and the ``admin_*`` modules; all
register on this one blueprint, so every endpoint keeps its ``issuer_admin.`` name.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask
from werkzeug.datastructures import FileStorage

from badges.accounts import Role
from badges.errors import DomainError
from badges.web.auth import add_nav_item, translate_error
from badges.web.database import db_session
from badges.web.translate import _l
from issuer.images import ImageUpload
from issuer.models import Issuer
from issuer.web.access import administered_issuer

bp = Blueprint("issuer_admin", __name__, url_prefix="/issuer")


@bp.record_once
def _navigation(state: Any) -> None:
    app: Flask = state.app
    add_nav_item(app, Role.ISSUER_ADMIN, "issuer_admin.dashboard", _l("Issuing"))
    # Platform admins reach the issuers' admin lists from the same page.
    add_nav_item(app, Role.PLATFORM_ADMIN, "issuer_admin.dashboard", _l("Issuers"))


def admin_issuer(slug: str) -> Issuer:
    """The issuer, if the signed-in user administers it; 404 otherwise (no probing)."""
    return administered_issuer(db_session(), slug)


def upload(field: Any) -> ImageUpload | None:
    """The file posted in a form's file field, or None when none was chosen."""
    data = field.data
    if not isinstance(data, FileStorage) or not data.filename:
        return None
    return ImageUpload(data.read(), data.mimetype)


def attach_error(form: Any, err: DomainError, *, field_map: dict[str, str] | None = None) -> None:
    """Show a domain error next to the field it names (renamed by ``field_map``), else on top."""
    name = getattr(err, "field", None)
    name = (field_map or {}).get(name or "", name)
    field = getattr(form, name, None) if name else None
    message = translate_error(err)
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, message]
    else:
        form.form_errors.append(message)
