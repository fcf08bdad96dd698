"""Attachments found by search (issue #25), on both backends as the conformance suite runs
them: Whoosh always, PostgreSQL when FORUM_TEST_DATABASE_URL is one. A thread is found by
words only inside its attached document, the result says in which attachment; a file whose
text could not be read is found by its name; what is removed or hidden is found by no one."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from forum import search
from forum.attachments import extract
from forum.database import write_transaction
from forum.models import Attachment, Post
from forum.models._time import utcnow
from forum.models.attachments import FileKind
from forum.search import outbox
from forum.services import moderation, posting
from tests import document_samples as samples
from tests.search_helpers import Forum
from tests.test_attachment_text import attach, opening, store_file


@pytest.fixture
def app_config(search_backend: str) -> dict[str, object]:
    return {"SEARCH_BACKEND": search_backend}


FACT_SHEET = (
    "Occupational noise fact sheet. Employers must provide audiometric testing "
    "for every worker exposed above the action level."
)


def test_a_thread_is_found_by_a_phrase_only_in_its_pdf(forum: Forum) -> None:
    thread = forum.thread("Noise at the press shop", "The sheet is attached.")
    forum.thread("Unrelated", "Nothing about hearing here.")
    attach(opening(thread), "noise-factsheet.pdf", samples.pdf_with_text(FACT_SHEET), FileKind.pdf)
    assert forum.titles('"audiometric testing"') == []  # not read yet: the name only
    extract.extract_pending()

    assert forum.titles('"audiometric testing"') == ["Noise at the press shop"]
    result = forum.find("audiometric").results.items[0]
    assert result.attachment == "noise-factsheet.pdf"
    assert [text for text, is_match in result.snippet if is_match] == ["audiometric"]
    assert "audiometric testing" in "".join(text for text, _ in result.snippet)


@pytest.mark.parametrize(
    ("name", "build", "kind"),
    [
        ("permit.docx", samples.docx_with_text, FileKind.document),
        ("register.xlsx", samples.xlsx_with_text, FileKind.spreadsheet),
        ("plan.odt", samples.odt_with_text, FileKind.document),
    ],
)
def test_office_documents_are_found_by_their_words(forum: Forum, name, build, kind) -> None:  # noqa: ANN001
    thread = forum.thread("Hot work", "See the attachment.")
    attach(opening(thread), name, build("Fire watch for sixty minutes"), kind)
    extract.extract_pending()
    assert forum.titles("watch sixty") == ["Hot work"]
    assert forum.find("watch sixty").results.items[0].attachment == name


def test_the_posts_own_words_come_before_an_attachments(forum: Forum) -> None:
    attached = forum.thread("Press shop", "Details in the sheet.")
    forum.thread("Press brakes", "Light curtains and two-hand controls for press brakes.")
    attach(
        opening(attached),
        "guarding.pdf",
        samples.pdf_with_text("Light curtains and two-hand controls for press brakes."),
        FileKind.pdf,
    )
    extract.extract_pending()
    assert forum.titles("curtains") == ["Press brakes", "Press shop"]
    # a match in the post itself: the snippet is the post's, not an attachment's
    assert forum.find("curtains").results.items[0].attachment == ""


def test_an_unreadable_file_is_found_by_its_name(forum: Forum) -> None:
    thread = forum.thread("Bombed upload", "Someone sent this.")
    attach(
        opening(thread), "scaffolding-checklist.docx", samples.docx_zip_bomb(), FileKind.document
    )
    extract.extract_pending()
    assert forum.titles("scaffolding checklist") == ["Bombed upload"]
    assert forum.find("checklist").results.items[0].attachment == "scaffolding-checklist.docx"


def test_a_removed_attachment_no_longer_finds_the_post(forum: Forum) -> None:
    thread = forum.thread("Access equipment", "Inspection notes.")
    attach(
        opening(thread),
        "ladder.pdf",
        samples.pdf_with_text("Stepladder inspection tag"),
        FileKind.pdf,
    )
    extract.extract_pending()
    assert forum.titles("stepladder") == ["Access equipment"]

    moderator = forum.member("admin", admin=True)
    with write_transaction() as session:
        attachment = session.scalar(select(Attachment).where(Attachment.name == "ladder.pdf"))
        attachment.removed_at, attachment.removed_by_id = utcnow(), moderator.id
    assert forum.titles("stepladder") == []
    assert forum.indexed("stepladder") == set()
    assert forum.titles("ladder") == []  # its name is gone too


def test_hidden_or_deleted_posts_attachments_are_found_by_no_one(forum: Forum) -> None:
    moderator = forum.member("admin", admin=True)
    thread = forum.thread("Trenches", "Shoring boxes.")
    reply = forum.reply(thread, "My own method, attached.")
    attach(reply, "method.pdf", samples.pdf_with_text("Unshored zigzagtrench method"), FileKind.pdf)
    extract.extract_pending()
    assert forum.titles("zigzagtrench") == ["Trenches"]

    moderation.hide_post(moderator, reply, "Unsafe advice")
    assert forum.titles("zigzagtrench") == []
    assert forum.indexed("zigzagtrench") == set()
    moderation.unhide_post(moderator, reply)
    assert forum.titles("zigzagtrench") == ["Trenches"]

    posting.delete_post(forum.member("kemal"), reply)
    assert forum.titles("zigzagtrench") == []
    assert forum.indexed("zigzagtrench") == set()


def test_a_rebuild_indexes_attachments_text(forum: Forum) -> None:
    thread = forum.thread("Asbestos survey", "Report attached.")
    attach(
        opening(thread),
        "survey.pdf",
        samples.pdf_with_text("Chrysotile in floor tiles"),
        FileKind.pdf,
    )
    extract.extract_pending()
    search.backend().clear()
    assert forum.titles("chrysotile") == []
    outbox.rebuild()
    assert forum.titles("chrysotile") == ["Asbestos survey"]


def test_the_search_page_says_which_attachment_matched(forum: Forum, app: Flask) -> None:
    thread = forum.thread("Welding fume", "Extraction notes.")
    attach(
        opening(thread),
        "fume<sheet>.pdf",
        samples.pdf_with_text("Local exhaust ventilation at the manganese welding bench"),
        FileKind.pdf,
    )
    extract.extract_pending()
    page = app.test_client().get("/search?q=manganese").get_data(as_text=True)
    assert "in the attachment <bdi>fume&lt;sheet&gt;.pdf</bdi>" in page
    assert "<mark>manganese</mark>" in page


def test_an_attachment_added_to_an_existing_post_is_indexed_with_it(forum: Forum) -> None:
    thread = forum.thread("Silica dust", "Wet cutting.")
    post = opening(thread)
    stored_sha = store_file(samples.pdf_with_text("Respirable crystalline"), FileKind.pdf)
    with write_transaction() as session:  # attached through the relationship, as a service may
        session.add(
            Attachment(
                post=session.get(Post, post.id),
                file_sha256=stored_sha,
                name="rcs-limits.pdf",
                uploader_id=post.author_id,
            )
        )
    assert forum.titles("limits") == ["Silica dust"]  # by its name, before its text is read


def test_an_index_of_the_schema_before_attachments_is_rebuilt_at_start(forum: Forum) -> None:
    backend = search.backend()
    if backend.name != "whoosh":
        pytest.skip("Whoosh's generations (PostgreSQL: test_search_conformance's upgrade test)")
    thread = forum.thread("Upgraded forum", "Attached.")
    attach(opening(thread), "lux.pdf", samples.pdf_with_text("Illuminance survey"), FileKind.pdf)
    extract.extract_pending()
    (backend.folder / "s4-1-abcdef").mkdir()
    (backend.folder / "CURRENT").write_text("s4-1-abcdef")  # what the last release left
    assert forum.titles("illuminance") == []  # never read, no error
    assert outbox.ensure_current() == "missing"
    assert forum.titles("illuminance") == ["Upgraded forum"]
