"""A notification by mail, a few minutes after it was made, if the member has not read it.

Composed when sent: notifications read on the site meanwhile, about what was hidden or
deleted since, or of a kind the member no longer wants at once, are left out; nothing left,
no message. Several in one thread make one message, threaded by mail clients under the
thread's own Message-ID, with a Reply-To that posts a reply (forum receive-mail).
"""

from __future__ import annotations

import re
from typing import Any

from flask import url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from forum import permissions
from forum.extensions import db
from forum.mail import settings
from forum.mail.compose import Letter, base_url, composer, mail_domain, reply_address
from forum.markup import html_to_text
from forum.models import (
    Board,
    ExpertVerification,
    MailOutbox,
    Notification,
    NotificationKind,
    Post,
    Thread,
    User,
)
from forum.services import inbox

_RELATIVE_LINK = re.compile(r'(\s(?:href|src)=")/(?!/)')


def absolute_links(stored_html: str) -> Markup:
    """A post's stored, sanitised HTML with its links to the forum made absolute."""
    base = str(escape(base_url()))
    made = _RELATIVE_LINK.sub(lambda m: f"{m.group(1)}{base}/", stored_html)
    return Markup(made)  # noqa: S704  (sanitised at write time, markup.render)


def thread_message_id(thread_id: int) -> str:
    return f"<thread-{thread_id}@{mail_domain()}>"


def visible(notification: Notification, post: Post | None) -> bool:
    """Still there to read: moderators' decisions always are (they are about what is gone)."""
    if notification.kind == NotificationKind.moderation:
        return True
    thread = notification.thread
    if thread is not None and thread.is_deleted:
        return False
    return post is None or not (post.is_hidden or post.is_deleted)


def load(ids: list[int]) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.id.in_(ids))
            .options(
                joinedload(Notification.actor),
                joinedload(Notification.recipient),
                joinedload(Notification.thread).joinedload(Thread.board),
            )
            .order_by(Notification.id)
        ).unique()
    )


def posts_of(notifications: list[Notification]) -> dict[int, Post]:
    ids = [n.post_id for n in notifications if n.post_id]
    if not ids:
        return {}
    return {p.id: p for p in db.session.scalars(select(Post).where(Post.id.in_(ids)))}


def verified_themes(user_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(ExpertVerification.theme_id).where(
                ExpertVerification.user_id == user_id, ExpertVerification.revoked_at.is_(None)
            )
        )
    )


def wanted(user: User, notification: Notification, mode: str, verified: set[int]) -> bool:
    thread = notification.thread
    board: Board | None = thread.board if thread is not None else None
    expert = board is not None and board.theme_id in verified
    kind = notification.kind.value
    return settings.choice(user.mail_choices, kind, verified_expert=expert) == mode


def item(notification: Notification, post: Post | None) -> dict[str, Any]:
    """What a message says of one notification: its sentence and, if it is about a post one
    may read, the post's words (sanitised HTML, and plain text)."""
    show_post = post is not None and notification.kind != NotificationKind.moderation
    url = url_for("notifications.inbox_page", _external=True)
    if notification.post_id:
        url = url_for("threads.permalink", post_id=notification.post_id, _external=True)
    elif notification.thread_id:
        url = url_for("threads.show", thread_id=notification.thread_id, _external=True)
    elif notification.kind == NotificationKind.event and notification.data.get("event_id"):
        url = url_for("events.page", event_id=notification.data["event_id"], _external=True)
    return {
        "sentence": inbox.sentence(notification),
        "when": format_datetime(notification.created_at, "medium"),
        "url": url,
        "html": absolute_links(post.body_html) if show_post else None,
        "text": html_to_text(post.body_html) if show_post else "",
        "language": post.language if show_post else None,
    }


@composer("notification")
def notification_letter(rows: list[MailOutbox], user: User | None) -> Letter | None:
    if user is None:
        return None
    ids = [row.data.get("notification_id") for row in rows]
    notifications = load([i for i in ids if isinstance(i, int)])
    posts = posts_of(notifications)
    verified = verified_themes(user.id)
    kept = [
        n
        for n in notifications
        if n.recipient_id == user.id
        and n.read_at is None
        and visible(n, posts.get(n.post_id))
        and wanted(user, n, settings.NOW, verified)
    ]
    if not kept:
        return None
    items = [item(n, posts.get(n.post_id)) for n in kept]
    thread = kept[0].thread
    if thread is None:
        return Letter(
            subject=items[0]["sentence"],
            template="notification",
            context={"items": items, "thread": None},
            unsubscribe=kept[0].kind.value,
        )
    reply_to = None
    if not thread.is_deleted and permissions.why_not(user, "reply", thread) is None:
        reply_to = reply_address(user.id, thread.id)
    reference = thread_message_id(thread.id)
    return Letter(
        subject=_("Re: %(title)s [%(board)s]", title=thread.title, board=thread.board.name),
        template="notification",
        context={
            "items": items,
            "thread": thread,
            "thread_url": url_for("threads.show", thread_id=thread.id, _external=True),
            "can_reply": reply_to is not None,
        },
        unsubscribe=kept[-1].kind.value,
        reply_to=reply_to,
        headers={"In-Reply-To": reference, "References": reference},
    )
