"""Nothing lost from the index: changes are written down with the content, indexed after commit.

A session listener notices every new or changed post, thread and accepted answer and adds
a SearchOutbox row to the same flush, so no service can forget to. Once the transaction has
committed, drain() takes the index's write lock and indexes what the outbox holds, reading
the database as it is then. If the index cannot be written the rows stay pending and the
next drain (another request's, the server's background drainer, `forum reindex`) catches up.
Institutions are written down by the service that changes them (institution_changed()).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import delete, event, func, insert, literal, select, update
from sqlalchemy.orm import Session

from forum.database import after_commit, run_every, write_transaction
from forum.extensions import db
from forum.models import (
    AcceptedAnswer,
    Attachment,
    Board,
    Post,
    SearchOutbox,
    Thread,
)
from forum.models._time import utcnow
from forum.search import documents, institution_documents
from forum.search.backend import IndexBusy, IndexWriter

logger = logging.getLogger(__name__)

LOCK_TIMEOUT = 5.0  # seconds a writer waits for another process's index write
BATCH = 500
KEEP_INDEXED = timedelta(days=1)  # a rebuild replays what changed while it ran
DRAIN_EVERY = 2.0  # seconds, the server's background drainer

# what a post or thread document holds: a change to any of these is re-indexed
POST_FIELDS = ("body_html", "hidden_at", "deleted_at", "thread_id")
THREAD_FIELDS = ("title", "board_id", "kind", "is_answered", "deleted_at")
ATTACHMENT_FIELDS = ("removed_at", "name", "post_id")


def _changed(obj: Any, names: Iterable[str]) -> bool:
    state = db.inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def collect_changes(session: Session, _context: object, _instances: object) -> None:
    """before_flush: one outbox row per post or thread whose document changes."""
    rows = []
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Post) and (obj in session.new or _changed(obj, POST_FIELDS)):
            if obj.thread_id is None:  # a new thread's opening post: ids come with the flush
                rows.append(SearchOutbox(thread=obj.thread, post=obj))
            else:
                rows.append(SearchOutbox(thread_id=obj.thread_id, post=obj))
        elif isinstance(obj, Thread) and obj not in session.new and _changed(obj, THREAD_FIELDS):
            rows.append(SearchOutbox(thread_id=obj.id))
        elif isinstance(obj, AcceptedAnswer):  # which reply is accepted: the whole thread
            rows.append(SearchOutbox(thread_id=obj.thread_id))
        elif isinstance(obj, Attachment) and (
            obj in session.new or _changed(obj, ATTACHMENT_FIELDS)
        ):
            rows += _attachment_change(session, obj)
    if rows:
        session.add_all(rows)
        after_commit(drain_committed)


def _attachment_change(session: Session, attachment: Attachment) -> list[SearchOutbox]:
    """A file attached to a post, renamed, or taken off it: the post's document changes (on
    a new post, its own row covers it)."""
    post = attachment.__dict__.get("post")  # set, not loaded: the relationship raises
    if post is not None and post in session.new:
        return []
    now = post.id if post is not None else attachment.post_id
    post_ids = {now, *db.inspect(attachment).attrs["post_id"].history.deleted}
    post_ids.discard(None)
    if not post_ids:
        return []
    with session.no_autoflush:
        posts = session.execute(select(Post.id, Post.thread_id).where(Post.id.in_(post_ids)))
        return [SearchOutbox(thread_id=thread_id, post_id=post_id) for post_id, thread_id in posts]


def member_threads_changed(session: Session, user_id: int, theme_id: int) -> None:
    """A member's expertise in a theme changed: their posts there gain or lose the mark."""
    threads = (
        select(Post.thread_id, literal(utcnow()))
        .join(Thread, Thread.id == Post.thread_id)
        .join(Board, Board.id == Thread.board_id)
        .where(Post.author_id == user_id, Board.theme_id == theme_id)
        .distinct()
    )
    session.execute(
        insert(SearchOutbox).from_select([SearchOutbox.thread_id, SearchOutbox.created_at], threads)
    )
    after_commit(drain_committed)


def institution_changed(session: Session, institution_id: int) -> None:
    """An institution was made or edited: its document is written again after the commit."""
    session.add(SearchOutbox(institution_id=institution_id))
    after_commit(drain_committed)


def _pending(up_to: int | None) -> list:
    conditions = [SearchOutbox.indexed_at.is_(None)]
    if up_to is not None:
        conditions.append(SearchOutbox.id <= up_to)
    return conditions


