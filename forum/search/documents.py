"""What is indexed: one document per visible post, with its thread's fields, from the database."""

from __future__ import annotations

from collections.abc import Collection, Iterator

from sqlalchemy import Select, and_, func, select

from forum import languages, markup
from forum.extensions import db
from forum.models import (
    AcceptedAnswer,
    Attachment,
    Board,
    ExpertVerification,
    Network,
    Post,
    StoredFile,
    Theme,
    Thread,
    User,
)
from forum.search.backend import AttachedText, Document

BATCH = 2_000


def visible_posts() -> list:
    """Hidden or deleted content is never indexed, so it can never be found."""
    return [Post.deleted_at.is_(None), Post.hidden_at.is_(None), Thread.deleted_at.is_(None)]


def for_threads(thread_ids: Collection[int]) -> list[Document]:
    if not thread_ids:
        return []
    return _documents(_rows().where(Post.thread_id.in_(thread_ids)))


def for_posts(post_ids: Collection[int]) -> list[Document]:
    if not post_ids:
        return []
    return _documents(_rows().where(Post.id.in_(post_ids)))


def every_document() -> Iterator[Document]:
    """The whole forum in batches, newest post first, for a rebuild: Whoosh then finds a
    query's most recent matches at the start of its posting lists."""
    before = None
    while True:
        rows = _rows() if before is None else _rows().where(Post.id < before)
        batch = _documents(rows.order_by(Post.id.desc()).limit(BATCH))
        if not batch:
            return
        yield from batch
        before = batch[-1].post_id


def indexable_count() -> int:
    query = select(func.count(Post.id)).join(Thread, Thread.id == Post.thread_id)
    return db.session.scalar(query.where(*visible_posts())) or 0


def _rows() -> Select:
    return (
        select(
            Post.id,
            Post.thread_id,
            Thread.title,
            Post.body_html,
            User.username_key.label("author"),
            Network.slug.label("network"),
            Theme.slug.label("theme"),
            Thread.kind,
            Thread.is_answered,
            AcceptedAnswer.post_id.is_not(None).label("accepted"),
            Post.author_id,
            Board.theme_id,
            Post.created_at,
            Post.language,
        )
        .join(Thread, Thread.id == Post.thread_id)
        .join(Board, Board.id == Thread.board_id)
        .join(Network, Network.id == Board.network_id)
        .join(Theme, Theme.id == Board.theme_id)
        .join(User, User.id == Post.author_id)
        .outerjoin(
            AcceptedAnswer,
            and_(AcceptedAnswer.post_id == Post.id, AcceptedAnswer.thread_id == Post.thread_id),
        )
        .where(*visible_posts())
    )


def _documents(query: Select) -> list[Document]:
    rows = db.session.execute(query).all()
    if not rows:
        return []
    experts = _verified({row.author_id for row in rows})
    attached = _attachments([row.id for row in rows])
    documents = []
    for row in rows:
        body = markup.html_to_text(row.body_html)
        # posts from before languages were recorded: recognised from their text
        language = row.language or languages.detect(f"{row.title}\n{body}")
        documents.append(
            _document(
                row,
                body,
                language,
                expert=(row.author_id, row.theme_id) in experts,
                attachments=tuple(attached.get(row.id, ())),
            )
        )
    return documents


# of all a post's attachments together: what a search finds and marks, far below the
# 1 MB a PostgreSQL tsvector holds (a spreadsheet of codes is mostly distinct words)
ATTACHED_TEXT_PER_POST = 100_000


def _attachments(post_ids: list[int]) -> dict[int, list[AttachedText]]:
    """Each post's attachments (not removed ones), in their order: names always, text once
    it is read (a file whose reading failed is found by its name)."""
    query = (
        select(Attachment.post_id, Attachment.name, StoredFile.text)
        .join(StoredFile, StoredFile.sha256 == Attachment.file_sha256)
        .where(Attachment.post_id.in_(post_ids), Attachment.removed_at.is_(None))
        .order_by(Attachment.post_id, Attachment.position, Attachment.id)
    )
    found: dict[int, list[AttachedText]] = {}
    left: dict[int, int] = {}
    for post_id, name, text in db.session.execute(query):
        kept = (text or "")[: left.setdefault(post_id, ATTACHED_TEXT_PER_POST)]
        left[post_id] -= len(kept)
        found.setdefault(post_id, []).append(AttachedText(_plain_name(name), kept))
    return found


def _plain_name(name: str) -> str:
    """No control characters: the backends mark and separate with some of them."""
    return "".join(char if char >= " " else " " for char in name)


def _document(  # noqa: ANN001
    row, body: str, language: str, expert: bool, attachments: tuple[AttachedText, ...]
) -> Document:
    return Document(
        post_id=row.id,
        thread_id=row.thread_id,
        title=row.title,
        body=body,
        language=language,
        author=row.author,
        network=row.network,
        theme=row.theme,
        kind=str(row.kind),
        answered=row.is_answered,
        accepted=row.accepted,
        expert=expert,
        created_at=row.created_at,
        attachments=attachments,
    )


def _verified(user_ids: set[int]) -> set[tuple[int, int]]:
    """(member, theme) pairs verified by any network, as the badges on posts show them."""
    query = select(ExpertVerification.user_id, ExpertVerification.theme_id).where(
        ExpertVerification.revoked_at.is_(None)
    )
    if len(user_ids) < 500:  # a rebuild's batch asks for everyone; a few posts for few
        query = query.where(ExpertVerification.user_id.in_(user_ids))
    return {(user_id, theme_id) for user_id, theme_id in db.session.execute(query)}
