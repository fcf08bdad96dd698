"""What a person does in the browser to get an account or log in."""

from __future__ import annotations

PASSWORD = "a long enough password"


def register(browser, server: str, username: str):  # noqa: ANN001, ANN201
    page = browser.new_context().new_page()
    page.goto(server + "/")
    page.get_by_role("link", name="Join the forum").first.click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email address").fill(f"{username}@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_text(f"Welcome, {username}").wait_for()
    page.get_by_role("link", name="Skip for now").click()  # the welcome page's profile, later
    page.wait_for_url(server + "/")
    return page


def log_in(browser, server: str, username: str, password: str = PASSWORD):  # noqa: ANN001, ANN201
    page = browser.new_context().new_page()
    page.goto(server + "/auth/login")
    page.get_by_label("Username or email address").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for()
    return page


def make_moderator(database_url: str, username: str, network: str) -> None:
    """An account that moderates a network, made directly in the live server's database."""
    from forum import create_app
    from forum.extensions import db
    from forum.services import accounts, browsing
    from forum.services.admin import set_moderator
    from tests.conftest import make_config

    app = create_app(make_config(database_url))
    with app.app_context():
        user = accounts.register(username, f"{username}@example.org", PASSWORD, confirmed=True)
        set_moderator(None, user, browsing.get_network(network), moderator=True)
        db.session.remove()
        db.engine.dispose()
