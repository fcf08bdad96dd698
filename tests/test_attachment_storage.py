"""Both storages keep the same promises: the folder (one machine's processes) and the
database (several machines, FORUM_UPLOADS=database on PostgreSQL)."""

from __future__ import annotations

import hashlib

import pytest
from flask import Flask

from forum.attachments.storage import DatabaseStorage, FolderStorage, Storage
from forum.config import build_config


@pytest.fixture(params=["folder", "database"])
def kept(request: pytest.FixtureRequest, app: Flask, tmp_path) -> Storage:  # noqa: ANN001
    if request.param == "folder":
        return FolderStorage(tmp_path / "uploads")
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("FORUM_UPLOADS=database is for PostgreSQL (CI's PostgreSQL leg runs it)")
    return DatabaseStorage()


def key_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_bytes_come_back_as_they_were_kept(app: Flask, kept: Storage) -> None:
    data = bytes(range(256)) * 1000
    with app.app_context():
        kept.put(key_of(data), data)
        kept.put(key_of(data), data)  # the same content again: nothing changes
        kept.put(f"{key_of(data)}.thumb", b"small")
        assert kept.get(key_of(data)) == data
        assert kept.get(f"{key_of(data)}.thumb") == b"small"
        assert kept.keys() == {key_of(data), f"{key_of(data)}.thumb"}
        kept.delete(key_of(data))
        kept.delete(key_of(data))  # already gone: no error
        assert kept.get(key_of(data)) is None
        assert kept.keys() == {f"{key_of(data)}.thumb"}


@pytest.mark.parametrize("key", ["../../etc/passwd", "ABC", "a" * 64 + "/x", "", "a" * 63])
def test_only_content_hashes_are_keys(app: Flask, kept: Storage, key: str) -> None:
    with app.app_context(), pytest.raises(ValueError, match="not a storage key"):
        kept.get(key)


def test_the_folder_leaves_no_half_written_file(tmp_path) -> None:  # noqa: ANN001
    kept = FolderStorage(tmp_path)
    kept.put(key_of(b"x"), b"x")
    assert [path.name for path in tmp_path.rglob("*") if path.is_file()] == [key_of(b"x")]


def test_database_uploads_need_postgresql(tmp_path) -> None:  # noqa: ANN001
    with pytest.raises(ValueError, match="FORUM_UPLOADS=database needs a PostgreSQL"):
        build_config(str(tmp_path), {"UPLOADS": "database"})
