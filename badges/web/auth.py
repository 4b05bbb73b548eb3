"""Sign-in state, access decorators and the account pages (register, login, logout, password).

The session cookie holds the user id and the user's ``session_epoch``; changing the password bumps
the epoch, which ends every other session of that user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel.speaklater import LazyString
from werkzeug.exceptions import Unauthorized

from badges.accounts import (
    InvalidCredentials,
    Role,
    User,
    authenticate,
    change_password,
    register,
)
from badges.context import current_clock, current_settings
from badges.errors import DomainError, InvalidInput
from badges.mail import queue_mail
from badges.web.database import db_session
from badges.web.forms import LoginForm, PasswordChangeForm, RegisterForm
from badges.web.security import rate_limited
from badges.web.translate import _, _l

bp = Blueprint("auth", __name__)

View = TypeVar("View", bound=Callable[..., ResponseReturnValue])

#: Set on a view by the decorators below; the route-policy test reads it.
ACCESS_ATTRIBUTE = "badges_access"


ROLE_LABELS = {
    Role.PARTICIPANT: _l("Participant"),
    Role.ASSESSOR: _l("Assessor"),
    Role.ISSUER_ADMIN: _l("Issuer admin"),
    Role.PLATFORM_ADMIN: _l("Platform admin"),
}


@dataclass(frozen=True, slots=True)
class NavItem:
    """One entry of the main navigation."""

    endpoint: str
    label: str

    @property
    def url(self) -> str:
        """Where the entry points."""
        return url_for(self.endpoint)


_NAVIGATION = "badges.navigation"


def add_nav_item(app: Flask, role: Role, endpoint: str, label: LazyString) -> None:
    """Show ``endpoint`` in the main navigation to users holding ``role``."""
    app.extensions.setdefault(_NAVIGATION, []).append((role, endpoint, label))


def role_navigation(user: User) -> list[NavItem]:
    """The navigation entries the user's roles open, in registration order, without repeats."""
    entries: list[tuple[Role, str, LazyString]] = current_app.extensions.get(_NAVIGATION, [])
    items: dict[str, NavItem] = {}
    for role, endpoint, label in entries:
        if endpoint not in items and user.has_role(role):
            items[endpoint] = NavItem(endpoint, str(label))
    return list(items.values())


def user_roles(user: User) -> list[str]:
    """Translated names of every role the user holds."""
    return [str(label) for role, label in ROLE_LABELS.items() if user.has_role(role)]


def init_auth(app: Flask) -> None:
    """Expose the signed-in user and role helpers to templates."""
    app.jinja_env.globals.update(
        current_user=current_user, Role=Role, role_navigation=role_navigation, user_roles=user_roles
    )


def current_user() -> User | None:
    """The signed-in user of this request, or None (cached for the request)."""
    if "current_user" not in g:
        g.current_user = _load_user()
    user: User | None = g.current_user
    return user


def _load_user() -> User | None:
    user_id = session.get("user_id")
    if not isinstance(user_id, int):
        return None
    user = db_session().get(User, user_id)
    if user is None or user.session_epoch != session.get("epoch"):
        session.clear()
        return None
    return user


def login_required(view: View) -> View:
    """Let signed-in users through; send others to the sign-in page (or 401 for JSON clients)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        if current_user() is None:
            return _ask_to_sign_in()
        return view(*args, **kwargs)

    setattr(wrapped, ACCESS_ATTRIBUTE, ("login",))
    return wrapped  # type: ignore[return-value]


def role_required(*roles: Role) -> Callable[[View], View]:
    """Let through signed-in users holding any of ``roles``; others get 403."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> ResponseReturnValue:
            user = current_user()
            if user is None:
                return _ask_to_sign_in()
            if not any(user.has_role(role) for role in roles):
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapped, ACCESS_ATTRIBUTE, tuple(role.value for role in roles))
        return wrapped  # type: ignore[return-value]

    return decorate


def _ask_to_sign_in() -> ResponseReturnValue:
    if request.path.startswith("/api/") or request.is_json:
        raise Unauthorized(_("Please sign in first."))
    flash(_("Please sign in to see this page."), "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def safe_next(target: str | None, fallback: str) -> str:
    """Only follow same-site relative paths after sign-in (no open redirects)."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


def _start_session(user: User) -> None:
    session.clear()  # a fresh session on sign-in defeats session fixation
    session["user_id"] = user.id
    session["epoch"] = user.session_epoch
    if user.locale:
        session["locale"] = user.locale
    g.current_user = user


@bp.route("/register", methods=["GET", "POST"])
def register_page() -> ResponseReturnValue:
    """Create a participant account and sign in."""
    form = RegisterForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = _register(form)
        except DomainError as err:
            _attach_error(form, err)
            status = 409 if err.code == "email_taken" else 422
        else:
            _start_session(user)
            flash(_("Welcome, %(name)s. Your account is ready.", name=user.name), "success")
            return redirect(safe_next(request.args.get("next"), url_for("home.index")))
    elif form.is_submitted():
        status = 422
    return render_template("auth/register.html", form=form), status


def _register(form: RegisterForm) -> User:
    session_ = db_session()
    now = current_clock().now()
    user = register(
        session_,
        email=form.email.data or "",
        name=form.name.data or "",
        password=form.password.data or "",
        now=now,
        locale=session.get("locale"),
    )
    queue_mail(
        session_,
        to=user.email,
        subject=_("Welcome to Smart City Badges"),
        body=_(
            "Hello %(name)s,\n\nyour account is ready. Sign in at %(url)s to enrol in a "
            "validation path.\n",
            name=user.name,
            url=current_settings().base_url + url_for("auth.login"),
        ),
        now=now,
    )
    session_.commit()
    return user


@bp.route("/login", methods=["GET", "POST"])
@rate_limited(lambda: current_settings().login_rate_limit, methods=("POST",))
def login() -> ResponseReturnValue:
    """Sign in with email and password."""
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = authenticate(
                db_session(),
                email=form.email.data or "",
                password=form.password.data or "",
                now=current_clock().now(),
            )
        except InvalidCredentials as err:
            _attach_error(form, err)
            status = 401
        else:
            db_session().commit()
            _start_session(user)
            return redirect(safe_next(request.args.get("next"), url_for("home.index")))
    elif form.is_submitted():
        status = 422
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Sign out (POST with CSRF token, so no other site can do it); keep the chosen language."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    flash(_("You are signed out."), "info")
    return redirect(url_for("home.index"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> ResponseReturnValue:
    """Show the account and change the password."""
    user = current_user()
    assert user is not None  # noqa: S101 - guaranteed by login_required
    form = PasswordChangeForm()
    status = 200
    if form.validate_on_submit():
        try:
            change_password(
                db_session(),
                user.id,
                current=form.current_password.data or "",
                new=form.password.data or "",
            )
        except InvalidInput as err:
            _attach_error(form, err)
            status = 422
        else:
            db_session().commit()
            _start_session(user)
            flash(_("Your password was changed. Other sessions were signed out."), "success")
            return redirect(url_for("auth.account"))
    elif form.is_submitted():
        status = 422
    return render_template("auth/account.html", form=form, user=user), status


def translate_error(err: DomainError) -> str:
    """The domain error's message in the reader's language."""
    return _(err.template, **err.params)


def _attach_error(form: Any, err: DomainError) -> None:
    field_name = getattr(err, "field", None)
    field = getattr(form, field_name, None) if field_name else None
    message = translate_error(err)
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, message]
    else:
        form.form_errors.append(message)
