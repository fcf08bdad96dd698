from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import format_datetime
from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError

from forum import usernames
from forum.database import read_once, write_transaction
from forum.extensions import db
from forum.languages import lazy_gettext as _l
from forum.models import LoginSession, User
from forum.models._time import utcnow
from forum.models.users import password_matches
from forum.services import ServiceError

USERNAME_PATTERN = re.compile(r"^\w[\w.-]{1,30}\w$")
USERNAME_MIN, USERNAME_MAX = 3, 32
PASSWORD_MIN, PASSWORD_MAX = 10, 256
USERNAME_RULE = _l("Use 3 to 32 letters, digits, dots, dashes or underscores.")
# Said whether or not the address has an account, and never "taken": who holds which address
# is private. The refusal itself still tells, as long as a new account is made at once and not
# by a link mailed to the address; limits.registrations counts refusals to slow such probing.
EMAIL_REFUSED = _l(
    "We could not create an account with this email address. If you already have an account, "
    "log in; otherwise use another address."
)


class AccountConflict(ServiceError):
    """A name or address that an account holds, or a name that looks like one: it tells
    something of who has an account, so limits.registrations counts it (a 409)."""


def register(
    username: str, email: str, password: str, *, is_admin: bool = False, confirmed: bool = False
) -> User:
    """A new account. Its address is mailed a link to confirm it, unless an operator made the
    account (confirmed=True: `forum create-user`); nothing else is mailed to it before."""
    username, email = usernames.normalised(username), email.strip().lower()
    key, skeleton = usernames.key(username), usernames.skeleton(username)
    # the key too: case folding lengthens some names ("ß" is "ss")
    if not USERNAME_PATTERN.match(username) or len(key) > USERNAME_MAX:
        raise ServiceError(USERNAME_RULE, "username")
    check_password_strength(password)
    with write_transaction() as session:
        like_it = session.scalars(
            select(User.username_key).where(
                or_(User.username_key == key, User.username_skeleton == skeleton)
            )
        ).all()
        if key in like_it:
            raise AccountConflict(_l("That username is taken."), "username")
        if like_it:
            raise AccountConflict(
                _l("That username looks too much like an existing member's."), "username"
            )
        if session.scalar(select(User.id).where(User.email == email)):
            raise AccountConflict(EMAIL_REFUSED, "email")
        user = User(username=username, username_key=key, username_skeleton=skeleton, email=email)
        user.is_admin = is_admin
        user.email_confirmed_at = utcnow() if confirmed else None
        user.set_password(password)
        session.add(user)
        try:
            session.flush()
        except IntegrityError as error:  # a concurrent registration won the race
            raise AccountConflict(
                _l("That username or email address is taken."), "username"
            ) from error
        if not confirmed:
            from forum.services.account_mail import queue_confirmation

            queue_confirmation(session, user, email)
    return user


def authenticate(login: str, password: str) -> User | None:
    """The user for a username or email address and password, or None.

    A banned member with the right password learns why, and until when.
    """
    user = account_for(login)
    if not password_matches(user, password):
        return None
    from forum.services.sanctions import active_ban

    ban = active_ban(user)
    if ban is not None:
        if ban.ends_at is None:
            raise ServiceError(
                _l(
                    "This account is banned until further notice. Reason: %(reason)s",
                    reason=ban.reason,
                )
            )
        raise ServiceError(
            _l(
                "This account is banned until %(until)s. Reason: %(reason)s",
                until=format_datetime(ban.ends_at, "medium"),
                reason=ban.reason,
            )
        )
    return user


def account_for(login: str) -> User | None:
    """The account a username or email address, as typed at log-in, names."""
    login = login.strip()[:254]
    if "\x00" in login:  # no name or address holds NUL (and PostgreSQL refuses to compare it)
        return None
    return read_once(
        ("account", login),
        lambda: db.session.scalar(
            select(User).where(
                or_(User.username_key == usernames.key(login), User.email == login.lower())
            )
        ),
    )


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise ServiceError(_l("Your current password is not correct."), "current_password")
    set_password(user, new)


def set_password(user: User, new: str) -> None:
    """A new password (an operator's `forum set-password`, or after the current one was
    checked): every session and remember cookie of the member stops working, and so does a
    change of address still waiting: one started with a stolen password must not outlive it."""
    check_password_strength(new)
    with write_transaction() as session:
        user.set_password(new)
        user.session_version = User.session_version + 1
        user.pending_email = None
        session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    db.session.refresh(user)


def start_session(user: User) -> None:
    """A new log-in for this browser: its token goes into the cookies through user.get_id().
    The member's log-ins older than the longest a cookie lasts are cleared on the way."""
    token = secrets.token_urlsafe(32)
    with write_transaction() as session:
        session.execute(
            delete(LoginSession).where(
                LoginSession.user_id == user.id, LoginSession.created_at < _oldest_session()
            )
        )
        session.add(LoginSession(token=token, user_id=user.id))
    user.login_token = token


def end_session(user: User) -> None:
    """Log-out: this browser's cookies, and any copy of them, name no session any more."""
    with write_transaction() as session:
        session.execute(delete(LoginSession).where(LoginSession.token == user.login_token))


def session_user(session_id: str) -> User | None:
    """The member a session or remember cookie names ("<id>:<session version>:<token>"), while
    that log-in is on: not logged out, no password change or ban since, not past its age."""
    user_id, _, rest = session_id.partition(":")
    version, _, token = rest.partition(":")
    if not (user_id.isdigit() and version.isdigit() and token):
        return None
    user = db.session.scalar(
        select(User)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(
            User.id == int(user_id),
            User.session_version == int(version),
            LoginSession.token == token,
            LoginSession.created_at >= _oldest_session(),
        )
    )
    if user is not None:
        user.login_token = token
    return user


def _oldest_session() -> datetime:
    lasts = current_app.config["REMEMBER_COOKIE_DURATION"]
    return utcnow() - (lasts if isinstance(lasts, timedelta) else timedelta(seconds=lasts))


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username_key == User.key_for(username)))


def check_password_strength(password: str) -> None:
    if len(password) < PASSWORD_MIN:
        raise ServiceError(_l("Use at least %(n)d characters.", n=PASSWORD_MIN), "password")
    if len(password) > PASSWORD_MAX:
        raise ServiceError(_l("Use at most %(n)d characters.", n=PASSWORD_MAX), "password")
