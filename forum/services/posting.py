"""Starting threads, replying, editing and deleting posts."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import NamedTuple

from sqlalchemy import delete, select, update
from werkzeug.datastructures import FileStorage

from forum import languages, live_threads, markup, permissions, reference
from forum.database import after_commit, write_transaction
from forum.extensions import db
from forum.languages import lazy_gettext as _l
from forum.models import (
    AcceptedAnswer,
    Board,
    ControlLevel,
    Post,
    PostRevision,
    Thread,
    ThreadKind,
    User,
)
from forum.models._time import utcnow
from forum.services import ServiceError, attachments, inbox, notifications, topics
from forum.services.moderation import on_the_record, recount_replies

MENTIONS_LINKED = 500  # links for up to 500 @names; notifications.MENTION_LIMIT are told
TITLE_MAX = 200
BODY_MAX = 50_000


def start_thread(
    author: User,
    board: Board,
    kind: ThreadKind,
    title: str,
    body: str,
    practice: dict[str, str | None] | None = None,
    language: str = "",
    files: Sequence[FileStorage] = (),
    topic_ids: Sequence[str] = (),
) -> Thread:
    """A new thread with its opening post; good practices may say where and how; the
    vocabulary's concepts its author confirmed are its topics."""
    title, body = clean_title(title), clean_body(body)
    topic_ids = topics.clean(topic_ids)
    practice = clean_practice(practice) if kind == ThreadKind.good_practice else {}
    permissions.require(author, "start_thread", board)
    rendered = _rendered(body)
    uploads = attachments.prepare(author, files)
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
            practice_country=practice.get("country"),
            practice_sector=practice.get("sector"),
            practice_control=practice.get("control"),
        )
        session.add(thread)
        session.flush()
        post = _new_post(
            thread, author, body, rendered.html, now, is_opening=True, language=language
        )
        session.add(post)
        attachments.attach(session, post, uploads, author.id)
        topics.tag(session, thread.id, topic_ids)
        session.flush()
        inbox.watch_if_new(session, author.id, thread)
        notifications.on_new_thread(session, author, thread, post, rendered.mentioned)
    thread.mentions_written = rendered.written
    return thread


def reply(
    author: User,
    thread: Thread,
    body: str,
    language: str = "",
    files: Sequence[FileStorage] = (),
) -> Post:
    body = clean_body(body)
    permissions.require(author, "reply", thread)
    rendered = _rendered(body)
    uploads = attachments.prepare(author, files)
    with write_transaction() as session:
        now = utcnow()
        post = _new_post(thread, author, body, rendered.html, now, language=language)
        session.add(post)
        attachments.attach(session, post, uploads, author.id)
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
        session.flush()
        inbox.watch_if_new(session, author.id, thread)
        notifications.on_reply(session, author, thread, post, rendered.mentioned)
        _announce_after_commit(thread.id, post.id)
    post.mentions_written = rendered.written
    return post


def _announce_after_commit(thread_id: int, post_id: int) -> None:
    """Readers with the thread open hear of the reply once it is safe (forum.live_threads)."""
    after_commit(lambda: live_threads.announce_reply(thread_id, post_id))


