"""The Resources pages: the documents attached to the threads of a board, a network or a theme
across networks, reviewed resources first, then the newest; filtered by kind and language.

Only what everyone may read is listed: an attachment not removed, on a post neither deleted
nor hidden, in a thread not deleted. A moderator reaches a hidden post's files from its
thread, not from the library. A page is two queries (its count and its rows) whatever its
length, with the reader's actions on each row decided from what those rows hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import url_for
from sqlalchemy import Select, select
from sqlalchemy.orm import contains_eager

from forum import permissions
from forum.extensions import db
from forum.models import Attachment, Board, FileKind, Network, Post, StoredFile, Theme, Thread
from forum.services.attachment_pages import size_text
from forum.services.browsing import Page, paginate


@dataclass(frozen=True)
class LibraryFilter:
    kind: FileKind | None = None
    language: str | None = None


@dataclass(frozen=True)
class ResourceRow:
    """One document as the page shows it: plain values, nothing left to load."""

    attachment_id: int
    name: str
    kind: FileKind
    size: str  # "1.2 MB", in the reader's language
    language: str  # the post's; "" for posts from before languages
    created_at: datetime
    reviewed_at: datetime | None
    thread_id: int
    thread_title: str
    post_id: int
    network_name: str
    board_name: str
    download_url: str
    may_remove: bool
    may_review: bool


@dataclass(frozen=True)
class LibraryPage:
    rows: list[ResourceRow]
    page: Page  # for its numbers and neighbours
    shown: LibraryFilter


def board_library(
    reader: Any, board: Board, shown: LibraryFilter, page: int, per_page: int
) -> LibraryPage:
    return _library(reader, Thread.board_id == board.id, shown, page, per_page)


def network_library(
    reader: Any, network: Network, shown: LibraryFilter, page: int, per_page: int
) -> LibraryPage:
    return _library(reader, Board.network_id == network.id, shown, page, per_page)


def theme_library(
    reader: Any, theme: Theme, shown: LibraryFilter, page: int, per_page: int
) -> LibraryPage:
    return _library(reader, Board.theme_id == theme.id, shown, page, per_page)


THREAD_DOCUMENTS_SHOWN = 50


def thread_documents(reader: Any, thread_id: int) -> list[ResourceRow]:
    """The files of one thread everyone may read, oldest first: an event's materials are
    the documents shared in its discussion."""
    query = (
        listed()
        .where(Thread.id == thread_id)
        .order_by(Attachment.created_at, Attachment.id)
        .limit(THREAD_DOCUMENTS_SHOWN)
    )
    return [_row(reader, attachment) for attachment in db.session.scalars(query)]


def listed() -> Select:
    """Every attachment the library may list, with what a row shows loaded alongside."""
    return (
        select(Attachment)
        .join(Attachment.file)
        .join(Attachment.post)
        .join(Post.thread)
        .join(Thread.board)
        .where(
            Attachment.removed_at.is_(None),
            Post.deleted_at.is_(None),
            Post.hidden_at.is_(None),
            Thread.deleted_at.is_(None),
        )
        .options(
            contains_eager(Attachment.file),
            contains_eager(Attachment.post)
            .contains_eager(Post.thread)
            .contains_eager(Thread.board),
        )
    )


def _library(
    reader: Any, scope: Any, shown: LibraryFilter, page: int, per_page: int
) -> LibraryPage:
    query = listed().where(scope)
    if shown.kind is not None:
        query = query.where(StoredFile.kind == shown.kind)
    if shown.language is not None:
        query = query.where(Post.language == shown.language)
    query = query.order_by(
        Attachment.reviewed_at.is_(None),  # reviewed resources first
        Attachment.reviewed_at.desc(),
        Attachment.created_at.desc(),
        Attachment.id.desc(),
    )
    found = paginate(query, page, per_page)
    return LibraryPage([_row(reader, attachment) for attachment in found.items], found, shown)


def _row(reader: Any, attachment: Attachment) -> ResourceRow:
    post, file = attachment.post, attachment.file
    thread = post.thread
    board = thread.board
    return ResourceRow(
        attachment_id=attachment.id,
        name=attachment.name,
        kind=file.kind,
        size=size_text(file.size),
        language=post.language,
        created_at=attachment.created_at,
        reviewed_at=attachment.reviewed_at,
        thread_id=thread.id,
        thread_title=thread.title,
        post_id=post.id,
        network_name=board.network.display_short_name,
        board_name=board.name,
        download_url=download_url(attachment.id, attachment.name),
        may_remove=permissions.may("remove_attachment", attachment, reader),
        may_review=permissions.may("review_attachment", attachment, reader),
    )


def download_url(attachment_id: int, name: str) -> str:
    return url_for("attachments.download", attachment_id=attachment_id, name=name)
