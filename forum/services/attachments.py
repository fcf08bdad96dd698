"""Files on posts: checked and kept before the post is written (prepare), attached in the
post's own transaction (attach), read for its page (cards_for) and for download (find).

A refusal names the file and why; nothing is written until every file of the post passed.
Bytes kept for a post that then failed are orphans that `forum clean-uploads` removes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import case, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from forum.attachments import extract, images, inspect, storage
from forum.database import after_commit
from forum.extensions import db
from forum.languages import lazy_gettext as _l
from forum.models import Attachment, FileKind, Post, StoredFile, TextState, User
from forum.models._time import utcnow
from forum.services import ServiceError

MB = 1024 * 1024
FIELD = "files"


@dataclass(frozen=True)
class Upload:
    """A file ready to attach: typed by its content, an image re-encoded, its bytes kept (and
    held, to be kept again under the file's row lock: see attach)."""

    sha256: str
    name: str
    media_type: str
    kind: FileKind
    data: bytes = field(repr=False)
    thumbnail: bytes | None = field(default=None, repr=False)
    width: int | None = None
    height: int | None = None

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def has_thumbnail(self) -> bool:
        return self.thumbnail is not None


def chosen(files: Sequence[FileStorage] | None) -> list[FileStorage]:
    """The files a composer sent (an empty file input sends one part with no name; a forged
    form may send text under the field's name)."""
    return [file for file in files or () if isinstance(file, FileStorage) and file.filename]


def prepare(uploader: User, files: Sequence[FileStorage], already: int = 0) -> list[Upload]:
    """Before the post's transaction: every file checked and kept, or a ServiceError on the
    form's files field. `already`: how many the post has (an edit adds to them)."""
    files = chosen(files)
    if not files:
        return []
    try:
        return _prepared(uploader, files, already)
    finally:
        for file in files:  # large ones were spooled to temporary files
            file.close()


def _prepared(uploader: User, files: list[FileStorage], already: int) -> list[Upload]:
    config = current_app.config
    per_post, per_file = config["UPLOADS_PER_POST"], config["UPLOAD_MAX_MB"] * MB
    if already + len(files) > per_post:
        raise ServiceError(_l("Attach at most %(n)d files to a post.", n=per_post), FIELD)
    contents = []
    for file in files:
        data = file.stream.read(per_file + 1)
        if len(data) > per_file:
            raise ServiceError(
                _l(
                    "%(name)s is larger than %(n)d MB: attach a smaller file.",
                    name=_shown_name(file.filename),
                    n=config["UPLOAD_MAX_MB"],
                ),
                FIELD,
            )
        contents.append((file.filename or "", data))
    _check_quota(uploader, sum(len(data) for _name, data in contents))
    try:
        return [_kept(name, data) for name, data in contents]
    except inspect.Refused as refused:
        raise ServiceError(refused.message, FIELD) from None


def _shown_name(given: str | None) -> str:
    return inspect.clean_name(given or "")


def _kept(given: str, data: bytes) -> Upload:
    shown = _shown_name(given)
    if not data:
        raise inspect.Refused(_l("%(name)s is empty.", name=shown))
    found = inspect.accepted(data, shown)
    name = inspect.clean_name(given, found.extension)
    width = height = None
    thumbnail = None
    if found.kind == FileKind.image:
        image = images.reencode(data, found.media_type, shown)
        data, width, height, thumbnail = image.data, image.width, image.height, image.thumbnail
    upload = Upload(
        hashlib.sha256(data).hexdigest(), name, found.media_type, found.kind, data, thumbnail,
        width, height,
    )  # fmt: skip
    _keep_bytes(upload)
    return upload


def _keep_bytes(upload: Upload) -> None:
    kept = storage.current()
    kept.put(upload.sha256, upload.data)
    if upload.thumbnail is not None:
        kept.put(storage.thumbnail_key(upload.sha256), upload.thumbnail)


def _check_quota(uploader: User, adding: int) -> None:
    config = current_app.config
    new_account = uploader.created_at > utcnow() - timedelta(days=config["NEW_ACCOUNT_DAYS"])
    limit_mb = config["NEW_ACCOUNT_UPLOAD_DAILY_MB" if new_account else "UPLOAD_DAILY_MB"]
    used = uploaded_since(uploader.id, utcnow() - timedelta(days=1))
    if used + adding > limit_mb * MB:
        left = max(limit_mb * MB - used, 0)
        raise ServiceError(
            _l(
                "You can upload %(limit)d MB a day; %(left)s MB are left for today. "
                "Post without the files, or attach them tomorrow.",
                limit=limit_mb,
                left=f"{left / MB:.1f}",
            ),
            FIELD,
        )


def uploaded_since(uploader_id: int, since: Any) -> int:
    """Bytes this member attached since then (each attachment counted, even of one file)."""
    return db.session.scalar(
        select(func.coalesce(func.sum(StoredFile.size), 0))
        .join(Attachment, Attachment.file_sha256 == StoredFile.sha256)
        .where(Attachment.uploader_id == uploader_id, Attachment.created_at >= since)
    )


def count_on(post: Post) -> int:
    return db.session.scalar(
        select(func.count(Attachment.id)).where(
            Attachment.post_id == post.id, Attachment.removed_at.is_(None)
        )
    )


def attach(session: Session, post: Post, uploads: Sequence[Upload], uploader_id: int) -> None:
    """Within the post's write transaction: the files' rows (once per content) and the
    post's attachments, after those it has, in the order they were chosen."""
    if not uploads:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    first = 0
    if post.id is not None:
        first = 1 + session.scalar(
            select(func.coalesce(func.max(Attachment.position), -1)).where(
                Attachment.post_id == post.id
            )
        )
    if any(upload.kind != FileKind.image for upload in uploads):
        # documents' text is read off the request, then their posts are indexed again
        after_commit(extract.extract_soon)
    for position, upload in enumerate(uploads, start=first):
        # two posts may bring the same new file at once: the second finds it there. A file
        # whose every attachment a moderator removed lost its bytes and text
        # (attachment_moderation): brought again, it is whole again and read again.
        statement = dialect.insert(StoredFile).values(
            sha256=upload.sha256,
            media_type=upload.media_type,
            kind=upload.kind,
            size=upload.size,
            width=upload.width,
            height=upload.height,
            has_thumbnail=upload.has_thumbnail,
            text="",
            text_state=TextState.none if upload.kind == FileKind.image else TextState.pending,
            created_at=utcnow(),
        )
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["sha256"],
                set_={
                    "has_thumbnail": statement.excluded.has_thumbnail,
                    "text_state": case(
                        (StoredFile.text_state == TextState.none, statement.excluded.text_state),
                        else_=StoredFile.text_state,
                    ),
                },
            )
        )
        # the row is this transaction's now (PostgreSQL's row lock; SQLite's one writer): a
        # removal or a cleanup that deleted the bytes since prepare() waited for it, or went
        # before; either way they are kept again before this post names them
        _keep_bytes(upload)
        session.add(
            Attachment(
                post=post,
                file_sha256=upload.sha256,
                name=upload.name,
                position=position,
                uploader_id=uploader_id,
            )
        )
