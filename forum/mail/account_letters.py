"""Account mail: confirming an address, telling the old one of a change, resetting a password.

Links are signed here, when the mail is sent, from the member as they are then: a row queued
for an address that is no longer the one waiting (or a reset for an address the account left)
is skipped rather than sent.
"""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from forum.mail import tokens
from forum.mail.compose import Letter, composer
from forum.models import MailOutbox, User
from forum.services import account_mail


@composer("confirm_address")
def confirm_address(rows: list[MailOutbox], user: User | None) -> Letter | None:
    address = rows[-1].to_address
    if user is None or address is None or address != account_mail.address_to_confirm(user):
        return None
    token = tokens.sign(account_mail.CONFIRM, [user.id, address])
    return Letter(
        subject=_("Confirm your address for the OSH e-Forum"),
        template="confirm_address",
        context={
            "link": url_for("auth.confirm", token=token, _external=True),
            "address": address,
            "days": tokens.CONFIRM_AGE // 86400,
            "is_new": address != user.email,
        },
    )


@composer("address_changed")
def address_changed(rows: list[MailOutbox], user: User | None) -> Letter | None:
    if user is None:
        return None
    return Letter(
        subject=_("Your OSH e-Forum address is being changed"),
        template="address_changed",
        context={
            "new_address": rows[-1].data.get("new", ""),
            "forgot_url": url_for("auth.forgot", _external=True),
        },
    )


@composer("password_reset")
def password_reset(rows: list[MailOutbox], user: User | None) -> Letter | None:
    if user is None or rows[-1].to_address != user.email:
        return None
    token = account_mail.reset_token(user)
    return Letter(
        subject=_("Reset your OSH e-Forum password"),
        template="password_reset",
        context={
            "link": url_for("auth.reset", token=token, _external=True),
            "minutes": tokens.RESET_AGE // 60,
        },
    )
