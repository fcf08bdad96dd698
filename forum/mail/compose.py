"""Composing a message: a kind's composer says what to send, this module makes it a safe e-mail.

Each kind of mail has one composer (registered with @composer), called when the message is
sent, with the outbox rows it covers and their member: it returns a Letter (or None when
nothing is left to say: the notifications were read, the member turned the kind off). The
Letter is rendered here from templates/mail/<template>.txt and .html in the member's
language, with absolute links to FORUM_BASE_URL, headers on one line, and the unsubscribe
headers of RFC 8058 on everything but account mail.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formataddr, parseaddr
from typing import Any

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_mailman import EmailMultiAlternatives

from forum import languages
from forum.mail import tokens
from forum.models import MailOutbox, User

SUBJECT_MAX = 150
LOCAL_BASE_URL = "http://127.0.0.1:5000"  # the run command's address, without FORUM_BASE_URL
# what an address may be mailed before it is confirmed: only what confirms or protects it
ACCOUNT_KINDS = frozenset(
    {"confirm_address", "address_changed", "password_reset", "refusal", "mail_check"}
)


@dataclass
class Letter:
    subject: str
    template: str  # templates/mail/<template>.txt and .html
    context: dict[str, Any] = field(default_factory=dict)
    # the notification kind (or "digest") its unsubscribe link turns off; None: account mail
    unsubscribe: str | None = None
    reply_to: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


Composer = Callable[[list[MailOutbox], User | None], Letter | None]
_COMPOSERS: dict[str, Composer] = {}


def composer(kind: str) -> Callable[[Composer], Composer]:
    def register(function: Composer) -> Composer:
        _COMPOSERS[kind] = function
        return function

    return register


def one_line(text: object, limit: int = SUBJECT_MAX) -> str:
    """A header value from user text: every line break and control character a space."""
    flat = re.sub(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+", " ", str(text))
    flat = re.sub(r"\s+", " ", flat).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def recipient(row: MailOutbox, user: User | None) -> str | None:
    """Who a row goes to: a member's confirmed address, or, for account mail alone, the
    address the row names (the one being confirmed, the old one told of a change)."""
    if row.kind in ACCOUNT_KINDS and row.to_address:
        return row.to_address
    if user is not None and user.email_confirmed_at is not None:
        return user.email
    return None


def build(rows: list[MailOutbox], user: User | None) -> EmailMultiAlternatives | None:
    """The message for these rows (all of one kind and member), or None if there is nothing
    to send."""
    first = rows[0]
    address = recipient(first, user)
    if address is None:
        return None
    make = _COMPOSERS[first.kind]
    locale = user.locale if user is not None and languages.is_supported(user.locale) else "en"
    with current_app.test_request_context(base_url=base_url()), force_locale(locale):
        letter = make(rows, user)
        if letter is None:
            return None
        return _message(letter, address, user, locale, message_id(first))


def message_id(row: MailOutbox) -> str:
    """The same for every attempt at one message: a copy sent again after a sender died
    mid-send can be recognised by the receiving side."""
    return f"<forum.{row.id}.{row.created_at:%Y%m%d%H%M%S}@{mail_domain()}>"


def _message(letter: Letter, address: str, user: User | None, locale: str, msgid: str) -> Any:
    context = {
        **letter.context,
        "member": user,
        "direction": languages.direction(locale),
        "language": locale,
        "settings_url": url_for("notifications.settings", _external=True),
        "home_url": url_for("main.home", _external=True),
    }
    headers = {"Auto-Submitted": "auto-generated", "Message-ID": msgid}
    if letter.unsubscribe and user is not None:
        token = tokens.sign("unsubscribe", [user.id, letter.unsubscribe])
        link = url_for("mail.unsubscribe", token=token, _external=True)
        context["unsubscribe_url"] = link
        headers["List-Unsubscribe"] = f"<{link}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    headers.update({name: one_line(value, 998) for name, value in letter.headers.items()})
    message = EmailMultiAlternatives(
        subject=one_line(letter.subject),
        body=render_template(f"mail/{letter.template}.txt", **context),
        from_email=current_app.config["MAIL_FROM"],
        to=[to_header(user.shown_name if user else "", address)],
        reply_to=[letter.reply_to] if letter.reply_to else None,
        headers=headers,
    )
    message.attach_alternative(
        render_template(f"mail/{letter.template}.html", **context), "text/html"
    )
    return message


def base_url() -> str:
    return (current_app.config["BASE_URL"] or LOCAL_BASE_URL).rstrip("/")


def to_header(name: str, address: str) -> str:
    return formataddr((one_line(name, 80), address))


def mail_domain() -> str:
    configured = current_app.config.get("MAIL_DOMAIN")
    if configured:
        return configured
    address = parseaddr(current_app.config["MAIL_FROM"])[1]
    return address.rpartition("@")[2] or "localhost"


def reply_address(user_id: int, thread_id: int) -> str:
    return f"reply+{tokens.reply_token(user_id, thread_id)}@{mail_domain()}"
