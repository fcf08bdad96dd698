"""The digest: a member's period on the forum in one message, composed when it is sent.

New threads and good practices in the boards they watch and the themes of their expertise,
open questions in their expertise, the most helpful replies of the period there, and their
unread notifications of the kinds they want in the digest. Nothing to say: no message.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import Select, or_, select, union
from sqlalchemy.orm import joinedload

from forum.extensions import db
from forum.mail import settings
from forum.mail.compose import Letter, composer
from forum.mail.notification_letters import (
    absolute_links,
    load,
    posts_of,
    verified_themes,
    visible,
    wanted,
)
from forum.markup import html_to_text
from forum.models import (
    Board,
    ExpertiseClaim,
    ExpertVerification,
    MailOutbox,
    Notification,
    Post,
    Thread,
    ThreadKind,
    User,
    Watch,
)
from forum.services import inbox, qa

NEW_THREADS = 10
OPEN_QUESTIONS = 5
HELPFUL = 3
NOTIFICATIONS = 20


def _boards_of(user: User) -> Select:
    """Boards the member watches (not muted), and every board of their themes."""
    themes = union(
        select(ExpertiseClaim.theme_id).where(ExpertiseClaim.user_id == user.id),
        select(ExpertVerification.theme_id).where(
            ExpertVerification.user_id == user.id, ExpertVerification.revoked_at.is_(None)
        ),
    )
    watched = select(Watch.board_id).where(
        Watch.user_id == user.id, Watch.board_id.is_not(None), Watch.watching.is_(True)
    )
    return select(Board.id).where(or_(Board.id.in_(watched), Board.theme_id.in_(themes)))


def _thread_item(thread: Thread) -> dict[str, Any]:
    return {
        "title": thread.title,
        "board": thread.board.name,
        "kind": thread.kind.value,
        "url": url_for("threads.show", thread_id=thread.id, _external=True),
    }


def new_threads(user: User, start: datetime, end: datetime) -> list[Thread]:
    return list(
        db.session.scalars(
            select(Thread)
            .where(
                Thread.board_id.in_(_boards_of(user)),
                Thread.created_at >= start,
                Thread.created_at < end,
                Thread.deleted_at.is_(None),
                Thread.author_id != user.id,
            )
            .options(joinedload(Thread.board))
            .order_by(Thread.kind == ThreadKind.good_practice, Thread.created_at.desc())
            .limit(NEW_THREADS)
        )
    )


def open_questions(user: User, listed: set[int]) -> list[Thread]:
    query = qa.unanswered_for(user).where(Thread.id.not_in(listed or {0}))
    return list(db.session.scalars(query.options(joinedload(Thread.board)).limit(OPEN_QUESTIONS)))


def helpful_replies(user: User, start: datetime, end: datetime) -> list[Post]:
    return list(
        db.session.scalars(
            select(Post)
            .join(Thread, Thread.id == Post.thread_id)
            .where(
                Thread.board_id.in_(_boards_of(user)),
                Thread.deleted_at.is_(None),
                Post.is_opening.is_(False),
                Post.deleted_at.is_(None),
                Post.hidden_at.is_(None),
                Post.vote_count > 0,
                Post.created_at >= start,
                Post.created_at < end,
            )
            .options(joinedload(Post.thread).joinedload(Thread.board), joinedload(Post.author))
            .order_by(Post.vote_count.desc(), Post.id)
            .limit(HELPFUL)
        ).unique()
    )


def digest_notifications(user: User, start: datetime) -> list[dict[str, Any]]:
    ids = db.session.scalars(
        select(Notification.id)
        .where(
            Notification.recipient_id == user.id,
            Notification.read_at.is_(None),
            Notification.created_at >= start,
        )
        .order_by(Notification.id.desc())
        .limit(NOTIFICATIONS)
    ).all()
    notifications = load(list(ids))
    posts = posts_of(notifications)
    verified = verified_themes(user.id)
    return [
        {
            "sentence": inbox.sentence(n),
            "url": url_for("threads.permalink", post_id=n.post_id, _external=True)
            if n.post_id
            else url_for("notifications.inbox_page", _external=True),
        }
        for n in notifications
        if visible(n, posts.get(n.post_id)) and wanted(user, n, settings.DIGEST, verified)
    ]


@composer("digest")
def digest_letter(rows: list[MailOutbox], user: User | None) -> Letter | None:
    if user is None or user.digest_every not in settings.DIGEST_PERIOD:
        return None
    data = rows[-1].data
    start, end = datetime.fromisoformat(data["start"]), datetime.fromisoformat(data["end"])
    threads = new_threads(user, start, end)
    questions = open_questions(user, {t.id for t in threads})
    replies = helpful_replies(user, start, end)
    notes = digest_notifications(user, start)
    if not (threads or questions or replies or notes):
        return None
    first, last = format_date(start, "long"), format_date(end, "long")
    period = _("%(start)s to %(end)s", start=first, end=last)
    return Letter(
        subject=_("Your OSH e-Forum digest, %(period)s", period=period),
        template="digest",
        context={
            "period": period,
            "threads": [_thread_item(t) for t in threads],
            "questions": [_thread_item(t) for t in questions],
            "replies": [
                {
                    **_thread_item(p.thread),
                    "url": url_for("threads.permalink", post_id=p.id, _external=True),
                    "author": p.author.shown_name,
                    "votes": p.vote_count,
                    "html": absolute_links(p.body_html),
                    "text": html_to_text(p.body_html),
                    "language": p.language,
                }
                for p in replies
            ],
            "notifications": notes,
        },
        unsubscribe="digest",
    )
