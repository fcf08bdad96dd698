"""A member who forgot their password, in a real browser: ask for a link on the log-in page,
read it in the mail that reached a real SMTP server, choose a new password, end logged in."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from forum import create_app
from forum.extensions import db
from tests.conftest import _wipe, make_config
from tests.e2e.conftest import chromium
from tests.e2e.people import register
from tests.live import live_server
from tests.mail_server import MailServer, text_of

pytestmark = pytest.mark.browser

SHOTS = Path(tempfile.gettempdir()) / "shots"  # for people to look at
DESKTOP = {"width": 1280, "height": 800}
NEW_PASSWORD = "my new and longer passphrase"


@pytest.fixture
def mailed_server(
    _schema: None, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, MailServer]]:
    """A live `forum serve` whose mail goes to a real SMTP server of the test's."""
    app = create_app(make_config(database_url))
    with app.app_context():
        _wipe()
        db.engine.dispose()
    smtp = MailServer()
    smtp.start()
    log = tmp_path_factory.mktemp("e2e-reset") / "serve.log"
    try:
        with live_server(database_url, log, FORUM_MAIL_URL=smtp.url) as url:
            yield url, smtp
    finally:
        smtp.stop()


@pytest.fixture
def browser(mailed_server: tuple[str, MailServer]) -> Iterator[object]:
    """Closed before its server stops (see the shared fixture)."""
    with chromium() as launched:
        yield launched


def test_forgot_password_link_new_password_logged_in(browser, mailed_server) -> None:  # noqa: ANN001
    server, smtp = mailed_server
    member = register(browser, server, "layla.haddad")
    smtp.wait_for(1)  # the confirmation of her address
    member.context.close()

    page = browser.new_context(viewport=DESKTOP).new_page()
    page.goto(server + "/auth/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_role("heading", name="Forgot your password?").wait_for()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "forgot.png"), full_page=True)
    page.get_by_label("Username or email address").fill("layla.haddad@example.org")
    page.get_by_role("button", name="Send me a link").click()
    page.get_by_role("heading", name="Check your mail").wait_for()

    reset = smtp.wait_for(2)[1]
    assert reset["To"].addresses[0].addr_spec == "layla.haddad@example.org"
    link = re.search(r"https?://\S+(/auth/reset/\S+)", text_of(reset))
    assert link, text_of(reset)
    page.goto(server + link.group(1))
    page.get_by_role("heading", name="Choose a new password").wait_for()
    page.screenshot(path=str(SHOTS / "reset.png"), full_page=True)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repeat the new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set the new password").click()

    page.get_by_text("Your password is changed.").wait_for()
    page.get_by_role("button", name="Log out").wait_for()
    assert "layla.haddad" in page.locator("header").first.inner_text()
