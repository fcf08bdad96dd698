"""What an account's mail decides: confirming an address, changing it, resetting a password.

The links themselves are made when the mail is composed (forum.mail.account_letters), so no
secret sits in the mail outbox; here they are checked when followed. A confirmation link
names [member, address] and works while that address is still the one waiting; a reset link
names [member, fingerprint of the password hash and address] and stops working once the
password (or the address) changes: it is good for one use.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from forum.database import write_transaction
from forum.extensions import db
from forum.languages import lazy_gettext as _l
from forum.mail import outbox, tokens
from forum.models import LoginSession, User
from forum.models._time import utcnow
from forum.services import ServiceError
from forum.services.accounts import account_for, check_password_strength

CONFIRM, RESET = "confirm", "reset"
LINK_REFUSED = _l("This link is not valid any more. It may be too old, or already used.")
ADDRESS_TAKEN = _l(
    "Another account now uses this address, so it cannot become yours. Your address is unchanged."
)


def masked(address: str) -> str:
    """a***@example.org: enough for the owner to recognise, little for anyone else."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


def queue_confirmation(session: object, user: User, address: str) -> None:
    """In the caller's transaction: a link to confirm this address (made when it is sent)."""
    outbox.queue(session, "confirm_address", user_id=user.id, to_address=address)


def address_to_confirm(user: User) -> str | None:
    """The address a confirmation link would confirm now: a new one waiting, else the
    account's own address until it is confirmed."""
    if user.pending_email:
        return user.pending_email
    return user.email if user.email_confirmed_at is None else None


def send_confirmation_again(user: User) -> str | None:
    """A fresh link to the address waiting for confirmation; None when none waits."""
    address = address_to_confirm(user)
    if address is None:
        return None
    with write_transaction() as session:
        if _held_by_another(user, address):
            return address  # as if sent: who holds which address is private
        queue_confirmation(session, user, address)
    return address


# -- confirming ------------------------------------------------------------------------------


def confirmation_for(token: str) -> tuple[User, str] | None:
    """The member and address a confirmation link names, while it can still confirm it."""
    value = tokens.unsign(CONFIRM, token, tokens.CONFIRM_AGE)
    if not (isinstance(value, list) and len(value) == 2):
        return None
    user_id, address = value
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or address != address_to_confirm(user):
        return None
    return user, address


def confirm(token: str) -> User:
    """Follow a confirmation link: the address is the account's, confirmed."""
    found = confirmation_for(token)
    if found is None:
        raise ServiceError(LINK_REFUSED)
    user, address = found
    if address != user.email and _held_by_another(user, address):
        raise ServiceError(ADDRESS_TAKEN)
    try:
        with write_transaction():
            if address != user.email:
                user.email, user.pending_email = address, None
            user.email_confirmed_at = utcnow()
    except IntegrityError as error:  # another account took it a moment ago
        raise ServiceError(ADDRESS_TAKEN) from error
    return user


def _held_by_another(user: User, address: str) -> bool:
    return (
        db.session.scalar(select(User.id).where(User.email == address, User.id != user.id))
        is not None
    )


# -- changing the address --------------------------------------------------------------------


def change_address(user: User, password: str, new_address: str) -> str:
    """Keep the new address waiting and mail it a link; the confirmed old one is told.

    An address another account holds gets no mail, and the answer is the same as for any
    other: who holds which address is private. Returns the address shown to the member."""
    if not user.check_password(password):
        raise ServiceError(_l("Your current password is not correct."), "current_password")
    address = new_address.strip().lower()
    if address == user.email:
        raise ServiceError(_l("This is already your address."), "email")
    with write_transaction() as session:
        user.pending_email = address
        if not _held_by_another(user, address):
            queue_confirmation(session, user, address)
        if user.email_confirmed_at is not None:
            outbox.queue(
                session,
                "address_changed",
                user_id=user.id,
                to_address=user.email,
                data={"new": masked(address)},
            )
    return address


def cancel_address_change(user: User) -> None:
    with write_transaction():
        user.pending_email = None


# -- resetting the password ------------------------------------------------------------------


def request_reset(login: str) -> None:
    """Mail a reset link to the account a username or address names; nothing (and no sign of
    it) when none does. The link is made when the mail is composed, off this request."""
    user = account_for(login)
    with write_transaction() as session:
        # the same write either way, so the answer's time does not tell either: a row for no
        # account names no one and is skipped by the sender
        outbox.queue(
            session,
            "password_reset",
            user_id=user.id if user else None,
            to_address=user.email if user else None,
        )


def fingerprint(user: User) -> str:
    """Changes when the password or the address does: a reset link's single use."""
    key = current_app.config["SECRET_KEY"].encode() + b"/password-reset"
    text = f"{user.password_hash}\n{user.email}".encode()
    return hmac.new(key, text, hashlib.sha256).hexdigest()[:24]


def reset_token(user: User) -> str:
    return tokens.sign(RESET, [user.id, fingerprint(user)])


def reset_user(token: str) -> User | None:
    """The member a reset link is for, while it is unused and under RESET_AGE old."""
    value = tokens.unsign(RESET, token, tokens.RESET_AGE)
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int)):
        return None
    user = db.session.get(User, value[0])
    if user is None or not hmac.compare_digest(str(value[1]), fingerprint(user)):
        return None
    return user


def reset_password(token: str, password: str) -> User:
    """A new password from a reset link: every session ends, and the address, which the link
    reached, is confirmed. The caller logs this browser in."""
    user = reset_user(token)
    if user is None:
        raise ServiceError(LINK_REFUSED)
    check_password_strength(password)
    with write_transaction() as session:
        user.set_password(password)
        user.session_version = User.session_version + 1
        user.pending_email = None  # a change of address started by whoever had the password
        if user.email_confirmed_at is None:
            user.email_confirmed_at = utcnow()
        session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    db.session.refresh(user)
    return user