def edit_post(
    editor: User,
    post: Post,
    body: str,
    title: str | None = None,
    language: str = "",
    files: Sequence[FileStorage] = (),
    topic_ids: Sequence[str] | None = None,
) -> Post:
    """language "" recognises it again from the new text; files are added to the post's;
    topic_ids (an opening post's) replace the thread's topics, None keeps them."""
    body = clean_body(body)
    title = clean_title(title) if post.is_opening and title is not None else None
    permissions.require(editor, "edit_post", post)
    retagged, tagged = None, []
    if post.is_opening and topic_ids is not None:
        retagged = topics.clean(topic_ids)
        permissions.require(editor, "tag_thread", post.thread)
        tagged = topics.of_thread(post.thread_id)
        retagged = retagged if set(tagged) != set(retagged) else None
    moderated = editor.id != post.author_id  # goes on the record, and to the author
    language = languages.content_language(f"{title or ''}\n{body}", language)
    uploads = attachments.prepare(editor, files, already=attachments.count_on(post))
    if (
        body == post.body_source
        and title in (None, post.thread.title)
        and language == post.language
        and not uploads
    ):
        if retagged is not None:  # only the topics: no new revision of the post
            with write_transaction() as session:
                topics.retag(session, post.thread_id, retagged)
                if moderated:
                    on_the_record(
                        session,
                        editor,
                        "post.edit",
                        post,
                        before={"topics": tagged},
                        after={"topics": retagged},
                    )
        return post
    body_html = _rendered(body).html
    with write_transaction() as session:
        session.add(
            PostRevision(
                post_id=post.id,
                editor_id=editor.id,
                title=post.thread.title if post.is_opening else None,
                body_source=post.body_source,
            )
        )
        before = {"body": post.body_source, "title": post.thread.title, "topics": tagged}
        post.body_source = body
        post.body_html = body_html
        post.language = language
        post.edited_at = utcnow()
        attachments.attach(session, post, uploads, editor.id)
        if title is not None:
            post.thread.title = title
        if retagged is not None:
            topics.retag(session, post.thread_id, retagged)
        if moderated:
            after = {"body": body, "title": post.thread.title, "topics": retagged or tagged}
            on_the_record(session, editor, "post.edit", post, before=before, after=after)
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
        if actor.id != post.author_id:
            on_the_record(session, actor, "post.delete", post)
        if thread.is_answered:  # a deleted reply cannot stay the answer
            removed = session.execute(
                delete(AcceptedAnswer).where(AcceptedAnswer.post_id == post.id)
            )
            if removed.rowcount:
                thread.is_answered = False
        if thread_goes:
            thread.deleted_at, thread.deleted_by_id = now, actor.id
        elif not post.is_opening:  # counted from what is left: it may have been hidden
            recount_replies(session, thread)
    return thread_goes


def clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ServiceError(_l("Give your thread a title."), "title")
    if len(title) > TITLE_MAX:
        raise ServiceError(_l("Keep the title under %(n)d characters.", n=TITLE_MAX), "title")
    return title


def clean_practice(practice: dict[str, str | None] | None) -> dict[str, str | None]:
    practice = {key: value or None for key, value in (practice or {}).items()}
    if practice.get("country") and practice["country"] not in reference.countries():
        raise ServiceError(_l("Choose a country from the list."), "practice_country")
    if practice.get("sector") and practice["sector"] not in reference.ISIC_SECTIONS:
        raise ServiceError(_l("Choose a sector from the list."), "practice_sector")
    if practice.get("control"):
        try:
            practice["control"] = ControlLevel(practice["control"])
        except ValueError:
            raise ServiceError(_l("Choose a level from the list."), "practice_control") from None
    return practice


def clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ServiceError(_l("Write something first."), "body")
    if len(body) > BODY_MAX:
        raise ServiceError(_l("Keep posts under %(n)d characters.", n=BODY_MAX), "body")
    return body


def preview_html(body: str) -> str:
    """The composer's preview of a body, refused as the post would be."""
    with _refused_when_too_complex():
        return markup.render(body)


class Rendered(NamedTuple):
    html: str  # with links to the members it mentions
    mentioned: list[int]  # their ids, to notify
    written: int  # how many @names the writer typed


def _rendered(body: str) -> Rendered:
    """A post's source, parsed once. Made before the write transaction: a refusal changes
    nothing, and no writer waits on it."""
    with _refused_when_too_complex():
        parsed = markup.parse(body)
        names, mentioned = _mentions(parsed.names)
        return Rendered(parsed.html(names), mentioned, len(parsed.names))


@contextmanager
def _refused_when_too_complex() -> Iterator[None]:
    try:
        yield
    except markup.TooComplex as error:
        raise ServiceError(error.message, "body") from None


def _mentions(written: list[str]) -> tuple[dict[str, str], list[int]]:
    """The @names in a post that are members: for links, and the ids to notify, in order."""
    names = written[:MENTIONS_LINKED]
    if not names:
        return {}, []
    found = {
        key: (user_id, username)
        for key, user_id, username in db.session.execute(
            select(User.username_key, User.id, User.username).where(User.username_key.in_(names))
        )
    }
    ordered = [found[name] for name in names if name in found]
    return {name: found[name][1] for name in names if name in found}, [uid for uid, _ in ordered]


def _new_post(
    thread: Thread,
    author: User,
    body: str,
    body_html: str,
    now,  # noqa: ANN001
    *,
    is_opening: bool = False,
    language: str = "",
) -> Post:
    title = thread.title if is_opening else ""
    return Post(
        thread=thread,
        author_id=author.id,
        is_opening=is_opening,
        body_source=body,
        body_html=body_html,
        language=languages.content_language(f"{title}\n{body}", language),
        created_at=now,
    )
