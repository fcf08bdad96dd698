"""A little forum and every kind of page in it, by role: shared by the layout and
accessibility browser tests, which visit each page as each kind of person would."""

from __future__ import annotations

from dataclasses import dataclass

from tests.e2e.people import PASSWORD

LANGUAGES = ("en", "fr", "ar", "es")
ROLES = ("visitor", "member", "moderator", "admin")
NETWORK, THEME = "oic-oshnet", "confined-spaces"
MEMBER, REPLIER = "nur.member", "abdulrahman_al-muhairi_inspector"
MODERATOR, ADMIN = "oic.moderator", "site.admin"
USERNAMES = {"member": MEMBER, "moderator": MODERATOR, "admin": ADMIN}
LONG_WORD = "Pneumoultramicroscopicsilicovolcanoconiosis" * 3
LONG_TITLE = (
    "Continuous atmospheric monitoring with calibrated four-gas detectors before and during "
    "entry into wet wells, digesters and sewer interceptors"
)
LONG_URL = "https://www.example.org/" + "osh/" * 30 + "confined-space-entry-permit.pdf"


@dataclass(frozen=True)
class Forum:
    thread_id: int
    reply_id: int


def make_forum(database_url: str) -> Forum:
    """Members, a moderator and an admin, a thread with a long title and an unbroken word,
    replies, an open report and a hidden post (so queue and audit log have rows)."""
    from sqlalchemy import update

    from forum import create_app
    from forum.database import write_transaction
    from forum.extensions import db
    from forum.models import MailOutbox, ReportReason, SearchOutbox, ThreadKind
    from forum.services import accounts, browsing, moderation, posting
    from forum.services.admin import set_moderator
    from tests.conftest import make_config

    app = create_app(make_config(database_url))
    with app.app_context():
        people = {
            name: accounts.register(
                name, f"{name}@example.org", PASSWORD, confirmed=True, is_admin=name == ADMIN
            )
            for name in (MEMBER, REPLIER, MODERATOR, ADMIN)
        }
        network = browsing.get_network(NETWORK)
        set_moderator(None, people[MODERATOR], network, moderator=True)
        board = browsing.get_board(NETWORK, THEME)
        thread = posting.start_thread(
            people[MEMBER],
            board,
            ThreadKind.question,
            LONG_TITLE,
            f"Gas testing before entry: {LONG_WORD} and the permit at {LONG_URL}\n\n"
            "| Gas | Alarm | Second column | Third column | Fourth column |\n"
            "| --- | --- | --- | --- | --- |\n"
            "| Oxygen | 19.5% | below | the | threshold |\n",
        )
        reply = posting.reply(
            people[REPLIER], thread, f"@{MEMBER} oxygen first, then {LONG_WORD}, then H2S."
        )
        unsafe = posting.reply(people[REPLIER], thread, "No attendant needed: go in alone.")
        moderation.report_post(people[MEMBER], reply, ReportReason.unsafe_advice, LONG_WORD)
        moderation.hide_post(people[MODERATOR], unsafe, f"Lone entry kills. {LONG_WORD}")
        with write_transaction() as session:
            session.add(  # a message the mail server refused: a row on the admin's mail page
                MailOutbox(
                    kind="notification",
                    user_id=people[MEMBER].id,
                    status="failed",
                    attempts=5,
                    last_error=f"550 5.1.1 <{LONG_WORD}@example.org>: Recipient address rejected",
                )
            )
        # this process indexed into its own scratch index: leave the work to the server's
        with write_transaction() as session:
            session.execute(update(SearchOutbox).values(indexed_at=None))
        result = Forum(thread_id=thread.id, reply_id=reply.id)
        db.session.remove()
        db.engine.dispose()
    return result


def pages(role: str, forum: Forum) -> dict[str, str]:
    """Every kind of page this role can open, by a short name."""
    seen = {
        "home": "/",
        "network": f"/n/{NETWORK}",
        "board": f"/n/{NETWORK}/{THEME}",
        "theme": f"/themes/{THEME}",
        "themes": "/themes",
        "thread": f"/threads/{forum.thread_id}",
        "profile": f"/u/{REPLIER}",
        "experts": "/experts",
        "search": "/search?q=oxygen",
    }
    if role == "visitor":
        return seen | {
            "log in": "/auth/login",
            "register": "/auth/register",
            "forgot password": "/auth/forgot",
        }
    seen |= {
        "own profile": f"/u/{USERNAMES[role]}",
        "unanswered for me": "/unanswered",
        "account": "/auth/account",
        "notifications": "/notifications",
        "notification settings": "/notifications/settings",
        "composer": f"/n/{NETWORK}/{THEME}/new",
        "ask a question": "/ask",
        "welcome": "/welcome",
        "report": f"/posts/{forum.reply_id}/report",
        "edit profile": "/profile",
    }
    if role in ("moderator", "admin"):
        seen |= {
            "moderation": "/mod",
            "moderation queue": f"/mod/{NETWORK}/reports",
            "audit log": f"/mod/{NETWORK}/audit",
            "post history": f"/mod/posts/{forum.reply_id}/history",
            "sanctions": f"/mod/{NETWORK}/sanctions",
        }
    if role == "admin":
        seen |= {
            "admin": "/admin",
            "admin mail": "/admin/mail",
            "admin audit log": "/admin/audit",
            "boards": f"/mod/{NETWORK}/boards",
        }
    return seen


def enter(browser, server: str, role: str, **context_options: object):  # noqa: ANN001, ANN201
    """A page in a fresh context, logged in as the role's person (a visitor stays out)."""
    page = browser.new_context(**context_options).new_page()
    page.goto(server + "/auth/login")
    if role == "visitor":
        return page
    page.get_by_label("Username or email address").fill(USERNAMES[role])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.locator("form[action$='/auth/logout']").wait_for(state="attached")
    return page


def choose_language(page, code: str) -> None:  # noqa: ANN001
    """The footer's switcher, as a person uses it (a member's choice goes to their profile)."""
    page.locator(f".language-switcher button[value='{code}']").click()
    page.wait_for_load_state()
    page.locator(f"html[lang='{code}']").wait_for(state="attached")
