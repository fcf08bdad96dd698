"""Replies by e-mail: a member answers a notification and their text is posted in the thread.

The mail server hands one message to `forum receive-mail` (forum.cli), which calls receive().
The reply address, reply+<member>-<thread>-<day>-<mac>@FORUM_MAIL_DOMAIN, says who and where;
the From address must be the member's confirmed one. The text goes through
forum.services.posting.reply(), as the web form's does: the same permissions, sanctions,
locked and deleted threads, limits on new accounts, notifications to the author and watchers.

Whatever the message, receive() answers with an outcome word, never an exception for bad
input: "posted"; "refused:<reason>" (nothing posted, a short reply mail says why, at most
MAIL_REFUSALS_PER_HOUR per address); "dropped:<why>" (mail loops and bounces: nothing posted,
nothing sent). TryLater is raised when the database cannot take it now, and the mail server
keeps the message and tries again (exit status 75).
"""

from __future__ import annotations

import re
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from email.utils import getaddresses

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError, OperationalError

from forum import limits, permissions, standing
from forum.database import write_transaction
from forum.extensions import db
from forum.mail import outbox, tokens
from forum.mail.compose import mail_domain, one_line
from forum.mail.inbound_text import new_text
from forum.models import MailOutbox, Post, Thread, User
from forum.models._time import utcnow
from forum.services import ServiceError, browsing, posting

HEAD_BYTES = 64 * 1024  # what is read of an oversized message: its headers
REPLY_ADDRESS = re.compile(
    r"reply\+([0-9a-z]+-[0-9a-z]+-[0-9a-z]+-[0-9a-z]+)@([a-z0-9.-]+)", re.I | re.A
)
MESSAGE_ID = re.compile(r"<[^<>\s]{1,250}>")
LOOP_SENDERS = ("mailer-daemon", "postmaster")


class TryLater(Exception):
    """The forum cannot take the message now (its database is unavailable)."""


def receive(raw: bytes, recipient: str | None = None, now: float | None = None) -> str:
    """Post one mailed reply, or refuse or drop it; returns the outcome word."""
    try:
        return _receive(raw, recipient, now)
    except (OperationalError, DBAPIError) as error:
        db.session.rollback()
        if isinstance(error, OperationalError) or error.connection_invalidated:
            raise TryLater(str(error.orig or error)[:200]) from None
        raise


def _receive(raw: bytes, recipient: str | None, now: float | None) -> str:
    too_big = len(raw) > current_app.config["MAIL_INBOUND_MAX_BYTES"]
    try:
        if too_big:  # the headers alone: enough to say why it is refused, and to whom
            message = BytesHeaderParser(policy=policy.default).parsebytes(raw[:HEAD_BYTES])
        else:
            message = BytesParser(policy=policy.default).parsebytes(raw)
    except (RecursionError, ValueError, LookupError):  # thousands of nested parts, and such
        return "dropped:malformed"
    loop = _loop(message)
    if loop:
        return f"dropped:{loop}"
    sender = _sender(message)
    if sender is None:
        return "dropped:no-sender"
    if sender.lower() == _own_address().lower():
        return "dropped:own-address"
    refuse = _Refusal(message, sender)
    if too_big:
        return refuse("too_big")
    found = _reply_token(message, recipient, now)
    member = db.session.get(User, found[0]) if found else None
    if member is None:
        return refuse("bad_token")
    if member.email_confirmed_at is None or member.email.lower() != sender.lower():
        return refuse("bad_sender")
    refuse.member = member
    thread = browsing.get_thread(found[1])
    reason = _why_not(member, thread)
    if reason:
        return refuse(reason, thread)
    text = new_text(message, scanned=2 * posting.BODY_MAX)
    if not text:
        return refuse("empty", thread)
    if len(text) > posting.BODY_MAX:
        return refuse("too_long", thread)
    allowance = limits.new_account_reply_allowance
    if allowance.refuses(member, lambda window: _replies_within(member, window)):
        return refuse("rate_limited", thread)
    try:
        posting.reply(member, thread, text)
    except permissions.Denied:
        return refuse("not_allowed", thread)
    except ServiceError:  # a text too complex to render, like the web form's
        return refuse("invalid", thread)
    allowance.count(member)
    return "posted"


def _header(message: EmailMessage, name: str) -> list[str]:
    """Every value of a header as text; a header too damaged to parse reads as its raw text."""
    values = []
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            try:
                values.append(str(message.policy.header_fetch_parse(key, value)))
            except Exception:  # a damaged encoded word, an impossible address list
                values.append(str(value))
    return values


def _first(message: EmailMessage, name: str) -> str:
    values = _header(message, name)
    return values[0].strip() if values else ""


