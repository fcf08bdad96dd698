"""Files on posts: each file stored once by its content's hash, attached to posts by name."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.models._time import utcnow
from forum.models.threads import Post
from forum.models.users import User


class FileKind(enum.StrEnum):
    """What the resource library filters by; decided from the content's type."""

    pdf = "pdf"
    image = "image"
    document = "document"  # DOCX, ODT
    spreadsheet = "spreadsheet"  # XLSX


class TextState(enum.StrEnum):
    """Where the extraction of a file's text stands (forum.attachments.extract)."""

    pending = "pending"
    done = "done"
    failed = "failed"  # unreadable or too slow: found by its name only
    none = "none"  # an image: no text to look for


class StoredFile(db.Model):
    """One file's content, kept once however many posts attach it (forum.attachments.storage
    holds the bytes under the hash; an image's are its re-encoded bytes)."""

    __tablename__ = "stored_files"
    __table_args__ = (Index("ix_stored_files_text_state", "text_state"),)  # the extractor's queue

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(100))
    kind: Mapped[FileKind] = mapped_column(
        Enum(FileKind, native_enum=False, length=20, validate_strings=True)
    )
    size: Mapped[int]
    width: Mapped[int | None]  # images
    height: Mapped[int | None]
    has_thumbnail: Mapped[bool] = mapped_column(default=False)
    text: Mapped[str] = mapped_column(Text, default="")
    text_state: Mapped[TextState] = mapped_column(
        Enum(TextState, native_enum=False, length=20, validate_strings=True),
        default=TextState.pending,
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Attachment(db.Model):
    """A file on a post, under the name its uploader gave it (cleaned)."""

    __tablename__ = "attachments"
    __table_args__ = (
        Index("ix_attachments_post", "post_id", "position"),
        # the daily upload quota
        Index("ix_attachments_uploader_created", "uploader_id", "created_at"),
        # the resource library: reviewed first, then newest
        Index("ix_attachments_library", "removed_at", "reviewed_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    file_sha256: Mapped[str] = mapped_column(ForeignKey("stored_files.sha256"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)  # order on the post
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # taken off its post by a moderator (audit-logged); the file goes when no post uses it
    removed_at: Mapped[datetime | None]
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # a moderator marked it a reviewed resource: shown first in the library
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    post: Mapped[Post] = relationship(lazy="raise")
    file: Mapped[StoredFile] = relationship(lazy="raise")
    uploader: Mapped[User] = relationship(foreign_keys=[uploader_id], lazy="raise")

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


class FileBlob(db.Model):
    """The bytes of a stored file (or its thumbnail) when FORUM_UPLOADS=database."""

    __tablename__ = "file_blobs"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)  # hash, or hash + ".thumb"
    data: Mapped[bytes] = mapped_column(LargeBinary)
