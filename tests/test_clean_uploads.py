"""`forum clean-uploads`: what an upload whose post failed leaves goes after the grace period;
what a post uses, or an upload being posted right now, stays."""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from forum.attachments import storage
from forum.attachments.storage import FolderStorage
from forum.extensions import db
from forum.models import Attachment, StoredFile
from forum.models._time import utcnow
from forum.services import upload_cleanup
from tests.attachment_rows import attach, opening_post, store_file
from tests.conftest import Person, make_person, thread_id_from

TWO_DAYS_AGO = utcnow() - timedelta(days=2)


def _keys(app: Flask) -> set[str]:
    with app.app_context():
        return storage.current().keys()


def _rows(app: Flask) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(StoredFile.sha256)))


def _age_bytes(app: Flask, key: str) -> bool:
    """Make stored bytes two days old, where the storage keeps times (a folder)."""
    with app.app_context():
        files = storage.current()
        if not isinstance(files, FolderStorage):
            return False
        old = time.time() - 2 * 86400
        os.utime(files._path(key), (old, old))  # noqa: SLF001
        return True


def _stray(app: Flask, content: bytes, *, row: bool, old: bool) -> str:
    """What a failed post leaves: bytes, and perhaps their row, that no attachment names."""
    with app.app_context():
        sha = store_file(content, row=row, created_at=TWO_DAYS_AGO if old else None)
        db.session.commit()
    if old:
        _age_bytes(app, sha)
    return sha


@pytest.fixture
def used(app: Flask, member: Person) -> str:
    """A file a post uses, stored long ago."""
    thread_id = thread_id_from(member.start_thread("Permits", "See the form."))
    attachment_id = attach(app, opening_post(app, thread_id), "form.pdf", thumbnail=True)
    with app.app_context():
        sha = db.session.get(Attachment, attachment_id).file_sha256
        db.session.get(StoredFile, sha).created_at = TWO_DAYS_AGO
        db.session.commit()
    _age_bytes(app, sha)
    _age_bytes(app, sha + ".thumb")
    return sha


def test_what_no_post_uses_goes_after_the_grace_period(app: Flask, used: str) -> None:
    unused_row = _stray(app, b"failed post, row written", row=True, old=True)
    recent_row = _stray(app, b"being posted now, row written", row=True, old=False)
    stray_bytes = _stray(app, b"failed post, bytes only", row=False, old=True)
    recent_bytes = _stray(app, b"being posted now, bytes only", row=False, old=False)
    folder = _age_bytes(app, stray_bytes)

    runner = app.test_cli_runner()
    dry = runner.invoke(args=["clean-uploads", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert unused_row in dry.output
    assert used not in dry.output
    assert _rows(app) >= {unused_row, used, recent_row}  # a dry run changes nothing
    assert unused_row in _keys(app)

    result = runner.invoke(args=["clean-uploads", "--older-than", "24"])
    assert result.exit_code == 0, result.output
    assert "unused files (no attachment): removed 1" in result.output
    assert _rows(app) == {used, recent_row}
    keys = _keys(app)
    assert {used, used + ".thumb", recent_row, recent_bytes} <= keys
    assert unused_row not in keys
    if folder:  # a folder tells the bytes' age; the database keeps none, so keeps them
        assert stray_bytes not in keys
        assert stray_bytes in result.output
    else:
        assert stray_bytes in keys
        assert "kept 2 stray keys" in result.output


def test_a_shorter_grace_period_takes_younger_uploads(app: Flask, used: str) -> None:
    recent_row = _stray(app, b"an hour-old upload", row=True, old=False)
    with app.app_context():
        db.session.get(StoredFile, recent_row).created_at = utcnow() - timedelta(hours=3)
        db.session.commit()
        found = upload_cleanup.clean_uploads(timedelta(hours=6))
    assert found.unused_files == []
    with app.app_context():
        found = upload_cleanup.clean_uploads(timedelta(hours=2))
    assert found.unused_files == [recent_row]
    assert _rows(app) == {used}


def test_a_removed_file_s_bytes_go_if_its_removal_s_own_step_failed(
    app: Flask, member: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    from forum.services import attachment_moderation

    thread_id = thread_id_from(member.start_thread("Permits", "See the form."))
    attachment_id = attach(app, opening_post(app, thread_id), "form.pdf", thumbnail=True)
    moderator = make_person(app, "oic.mod", moderates=("oic-oshnet",))
    monkeypatch.setattr(attachment_moderation.ForgetBytes, "__call__", lambda self: None)
    response = moderator.post(f"/mod/attachments/{attachment_id}/remove", {"reason": "Data"})
    assert response.status_code == 302
    with app.app_context():
        sha = db.session.get(Attachment, attachment_id).file_sha256
    assert sha in _keys(app)
    with app.app_context():
        assert upload_cleanup.clean_uploads(timedelta(hours=1)).removed_content == []
        found = upload_cleanup.clean_uploads(timedelta(0))
    assert found.removed_content == [sha]
    assert not {sha, sha + ".thumb"} & _keys(app)
    assert sha in _rows(app)  # the removed attachment still names it


def test_nothing_to_clean_says_so(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["clean-uploads"])
    assert result.exit_code == 0, result.output
    assert "stray bytes (no file row): removed 0" in result.output
    bad = app.test_cli_runner().invoke(args=["clean-uploads", "--older-than", "-3"])
    assert bad.exit_code == 2
