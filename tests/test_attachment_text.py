"""Reading the text of attached documents (issue #25): each format, and hostile files that
must cost a child process and never the server; a file that cannot be read stays pending no
longer and is found by its name."""

from __future__ import annotations

import hashlib
import time

import pytest
from flask import Flask
from sqlalchemy import select

from forum.attachments import extract, storage
from forum.database import write_transaction
from forum.extensions import db
from forum.models import Attachment, Post, SearchOutbox, StoredFile, Thread
from forum.models.attachments import FileKind, TextState
from tests import document_samples as samples
from tests.search_helpers import Forum

MEDIA_TYPES = {
    FileKind.pdf: "application/pdf",
    FileKind.document: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileKind.spreadsheet: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def store_file(data: bytes, kind: FileKind) -> str:
    """The bytes in storage and a pending StoredFile, as the upload keeps them."""
    sha256 = hashlib.sha256(data).hexdigest()
    storage.current().put(sha256, data)
    with write_transaction() as session:
        if session.get(StoredFile, sha256) is None:
            session.add(
                StoredFile(
                    sha256=sha256,
                    media_type=MEDIA_TYPES[kind],
                    kind=kind,
                    size=len(data),
                    text_state=TextState.pending,
                )
            )
    return sha256


def attach(post: Post, name: str, data: bytes, kind: FileKind, *, position: int = 0) -> str:
    """What the upload does (the upload service is the lead's; this stands in for it)."""
    sha256 = store_file(data, kind)
    with write_transaction() as session:
        session.add(
            Attachment(
                post_id=post.id,
                file_sha256=sha256,
                name=name,
                position=position,
                uploader_id=post.author_id,
            )
        )
    return sha256


def opening(thread: Thread) -> Post:
    return db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.is_opening))


def stored(sha256: str) -> StoredFile:
    db.session.expire_all()
    return db.session.get(StoredFile, sha256)


@pytest.fixture
def post(forum: Forum) -> Post:
    return opening(forum.thread("Noise at the press shop", "Fact sheet attached."))


BUILDERS = {
    "pdf": (samples.pdf_with_text, FileKind.pdf),
    "docx": (samples.docx_with_text, FileKind.document),
    "xlsx": (samples.xlsx_with_text, FileKind.spreadsheet),
    "odt": (samples.odt_with_text, FileKind.document),
}


@pytest.mark.parametrize("format_name", BUILDERS)
def test_the_text_of_each_format_is_read(forum: Forum, post: Post, format_name: str) -> None:
    build, kind = BUILDERS[format_name]
    sha256 = attach(post, f"sheet.{format_name}", build("Hearing protection\nabove 85 dB"), kind)
    assert extract.extract_pending() == 1
    file = stored(sha256)
    assert file.text_state == TextState.done
    assert file.text == "Hearing protection\nabove 85 dB"


def test_inline_strings_of_a_workbook_are_read_too(forum: Forum, post: Post) -> None:
    data = samples.xlsx_with_text("Shared words", inline="Inline words")
    sha256 = attach(post, "register.xlsx", data, FileKind.spreadsheet)
    extract.extract_pending()
    assert stored(sha256).text == "Shared words\nInline words"


def test_a_pdf_with_javascript_gives_its_page_text_only(forum: Forum, post: Post) -> None:
    """What a reader sees on the page is indexed; the script's source is not text of it."""
    sha256 = attach(
        post, "scripted.pdf", samples.pdf_with_javascript("Lockout tagout"), FileKind.pdf
    )
    extract.extract_pending()
    assert stored(sha256).text == "Lockout tagout"


@pytest.mark.parametrize(
    "hostile",
    ["docx_zip_bomb", "docx_with_entity_bomb", "pdf_with_page_loop", "not_a_document"],
)
def test_hostile_or_broken_files_fail_and_stay_attached(
    forum: Forum, post: Post, hostile: str
) -> None:
    data = (
        b"PK\x03\x04 nothing more" if hostile == "not_a_document" else getattr(samples, hostile)()
    )
    kind = FileKind.pdf if hostile.startswith("pdf") else FileKind.document
    sha256 = attach(post, "hostile.docx", data, kind)
    assert extract.extract_pending() == 1
    assert stored(sha256).text_state == TextState.failed
    assert stored(sha256).text == ""
    assert db.session.scalar(select(Attachment.name).where(Attachment.file_sha256 == sha256))


def test_a_zip_bomb_is_refused_before_anything_is_expanded() -> None:
    from forum.attachments import read_text

    with pytest.raises(read_text.Unreadable, match="declares"):
        read_text.read("document", samples.docx_zip_bomb())


