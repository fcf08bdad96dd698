"""Registering, logging in and out, changing the password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from forum import limits, realtime
from forum.forms.auth import ChangePasswordForm, LoginForm, LogoutForm, RegisterForm
from forum.models import User
from forum.services import ServiceError, accounts

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.route("/register", methods=["GET", "POST"])
@limits.registrations
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.register(form.username.data, form.email.data, form.password.data)
        except ServiceError as error:
            form.apply_service_error(error)
            if isinstance(error, accounts.AccountConflict):  # counted by limits.registrations
                return render_template("auth/register.html", form=form), 409
        else:
            _log_in(user)
            flash(_("Welcome, %(name)s. Your account is ready.", name=user.username), "success")
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/register.html", form=form), form.http_status


@bp.route("/login", methods=["GET", "POST"])
@limits.login_per_address
@limits.login_per_account
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.login.data, form.password.data)
        except ServiceError as error:
            form.apply_service_error(error)
            return render_template("auth/login.html", form=form), 403
        if user is None:
            form.form_errors.append(_("That username or password is not correct."))
        else:
            _log_in(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), form.http_status


@bp.post("/logout")
def logout():
    if LogoutForm().validate_on_submit():
        key = session.get(realtime.LIVE_KEY)
        if current_user.is_authenticated:
            accounts.end_session(current_user._get_current_object())
        logout_user()
        if key:
            realtime.end_sessions(key=key)  # this browser's live connections, not the others
        flash(_("You are logged out."), "info")
    return redirect(url_for("main.home"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            accounts.change_password(user, form.current_password.data, form.password.data)
        except ServiceError as error:
            form.apply_service_error(error)
        else:
            realtime.end_sessions(user_id=user.id)  # every other session is over
            _log_in(user)  # this session carries the new session version
            flash(_("Your password is changed. Other sessions are logged out."), "success")
            return redirect(url_for("profiles.show", username=current_user.username))
    return render_template("auth/password.html", form=form), form.http_status


def _log_in(user: User, remember: bool = False) -> None:
    """A log-in of its own on the server, and a new CSRF secret: a token handed out before the
    log-in (perhaps to someone who planted this browser's session) is void after it."""
    accounts.start_session(user)
    csrf_key = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(csrf_key, None)
    g.pop(csrf_key, None)
    login_user(user, remember=remember)
    realtime.live_key()


def safe_next(target: str | None) -> str:
    """Only a path on this site; anything else (other hosts, schemes, //evil) goes home."""
    default = url_for("main.home")
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(c in target for c in "\\\r\n\t"):
        return default
    return target
