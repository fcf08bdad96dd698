"""Where the bytes of attachments live, under their content hash (or hash + ".thumb").

Two kinds, chosen by FORUM_UPLOADS: a folder (default instance/uploads/, shared by every
process of one machine), or "database": the file_blobs table, so that several machines
behind a proxy serve the same files with no extra service. Both take the same tests.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from forum.extensions import db
from forum.models import FileBlob

_KEY = re.compile(r"^[0-9a-f]{64}(\.thumb)?$")


class Storage(Protocol):
    def put(self, key: str, data: bytes) -> None:
        """Keep data under key; a key already kept is left as it is (same hash, same bytes)."""

    def get(self, key: str) -> bytes | None: ...

    def delete(self, key: str) -> None: ...

    def keys(self) -> set[str]: ...


def thumbnail_key(sha256: str) -> str:
    """Where a picture's small version is kept, beside the picture."""
    return f"{sha256}.thumb"


def checked(key: str) -> str:
    if not _KEY.match(key):
        raise ValueError(f"not a storage key: {key!r}")
    return key


class FolderStorage:
    """Files named by hash in two levels of folders (ab/cd/abcd...), written atomically."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        checked(key)
        return self.root / key[:2] / key[2:4] / key

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        if path.exists():
            os.utime(path)  # wanted again now: `forum clean-uploads` ages stray bytes by this
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        # written beside it, then renamed: a reader never sees half a file
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys(self) -> set[str]:
        if not self.root.exists():
            return set()
        return {path.name for path in self.root.glob("??/??/*") if _KEY.match(path.name)}


class DatabaseStorage:
    """The bytes in PostgreSQL's file_blobs table, each call its own short transaction (files
    are kept before the post that attaches them is written: a failed post leaves an orphan
    that `forum clean-uploads` removes, never a post without its file)."""

    def put(self, key: str, data: bytes) -> None:
        checked(key)
        with db.engine.begin() as connection:
            connection.execute(
                pg_insert(FileBlob)
                .values(key=key, data=data)
                .on_conflict_do_nothing(index_elements=["key"])
            )

    def get(self, key: str) -> bytes | None:
        checked(key)
        with db.engine.connect() as connection:
            return connection.scalar(select(FileBlob.data).where(FileBlob.key == key))

    def delete(self, key: str) -> None:
        checked(key)
        with db.engine.begin() as connection:
            connection.execute(delete(FileBlob).where(FileBlob.key == key))

    def keys(self) -> set[str]:
        with db.engine.connect() as connection:
            return set(connection.scalars(select(FileBlob.key)))


def init_app(app: Flask) -> None:
    where = app.config["UPLOADS"]
    app.extensions["forum.storage"] = (
        DatabaseStorage() if where == "database" else FolderStorage(where)
    )


def current() -> Storage:
    return current_app.extensions["forum.storage"]
