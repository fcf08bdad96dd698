"""Attachments as pages show them (cards of plain data, one query for a page of posts), and
the one attachment a download asks for."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask import url_for
from flask_babel import format_decimal
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from forum import reference
from forum.extensions import db
from forum.languages import lazy_gettext as _l
from forum.models import Attachment, FileKind, Post, StoredFile, Thread


@dataclass(frozen=True, slots=True)
class AttachmentCard:
    id: int
    name: str
    kind: FileKind
    kind_label: str
    size: str  # "1.2 MB", in the reader's language
    url: str
    thumbnail_url: str  # an image's small version, or its own address when it is small
    width: int | None
    height: int | None

    @property
    def is_image(self) -> bool:
        return self.kind == FileKind.image


def size_text(size: int) -> str:
    if size < 1024 * 1024:
        return str(_l("%(size)s KB", size=format_decimal(max(size / 1024, 0.1), "#,##0.#")))
    return str(_l("%(size)s MB", size=format_decimal(size / 1024 / 1024, "#,##0.#")))


def cards_for(post_ids: Iterable[int]) -> Mapping[int, list[AttachmentCard]]:
    """Each post's attachments still on it, in their order: one query for the page."""
    post_ids = sorted(set(post_ids))
    if not post_ids:
        return {}
    # plain rows of the columns a card shows: not the file's extracted text, nor the ORM's work
    rows = db.session.connection().execute(_CARDS_FOR, {"post_ids": post_ids})
    cards: dict[int, list[AttachmentCard]] = defaultdict(list)
    for attachment_id, post_id, name, kind, size, has_thumbnail, width, height in rows:
        url = url_for("attachments.download", attachment_id=attachment_id, name=name)
        cards[post_id].append(
            AttachmentCard(
                id=attachment_id,
                name=name,
                kind=kind,
                kind_label=str(reference.FILE_KIND_LABELS[kind]),
                size=size_text(size),
                url=url,
                thumbnail_url=url_for("attachments.thumbnail", attachment_id=attachment_id)
                if has_thumbnail
                else url,
                width=width,
                height=height,
            )
        )
    return cards


# built once: every thread page asks it
_CARDS_FOR = (
    select(
        Attachment.id,
        Attachment.post_id,
        Attachment.name,
        StoredFile.kind,
        StoredFile.size,
        StoredFile.has_thumbnail,
        StoredFile.width,
        StoredFile.height,
    )
    .join(StoredFile, StoredFile.sha256 == Attachment.file_sha256)
    .where(
        Attachment.post_id.in_(bindparam("post_ids", expanding=True)),
        Attachment.removed_at.is_(None),
    )
    .order_by(Attachment.post_id, Attachment.position, Attachment.id)
)


def find(attachment_id: int) -> Attachment | None:
    """An attachment with its file and what its permission asks of the post."""
    return db.session.scalar(
        select(Attachment)
        .where(Attachment.id == attachment_id)
        .options(
            joinedload(Attachment.file),
            joinedload(Attachment.post).joinedload(Post.thread).joinedload(Thread.board),
        )
    )
