"""Issue 23's acceptance, walked in a real browser at desktop and phone width, in English and
Arabic: register, fill the profile, ask from the global button, see a reply arrive live in the
open thread, search `is:unanswered`, open a facet link with no false errors, read an edited
answer's history, and, as a moderator, read the audit log in sentences. No page scrolls
sideways on the way.

The walker finds things by what does not change with the language (names, addresses);
the helpers, who stay in English, by their labels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from tests.e2e.people import PASSWORD, log_in
from tests.e2e.tour import choose_language

pytestmark = pytest.mark.browser

NETWORK, THEME = "oic-oshnet", "confined-spaces"
MODERATOR, REPLIER, SUSPENDED = "walk.moderator", "walk.replier", "walk.careless"
WALKS = [("en", 1280), ("en", 390), ("ar", 1280), ("ar", 390)]


@dataclass(frozen=True)
class Setting:
    board_id: int


@pytest.fixture(scope="module")
def setting(server: str, database_url: str) -> Setting:
    """A moderator who has suspended someone (so the audit log has a line), and a replier."""
    from forum import create_app
    from forum.extensions import db
    from forum.models._time import utcnow
    from forum.services import accounts, browsing, sanctions
    from forum.services.admin import set_moderator
    from tests.conftest import make_config

    app = create_app(make_config(database_url))
    with app.app_context():
        people = {
            name: accounts.register(name, f"{name}@example.org", PASSWORD, confirmed=True)
            for name in (MODERATOR, REPLIER, SUSPENDED)
        }
        network = browsing.get_network(NETWORK)
        set_moderator(None, people[MODERATOR], network, moderator=True)
        sanctions.suspend(
            people[MODERATOR],
            people[SUSPENDED],
            network,
            utcnow() + timedelta(days=7),
            "repeated unsafe advice",
        )
        result = Setting(board_id=browsing.get_board(NETWORK, THEME).id)
        db.session.remove()
        db.engine.dispose()
    return result


@pytest.fixture(scope="module")
def replier(browser, server: str, setting: Setting):  # noqa: ANN001, ANN201
    """The helper answers in English, logged in once (log-ins are limited per minute)."""
    page = log_in(browser, server, REPLIER)
    yield page
    page.context.close()


@pytest.fixture(scope="module")
def moderator(browser, server: str, setting: Setting):  # noqa: ANN001, ANN201
    page = log_in(browser, server, MODERATOR)
    yield page
    page.context.close()


def fits(page, width: int) -> None:  # noqa: ANN001
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} scrolls sideways: {scroll_width}px at {width}px"


@pytest.mark.parametrize(("language", "width"), WALKS)
def test_a_newcomer_asks_gets_a_live_answer_and_finds_things(
    browser,  # noqa: ANN001
    server: str,
    setting: Setting,
    replier,  # noqa: ANN001
    moderator,  # noqa: ANN001
    screenshot,  # noqa: ANN001
    language: str,
    width: int,
) -> None:
    name = f"walker.{language}{width}"
    title = f"Gas testing before entering a wet well ({language}, {width} px)"
    viewport = {"width": width, "height": 844}
    context = browser.new_context(viewport=viewport, has_touch=width < 800)
    page = context.new_page()

    # register, in the language chosen on the way in
    page.goto(server + "/auth/register")
    choose_language(page, language)
    page.locator("#username").fill(name)
    page.locator("#email").fill(f"{name}@example.org")
    page.locator("#password").fill(PASSWORD)
    page.locator("#confirm").fill(PASSWORD)
    page.locator("form #submit").click()

    # the welcome page invites the profile
    page.locator("form.welcome-form").wait_for()
    assert page.locator("html").get_attribute("lang") == language
    fits(page, width)
    page.locator("#institution").fill("Institut national de santé au travail")
    page.locator(f"input[name='expertise'] + label:has-text('{theme_label(language)}')").click()
    page.locator("form.welcome-form button[type='submit']").click()
    page.wait_for_url(lambda url: "/welcome" not in url)
    page.goto(server + f"/u/{name}")
    assert "Institut national de santé au travail" in page.locator("main").inner_text()
    fits(page, width)

    # ask from the header's button, anywhere
    page.locator("a.ask-button").click()
    page.locator("select[name='board']").select_option(str(setting.board_id))
    page.locator("input[name='kind'][value='question']").check()
    page.locator("#title").fill(title)
    page.locator("#body").fill("Which gases, in which order, and how often during the entry?")
    fits(page, width)
    page.locator("form #submit").click()
    page.wait_for_url("**/threads/**")
    thread_url = page.url.split("?")[0].split("#")[0]
    assert page.locator("h1").inner_text().strip() == title
    page.locator(".new-replies-region[data-watching='true']").wait_for(state="attached")
    page.evaluate("window.stayedOnThisPage = true")  # gone if the page reloads

    # a reply arrives while the thread is open, and shows without a reload
    replier.goto(thread_url)
    replier.get_by_label("Your reply").fill("Oxygen first, then flammables, then H2S; monitor.")
    replier.get_by_role("button", name="Post reply").click()
    replier.get_by_text("Your reply is posted.").wait_for()
    bar = page.locator(".new-replies")
    bar.wait_for(timeout=15_000)
    fits(page, width)
    bar.locator("button").click()
    page.locator("li.post", has_text="Oxygen first, then flammables").wait_for()
    assert page.evaluate("window.stayedOnThisPage") is True
    screenshot(page, f"live-{language}-{width}")

    # the answer is edited after people read it: everyone can see what changed
    reply_post = replier.locator("li.post", has_text="Oxygen first")
    reply_post.locator("a[href$='/edit']").click()
    replier.get_by_label("Message").fill(
        "Oxygen first, then flammables, then H2S; monitor continuously."
    )
    replier.get_by_role("button", name="Save changes").click()
    replier.wait_for_url("**/threads/**")
    page.goto(thread_url)
    page.locator("li.post a.edited").click()
    page.locator(".history-edit").first.wait_for()
    assert "continuously." in page.locator(".diff ins").first.inner_text()
    fits(page, width)

    # search is:unanswered alone finds the open question, once the server has indexed it
    for _ in range(30):
        page.goto(server + "/search?q=is%3Aunanswered")
        if page.locator(".result", has_text=title).count():
            break
        page.wait_for_timeout(500)
    page.locator(".result", has_text=title).wait_for(timeout=5_000)
    fits(page, width)

    # a facet link opens a narrowed search with no false "Not a valid choice."
    facet = page.locator(".facets a").first
    facet.click()
    page.wait_for_load_state()
    assert page.locator(".error, .form-errors, [aria-invalid='true']").count() == 0
    assert "Not a valid choice" not in page.content()
    fits(page, width)
    context.close()

    # a moderator reads the audit log in sentences, in the same language
    moderator.set_viewport_size(viewport)
    choose_language(moderator, language)
    moderator.goto(server + f"/mod/{NETWORK}/audit")
    line = " ".join(moderator.locator("li.audit-entry", has_text=SUSPENDED).inner_text().split())
    assert MODERATOR in line
    assert "OIC-OSHNET" in line
    assert "repeated unsafe advice" in line
    assert "{" not in line  # no JSON
    assert "_" not in line.replace(SUSPENDED, "")  # no codes such as user_suspended
    if language == "en":
        assert f"{MODERATOR} suspended {SUSPENDED} in OIC-OSHNET until" in line
    fits(moderator, width)
    screenshot(moderator, f"audit-{language}-{width}")


def theme_label(language: str) -> str:
    return {"en": "Confined spaces", "ar": "الأماكن المحصورة"}[language]
