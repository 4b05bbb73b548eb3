"""Interface languages (en, de, bg, ro): the user's choice, then the browser's, then English."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import Babel, get_locale

from badges.web.auth import current_user, safe_next
from badges.web.database import db_session
from badges.web.forms import LanguageForm

#: Each language named in itself, as a switcher should show it.
LANGUAGES: dict[str, str] = {"en": "English", "de": "Deutsch", "bg": "Български", "ro": "Română"}
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"

babel = Babel()
bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """The signed-in user's language, else this browser's choice, else Accept-Language."""
    user = current_user()
    if user is not None and user.locale in LANGUAGES:
        return user.locale
    chosen = session.get("locale")
    if isinstance(chosen, str) and chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES), default="en")


def init_i18n(app: Flask) -> None:
    """Configure Flask-Babel and expose the language list to templates."""
    app.config.update(
        BABEL_DEFAULT_LOCALE="en",
        BABEL_DEFAULT_TIMEZONE="UTC",
        BABEL_TRANSLATION_DIRECTORIES=str(TRANSLATIONS),
    )
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["language_form"] = LanguageForm


@bp.post("/language")
def choose_language() -> ResponseReturnValue:
    """Remember the chosen language (in the session, and on the account when signed in)."""
    form = LanguageForm()
    locale = request.form.get("locale", "")
    if form.validate_on_submit() and locale in LANGUAGES:
        session["locale"] = locale
        user = current_user()
        if user is not None:
            user.locale = locale
            db_session().commit()
    return redirect(safe_next(form.next.data, url_for("home.index")))