def _loop(message: EmailMessage) -> str | None:
    """Why a message is an automatic one that must get no answer, or None."""
    auto = _first(message, "Auto-Submitted").split(";")[0].strip().lower()
    if auto and auto != "no":
        return "auto-submitted"
    if _first(message, "Precedence").lower() in {"bulk", "junk", "list"}:
        return "precedence"
    if any(path.strip() in ("", "<>") for path in _header(message, "Return-Path")):
        return "bounce"
    if message.get_content_type() == "multipart/report":
        return "bounce"
    if _header(message, "X-Autoreply") or _header(message, "X-Autorespond"):
        return "auto-reply"
    suppress = _first(message, "X-Auto-Response-Suppress").lower()
    if "all" in suppress or "autoreply" in suppress or "oof" in suppress:
        return "auto-reply"
    for _name, address in getaddresses(_header(message, "From")):
        if address.partition("@")[0].lower() in LOOP_SENDERS:
            return "bounce"
    return None


def _sender(message: EmailMessage) -> str | None:
    """The one From address, or None when there is none (or several)."""
    addresses = [address for _name, address in getaddresses(_header(message, "From")) if address]
    if len(addresses) != 1:
        return None
    address = addresses[0].strip()
    if len(address) > 254 or "@" not in address or re.search(r"[\s\x00-\x1f\x7f<>]", address):
        return None
    return address


def _own_address() -> str:
    return getaddresses([current_app.config["MAIL_FROM"]])[0][1]


def _reply_token(
    message: EmailMessage, recipient: str | None, now: float | None
) -> tuple[int, int] | None:
    """(member, thread) from the envelope recipient, else the headers that name it."""
    places = [recipient] if recipient else []
    for name in ("Delivered-To", "X-Original-To", "To", "Cc"):
        places.extend(_header(message, name))
    domain = mail_domain().lower()
    for place in places:
        for token, host in REPLY_ADDRESS.findall(place or ""):
            if host.lower() == domain:
                found = tokens.read_reply_token(token, now=now)
                if found:
                    return found
    return None


def _why_not(member: User, thread: Thread | None) -> str | None:
    """The reason code of a refused reply; the reply service checks again as it posts."""
    if thread is None or thread.is_deleted:
        return "deleted"
    if not permissions.may("view_thread", thread, user=member):
        return "not_allowed"
    if permissions.why_not(member, "reply", thread) is None:
        return None
    mine = standing.of(member)
    if mine.ban:
        return "banned"
    if thread.board.network_id in mine.suspensions:
        return "suspended"
    if thread.is_locked:
        return "locked"
    return "archived" if thread.board.is_archived else "not_allowed"


def _replies_within(member: User, window: timedelta) -> int:
    return db.session.scalar(
        select(func.count(Post.id)).where(
            Post.author_id == member.id,
            Post.is_opening.is_(False),
            Post.created_at >= utcnow() - window,
        )
    )


class _Refusal:
    """Refuses a message: a short reply mail says why, only to a member's confirmed address
    (a From anyone can forge must not make the forum mail strangers: backscatter) and at most
    MAIL_REFUSALS_PER_HOUR to it."""

    def __init__(self, message: EmailMessage, sender: str) -> None:
        self.message, self.sender = message, sender
        self.member: User | None = None

    def __call__(self, reason: str, thread: Thread | None = None) -> str:
        message_id = MESSAGE_ID.search(_first(self.message, "Message-ID"))
        data = {
            "reason": reason,
            "subject": one_line(_first(self.message, "Subject")),
            "message_id": message_id.group() if message_id else None,
            "thread_id": thread.id if thread is not None and self.member else None,
        }
        member = self.member or self._member_by_address()
        if member is None:
            return f"refused:{reason}"
        with write_transaction() as session:
            if self._refused_lately(session) < current_app.config["MAIL_REFUSALS_PER_HOUR"]:
                outbox.queue(
                    session, "refusal", user_id=member.id, to_address=self.sender, data=data
                )
        return f"refused:{reason}"

    def _member_by_address(self) -> User | None:
        return db.session.scalar(
            select(User).where(
                func.lower(User.email) == self.sender.lower(),
                User.email_confirmed_at.is_not(None),
            )
        )

    def _refused_lately(self, session) -> int:  # noqa: ANN001
        """Counted in the outbox, not the limiter's store: each message is a process of its
        own, and a memory store would forget between them."""
        return session.scalar(
            select(func.count(MailOutbox.id)).where(
                MailOutbox.kind == "refusal",
                func.lower(MailOutbox.to_address) == self.sender.lower(),
                MailOutbox.created_at >= utcnow() - timedelta(hours=1),
            )
        )
