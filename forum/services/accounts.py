from __future__ import annotations

import re

from flask_babel import format_datetime
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from forum.database import write_transaction
from forum.extensions import db
from forum.languages import lazy_gettext as _l
from forum.models import User
from forum.services import ServiceError

USERNAME_PATTERN = re.compile(r"^\w[\w.-]{1,30}\w$")
USERNAME_MIN, USERNAME_MAX = 3, 32
PASSWORD_MIN, PASSWORD_MAX = 10, 256
USERNAME_RULE = _l("Use 3 to 32 letters, digits, dots, dashes or underscores.")


def register(username: str, email: str, password: str, *, is_admin: bool = False) -> User:
    username, email = username.strip(), email.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise ServiceError(USERNAME_RULE, "username")
    _check_password_strength(password)
    with write_transaction() as session:
        if session.scalar(select(User.id).where(User.username_key == User.key_for(username))):
            raise ServiceError(_l("That username is taken."), "username")
        if session.scalar(select(User.id).where(User.email == email)):
            raise ServiceError(_l("An account with that email address already exists."), "email")
        user = User(username=username, username_key=User.key_for(username), email=email)
        user.is_admin = is_admin
        user.set_password(password)
        session.add(user)
        try:
            session.flush()
        except IntegrityError as error:  # a concurrent registration won the race
            raise ServiceError(
                _l("That username or email address is taken."), "username"
            ) from error
    return user


def authenticate(login: str, password: str) -> User | None:
    """The user for a username or email address and password, or None.

    A banned member with the right password learns why, and until when.
    """
    login = login.strip()
    user = db.session.scalar(
        select(User).where(
            or_(User.username_key == User.key_for(login), User.email == login.lower())
        )
    )
    if user is None or not user.check_password(password):
        return None
    from forum.services.sanctions import active_ban

    ban = active_ban(user)
    if ban is not None:
        until = format_datetime(ban.ends_at, "medium") if ban.ends_at else _l("further notice")
        raise ServiceError(
            _l(
                "This account is banned until %(until)s. Reason: %(reason)s",
                until=until,
                reason=ban.reason,
            )
        )
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise ServiceError(_l("Your current password is not correct."), "current_password")
    _check_password_strength(new)
    with write_transaction():
        user.set_password(new)
        user.session_version = User.session_version + 1
    db.session.refresh(user)


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username_key == User.key_for(username)))


def _check_password_strength(password: str) -> None:
    if len(password) < PASSWORD_MIN:
        raise ServiceError(_l("Use at least %(n)d characters.", n=PASSWORD_MIN), "password")
    if len(password) > PASSWORD_MAX:
        raise ServiceError(_l("Use at most %(n)d characters.", n=PASSWORD_MAX), "password")