def test_a_bomb_that_hides_its_size_is_stopped_by_the_reading_budget() -> None:
    from forum.attachments import read_text

    data = samples.docx_zip_bomb()
    limits = (read_text.MAX_MEMBER_BYTES, read_text.MAX_RATIO)
    read_text.MAX_MEMBER_BYTES, read_text.MAX_RATIO = 1 << 40, 1 << 40  # as if it lied
    try:
        with pytest.raises(read_text.Unreadable, match="too much text"):
            read_text.read("document", data)
    finally:
        read_text.MAX_MEMBER_BYTES, read_text.MAX_RATIO = limits


def test_a_file_too_slow_to_read_fails_at_the_timeout(app: Flask, forum: Forum, post: Post) -> None:
    """20,000 pages take some 8 s to read here; a one-page sheet a tenth of a second: at a
    2-second limit the first fails and the second, read in the same pass, does not."""
    slow = attach(post, "long.pdf", samples.pdf_with_many_pages(20_000), FileKind.pdf)
    quick = attach(post, "sheet.pdf", samples.pdf_with_text("One page"), FileKind.pdf, position=1)
    app.config["EXTRACT_TIMEOUT"] = 2
    extract.extract_pending()
    assert stored(slow).text_state == TextState.failed
    assert stored(quick).text_state == TextState.done


def test_the_child_is_held_to_its_memory_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    data = samples.pdf_with_text("Within the limit")
    assert extract.read_text(FileKind.pdf, data, timeout=20) == "Within the limit"
    monkeypatch.setattr(extract, "MEMORY_MB", 8)  # less than Python itself needs
    assert extract.read_text(FileKind.pdf, data, timeout=20) is None


def test_text_is_capped_normalised_and_free_of_control_characters() -> None:
    raw = "Line\x00one\x1d\t  with   spaces\r\n\n\n  Second\x1f line" + "x" * 300_000
    text = extract.normalised(raw)
    assert text.startswith("Line one with spaces\nSecond line")
    assert len(text) == extract.MAX_TEXT_CHARS
    assert not any(ord(char) < 32 and char != "\n" for char in text)


def test_settling_a_file_writes_down_its_posts_for_the_index(forum: Forum, post: Post) -> None:
    sha256 = attach(post, "sheet.pdf", samples.pdf_with_text("Decibel"), FileKind.pdf)
    other = opening(forum.thread("Second thread", "Same sheet."))
    attach(other, "same.pdf", samples.pdf_with_text("Decibel"), FileKind.pdf)
    start = db.session.scalar(select(SearchOutbox.id).order_by(SearchOutbox.id.desc()).limit(1))
    extract.extract_pending()
    written = db.session.scalars(select(SearchOutbox.post_id).where(SearchOutbox.id > start)).all()
    assert sorted(written) == sorted([post.id, other.id])
    assert stored(sha256).text == "Decibel"


def test_images_and_settled_files_are_left_alone(forum: Forum, post: Post) -> None:
    sha256 = attach(post, "sheet.pdf", samples.pdf_with_text("Once"), FileKind.pdf)
    assert extract.extract_pending() == 1
    assert extract.extract_pending() == 0
    assert stored(sha256).text == "Once"


def test_after_an_upload_the_text_is_read_at_once_without_a_server(
    forum: Forum, post: Post
) -> None:
    sha256 = attach(post, "sheet.pdf", samples.pdf_with_text("Right away"), FileKind.pdf)
    extract.extract_soon()
    assert stored(sha256).text == "Right away"


def test_in_a_server_the_extractor_thread_reads_what_an_upload_left(
    app: Flask, forum: Forum, post: Post, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(extract, "EXTRACT_EVERY", 60.0)  # so only the wake-up can explain it
    extractor = extract.start_background_extractor(app)
    try:
        sha256 = attach(post, "sheet.pdf", samples.pdf_with_text("In the background"), FileKind.pdf)
        extract.extract_soon()  # wakes the thread, reads nothing itself
        deadline = time.monotonic() + 20
        while stored(sha256).text_state == TextState.pending and time.monotonic() < deadline:
            db.session.commit()
            time.sleep(0.05)
    finally:
        extractor.stopping.set()
        extract._wake.set()
        extractor.join(10)
    assert stored(sha256).text == "In the background"
    assert forum.titles("background") == ["Noise at the press shop"]


def test_reindex_reads_files_left_pending(app: Flask, forum: Forum, post: Post) -> None:
    sha256 = attach(post, "sheet.pdf", samples.pdf_with_text("Left pending"), FileKind.pdf)
    result = app.test_cli_runner().invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert "Read the text of 1 attached files." in result.output
    assert stored(sha256).text == "Left pending"
    assert forum.titles("pending") == ["Noise at the press shop"]
