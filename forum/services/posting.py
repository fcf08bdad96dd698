"""Starting threads, replying, editing and deleting posts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from forum import markup, permissions
from forum.database import write_transaction
from forum.models import Board, Post, PostRevision, Thread, ThreadKind, User
from forum.models._time import utcnow
from forum.services import ServiceError

TITLE_MAX = 200
BODY_MAX = 50_000


def start_thread(author: User, board: Board, kind: ThreadKind, title: str, body: str) -> Thread:
    title, body = clean_title(title), clean_body(body)
    permissions.require(author, "start_thread", board)
    with write_transaction() as session:
        now = utcnow()
        thread = Thread(
            board=board,
            author_id=author.id,
            kind=ThreadKind(kind),
            title=title,
            created_at=now,
            last_activity_at=now,
            last_poster_id=author.id,
        )
        session.add(thread)
        session.flush()
        session.add(_new_post(thread, author, body, now, is_opening=True))
    return thread


def reply(author: User, thread: Thread, body: str) -> Post:
    body = clean_body(body)
    permissions.require(author, "reply", thread)
    with write_transaction() as session:
        now = utcnow()
        post = _new_post(thread, author, body, now)
        session.add(post)
        # counters as SQL expressions: concurrent replies never overwrite each other's count
        session.execute(
            update(Thread)
            .where(Thread.id == thread.id)
            .values(
                reply_count=Thread.reply_count + 1,
                last_activity_at=now,
                last_poster_id=author.id,
            )
        )
    return post


def edit_post(editor: User, post: Post, body: str, title: str | None = None) -> Post:
    body = clean_body(body)
    title = clean_title(title) if post.is_opening and title is not None else None
    permissions.require(editor, "edit_post", post)
    if body == post.body_source and title in (None, post.thread.title):
        return post
    with write_transaction() as session:
        session.add(
            PostRevision(
                post_id=post.id,
                editor_id=editor.id,
                title=post.thread.title if post.is_opening else None,
                body_source=post.body_source,
            )
        )
        post.body_source = body
        post.body_html = markup.render(body)
        post.edited_at = utcnow()
        if title is not None:
            post.thread.title = title
    return post


def delete_post(actor: User, post: Post) -> bool:
    """Soft-delete a post. Returns True when the whole thread went with it.

    An opening post with no visible replies takes its thread along: a thread with
    nothing left to read is noise in the board.
    """
    permissions.require(actor, "delete_post", post)
    thread = post.thread
    with write_transaction() as session:
        now = utcnow()
        post.deleted_at, post.deleted_by_id = now, actor.id
        thread_goes = post.is_opening and thread.reply_count == 0
        if thread_goes:
            thread.deleted_at, thread.deleted_by_id = now, actor.id
        elif not post.is_opening:
            session.execute(
                update(Thread)
                .where(Thread.id == thread.id)
                .values(reply_count=Thread.reply_count - 1)
            )
    return thread_goes


def clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ServiceError(_l("Give your thread a title."), "title")
    if len(title) > TITLE_MAX:
        raise ServiceError(_l("Keep the title under %(n)d characters.", n=TITLE_MAX), "title")
    return title


def clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ServiceError(_l("Write something first."), "body")
    if len(body) > BODY_MAX:
        raise ServiceError(_l("Keep posts under %(n)d characters.", n=BODY_MAX), "body")
    return body


def _new_post(thread: Thread, author: User, body: str, now, *, is_opening: bool = False) -> Post:  # noqa: ANN001
    return Post(
        thread_id=thread.id,
        author_id=author.id,
        is_opening=is_opening,
        body_source=body,
        body_html=markup.render(body),
        created_at=now,
    )
