"""Registering, logging in and out, changing the password; confirming and changing the
address, resetting a forgotten password."""

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

from forum import limits, realtime, usernames
from forum.extensions import limiter
from forum.forms.auth import (
    ChangeAddressForm,
    ChangePasswordForm,
    ConfirmAddressForm,
    ForgotPasswordForm,
    LoginForm,
    LogoutForm,
    RegisterForm,
    ResetPasswordForm,
    SendAgainForm,
)
from forum.languages import lazy_gettext as _l
from forum.models import User
from forum.services import ServiceError, account_mail, accounts

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
        else:  # the welcome page (a profile to fill or skip), then where they were going
            _log_in(user)
            flash(_("Welcome, %(name)s. Your account is ready.", name=user.username), "success")
            flash(
                _(
                    "We sent a link to %(address)s: follow it to confirm your address.",
                    address=user.email,
                ),
                "info",
            )
            return redirect(url_for("profiles.welcome", next=request.args.get("next")))
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


# Mail to an address, asked for by its member: a few an hour, shared by "send again" and a
# change of address, so a logged-in account cannot be made to flood a mailbox.
address_mail = limiter.shared_limit(
    lambda: current_app.config["ADDRESS_MAIL_RATE_LIMIT"],
    scope="address-mail",
    key_func=lambda: f"member:{current_user.id}",
    methods=["POST"],
    error_message=_l("Too many messages asked for in a short time. Try again later."),
)
# Reset requests per client address: a 429 that counts every request, whatever was typed, so it
# tells nothing of which accounts exist.
resets_per_address = limiter.limit(
    lambda: current_app.config["RESET_RATE_LIMIT"],
    methods=["POST"],
    error_message=_l("Too many reset requests from your address. Try again later."),
)


@bp.get("/account")
@login_required
def account():
    return _account_page(ChangeAddressForm())


@bp.post("/account/address")
@login_required
@address_mail
def change_address():
    form = ChangeAddressForm()
    if form.validate_on_submit():
        try:
            address = account_mail.change_address(
                current_user._get_current_object(), form.current_password.data, form.email.data
            )
        except ServiceError as error:
            form.apply_service_error(error)
        else:
            flash(
                _(
                    "We sent a link to %(address)s. It becomes your address once you follow it.",
                    address=address,
                ),
                "success",
            )
            return redirect(url_for("auth.account"))
    return _account_page(form)


@bp.post("/account/send-again")
@login_required
@address_mail
def send_again():
    if SendAgainForm().validate_on_submit():
        address = account_mail.send_confirmation_again(current_user._get_current_object())
        if address:
            flash(_("We sent a new link to %(address)s.", address=address), "success")
    return redirect(url_for("auth.account"))


@bp.post("/account/cancel-address")
@login_required
def cancel_address():
    if SendAgainForm().validate_on_submit():
        account_mail.cancel_address_change(current_user._get_current_object())
        flash(_("The change of address is cancelled."), "info")
    return redirect(url_for("auth.account"))


def _account_page(form: ChangeAddressForm):
    return render_template("auth/account.html", form=form), form.http_status


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """GET only shows a button: mail scanners open links, and must not confirm anything."""
    found = account_mail.confirmation_for(token)
    if found is None:
        return _bad_link("auth.account")
    form = ConfirmAddressForm()
    if form.validate_on_submit():
        try:
            user = account_mail.confirm(token)
        except ServiceError as error:
            return _bad_link("auth.account", error.message)
        flash(_("Thank you: %(address)s is confirmed.", address=user.email), "success")
        return redirect(url_for("auth.account" if current_user.is_authenticated else "auth.login"))
    return render_template("auth/confirm.html", form=form, address=found[1]), form.http_status


@bp.route("/forgot", methods=["GET", "POST"])
@resets_per_address
def forgot():
    """The same page, status and work whether or not the account exists: the link is made
    when the mail is composed, after this request."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        if _reset_allowed_for(form.login.data):
            account_mail.request_reset(form.login.data)
        return render_template("auth/forgot_sent.html")
    return render_template("auth/forgot.html", form=form), form.http_status


def _reset_allowed_for(login: str) -> bool:
    """A few reset mails an hour per account (by name or address) or per typed text. Past it
    the page is the same and nothing is sent: a 429 here would say that a name and an address
    are one account's."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return True
    from limits import parse

    account = accounts.account_for(login)
    key = f"account:{account.id}" if account else "login:" + usernames.key(login.strip()[:254])
    return limiter.limiter.hit(parse(current_app.config["RESET_ACCOUNT_RATE_LIMIT"]), "reset", key)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    if account_mail.reset_user(token) is None:
        return _bad_link("auth.forgot")
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = account_mail.reset_password(token, form.password.data)
        except ServiceError as error:
            if error.field is None:
                return _bad_link("auth.forgot", error.message)
            form.apply_service_error(error)
        else:
            realtime.end_sessions(user_id=user.id)  # every other session is over
            if current_user.is_authenticated:  # someone else's log-in in this browser ends
                accounts.end_session(current_user._get_current_object())
                logout_user()
            return _log_in_after_reset(user, form.password.data)
    return render_template("auth/reset.html", form=form), form.http_status


def _log_in_after_reset(user: User, password: str):
    """Logged in as the log-in page would: a banned member is told why, not let in."""
    try:
        allowed = accounts.authenticate(user.username, password)
    except ServiceError as error:
        flash(_("Your password is changed."), "success")
        flash(error.message, "error")
        return redirect(url_for("auth.login"))
    if allowed is None:  # changed again meanwhile
        return redirect(url_for("auth.login"))
    _log_in(allowed)
    flash(_("Your password is changed. Other sessions are logged out."), "success")
    return redirect(url_for("main.home"))


def _bad_link(ask_again: str, message: object = None):
    return render_template(
        "auth/bad_link.html",
        message=message or account_mail.LINK_REFUSED,
        ask_again=url_for(ask_again),
        ask_for_reset=ask_again == "auth.forgot",
    ), 400


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
