"""Typed shorthands for Flask-Babel's gettext (which is untyped), under the names tools extract."""

from __future__ import annotations

from flask_babel import gettext as _gettext
from flask_babel import lazy_gettext as _lazy_gettext
from flask_babel.speaklater import LazyString


def _(message: str, **variables: object) -> str:
    """Translate ``message`` into the request's language and fill ``%(name)s`` slots."""
    return str(_gettext(message, **variables))


def _l(message: str, **variables: object) -> LazyString:
    """Translate lazily, when rendered (for form labels and other import-time strings)."""
    lazy: LazyString = _lazy_gettext(message, **variables)
    return lazy