def has_pending(up_to: int | None = None) -> bool:
    query = select(SearchOutbox.id).where(*_pending(up_to)).limit(1)
    return db.session.scalar(query) is not None


def drain_committed() -> int:
    """After a commit: index up to the changes just written, not what others write meanwhile
    (under steady posting that would keep one request draining for everyone)."""
    return drain(up_to=db.session.scalar(select(func.max(SearchOutbox.id))))


def drain(up_to: int | None = None) -> int:
    """Index pending changes (up to an outbox id); returns how many. IndexBusy leaves them
    for later."""
    from forum.search import backend

    done = 0
    try:
        while has_pending(up_to):
            db.session.commit()  # no connection held while waiting for the index
            with backend().writer(LOCK_TIMEOUT) as writer:
                rows = db.session.execute(
                    select(
                        SearchOutbox.id,
                        SearchOutbox.thread_id,
                        SearchOutbox.post_id,
                        SearchOutbox.institution_id,
                    )
                    .where(*_pending(up_to))
                    .order_by(SearchOutbox.id)
                    .limit(BATCH)
                ).all()
                apply(writer, rows)
            _mark_indexed([row.id for row in rows])
            done += len(rows)
    except IndexBusy:
        logger.warning("search index busy; pending changes wait for the next drain")
    finally:
        db.session.commit()  # end the read transaction (SQLite: let writers in)
    return done


def apply(writer: IndexWriter, rows: Iterable[Any]) -> None:
    """Bring the index in line with the database for these changes (safe to repeat)."""
    threads = {row.thread_id for row in rows if row.post_id is None and row.thread_id}
    posts = {
        row.post_id for row in rows if row.post_id is not None and row.thread_id not in threads
    }
    institutions = {row.institution_id for row in rows if row.institution_id is not None}
    for thread_id in threads:
        writer.delete_thread(thread_id)
    for post_id in posts:
        writer.delete_post(post_id)
    for document in (*documents.for_threads(threads), *documents.for_posts(posts)):
        writer.add(document)
    for institution_id in institutions:
        writer.delete_institution(institution_id)
    for institution in institution_documents.for_institutions(institutions):
        writer.add_institution(institution)


def _mark_indexed(ids: list[int]) -> None:
    now = utcnow()
    with write_transaction() as session:
        session.execute(update(SearchOutbox).where(SearchOutbox.id.in_(ids)).values(indexed_at=now))
        session.execute(delete(SearchOutbox).where(SearchOutbox.indexed_at < now - KEEP_INDEXED))


def rebuild(progress: Callable[[Iterator], Iterator] | None = None) -> int:
    """Index the whole forum into a new index and swap it in; returns the documents indexed."""
    from forum.search import backend

    start = db.session.scalar(select(func.max(SearchOutbox.id))) or 0
    counted = 0

    def every_document() -> Iterator:
        nonlocal counted
        for document in documents.every_document():
            counted += 1
            yield document

    def replay(writer: IndexWriter) -> None:
        """What changed while the new index was being filled."""
        rows = db.session.execute(
            select(SearchOutbox.thread_id, SearchOutbox.post_id, SearchOutbox.institution_id).where(
                SearchOutbox.id > start
            )
        ).all()
        apply(writer, rows)

    stream = every_document()
    backend().rebuild(
        progress(stream) if progress else stream,
        replay,
        timeout=60,
        institutions=institution_documents.every_institution(),
    )
    db.session.commit()
    return counted


def ensure_current() -> str | None:
    """At start-up: rebuild a missing or stale index. Returns why it was rebuilt, or None."""
    from forum.search import backend

    reason = None
    try:
        if not backend().exists():
            reason = "missing"
        else:
            drain()
            if backend().document_count() != documents.indexable_count() or (
                backend().institution_count() != institution_documents.institution_count()
            ):
                reason = "stale"
    except Exception as error:  # a damaged index must not keep the forum from starting
        # the text, not the error: a kept record would keep its frames, and their open files
        logger.error("the search index could not be read (%s); rebuilding it", repr(error))
        db.session.rollback()
        reason = "unreadable"
    if reason:
        rebuild()
    db.session.commit()
    return reason


def start_background_drainer(app: Flask) -> threading.Thread:
    """Retries what a request could not index (a busy lock, a failed write), every few seconds."""
    return run_every(app, lambda: DRAIN_EVERY, "search-drainer", drain)


def listen() -> None:
    """Watch the forum's sessions (once per process, whatever the number of apps)."""
    if not event.contains(db.session, "before_flush", collect_changes):
        event.listen(db.session, "before_flush", collect_changes)
