"""Issue 25, the resource library on a phone: no Resources page scrolls sideways at
360-414 px, for a visitor or a moderator (with the moderators' buttons), left to right or
right to left, with a document name as long as a member may give it."""

from __future__ import annotations

import pytest

from tests.e2e.test_phone_layout import PHONE_WIDTHS, WIDEST
from tests.e2e.tour import LONG_WORD, NETWORK, THEME, Forum, choose_language, enter, make_forum

pytestmark = pytest.mark.browser

PAGES = (f"/n/{NETWORK}/{THEME}/resources", f"/n/{NETWORK}/resources", f"/themes/{THEME}/resources")


@pytest.fixture(scope="module")
def forum(server: str, database_url: str) -> tuple[Forum, int]:
    """The tour's forum, with two documents on its thread: one reviewed, one named at length."""
    from forum import create_app
    from forum.database import write_transaction
    from forum.extensions import db
    from forum.models import Attachment, FileKind, Post, StoredFile
    from forum.models._time import utcnow
    from tests.conftest import make_config

    made = make_forum(database_url)
    app = create_app(make_config(database_url))
    with app.app_context():
        # one write transaction from the start: a read first would make this an upgrade, which
        # SQLite refuses at once ("database is locked") if the server wrote in between
        with write_transaction() as session:
            post = session.get(Post, made.reply_id)
            for number, name in enumerate(("permit.pdf", f"{LONG_WORD[:190]}.xlsx")):
                sha = f"{number:064x}"
                session.add(
                    StoredFile(
                        sha256=sha, media_type="application/pdf", kind=FileKind.pdf, size=2**21
                    )
                )
                session.add(
                    Attachment(
                        post_id=post.id,
                        file_sha256=sha,
                        name=name,
                        uploader_id=post.author_id,
                        reviewed_at=utcnow() if number == 0 else None,
                    )
                )
        attachment_id = db.session.query(Attachment.id).order_by(Attachment.id).first()[0]
        db.session.remove()
    return made, attachment_id


@pytest.mark.parametrize("role", ["visitor", "moderator"])
def test_no_resources_page_scrolls_sideways_on_a_phone(
    browser,  # noqa: ANN001
    server: str,
    forum: tuple[Forum, int],
    role: str,
) -> None:
    _made, attachment_id = forum
    page = enter(browser, server, role, viewport={"width": 390, "height": 800})
    paths = list(PAGES)
    if role == "moderator":
        paths.append(f"/mod/attachments/{attachment_id}/remove")
    found = []
    for language in ("en", "ar"):
        choose_language(page, language)
        for path in paths:
            page.set_viewport_size({"width": PHONE_WIDTHS[0], "height": 800})
            page.goto(server + path)
            if path in PAGES:
                assert page.locator("h3.thread-title a").count() == 2, (role, path)
            for width in PHONE_WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                if scroll_width > width:
                    found.append(f"{role} {language} {path} at {width}px: {page.evaluate(WIDEST)}")
        if role == "moderator" and language == "en":
            page.goto(server + PAGES[0])
            assert page.get_by_role("button", name="Withdraw the review").count() == 1
            assert page.get_by_role("button", name="Mark as reviewed").count() == 1
            assert page.get_by_role("link", name="Remove…").count() == 2
    page.context.close()
    assert not found, "\n".join(found)
