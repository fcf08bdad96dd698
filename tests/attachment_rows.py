"""Attachments made directly for tests: a StoredFile row, its bytes in the app's storage and
an Attachment on a post, as the upload path leaves them (without typing or re-encoding)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask import Flask

from forum.attachments import storage
from forum.extensions import db
from forum.models import Attachment, FileKind, Post, StoredFile, TextState

MEDIA_TYPES = {
    FileKind.pdf: "application/pdf",
    FileKind.image: "image/png",
    FileKind.document: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileKind.spreadsheet: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def store_file(
    content: bytes,
    kind: FileKind = FileKind.pdf,
    *,
    thumbnail: bool = False,
    created_at: datetime | None = None,
    row: bool = True,
) -> str:
    """Keep bytes (and a thumbnail) in the storage and, with row, their StoredFile; in an app
    context. Returns the hash."""
    sha = hashlib.sha256(content).hexdigest()
    storage.current().put(sha, content)
    if thumbnail:
        storage.current().put(sha + ".thumb", b"thumb:" + content)
    if row and db.session.get(StoredFile, sha) is None:
        stored = StoredFile(
            sha256=sha,
            media_type=MEDIA_TYPES[kind],
            kind=kind,
            size=len(content),
            has_thumbnail=thumbnail,
            text_state=TextState.none if kind == FileKind.image else TextState.done,
        )
        if created_at is not None:
            stored.created_at = created_at
        db.session.add(stored)
        db.session.flush()
    return sha


def attach(
    app: Flask,
    post_id: int,
    name: str,
    *,
    kind: FileKind = FileKind.pdf,
    content: bytes | None = None,
    created_at: datetime | None = None,
    thumbnail: bool = False,
) -> int:
    """An attachment on the post (by its author), its file stored; returns its id."""
    with app.app_context():
        sha = store_file(
            content if content is not None else name.encode(), kind, thumbnail=thumbnail
        )
        post = db.session.get(Post, post_id)
        attachment = Attachment(
            post_id=post_id, file_sha256=sha, name=name, uploader_id=post.author_id
        )
        if created_at is not None:
            attachment.created_at = created_at
        db.session.add(attachment)
        db.session.commit()
        attachment_id = attachment.id
        db.session.remove()
        return attachment_id


def opening_post(app: Flask, thread_id: int) -> int:
    from sqlalchemy import select

    with app.app_context():
        return db.session.scalar(
            select(Post.id).where(Post.thread_id == thread_id, Post.is_opening.is_(True))
        )
