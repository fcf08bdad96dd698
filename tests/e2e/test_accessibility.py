"""Issue 23, accessible to everyone: public institutions are held to WCAG 2.1 AA. axe-core
(vendored, tests/e2e/vendor/) checks every page kind for each role in English and Arabic; the
menu, the composer and moderation actions work from the keyboard alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.tour import (
    NETWORK,
    ROLES,
    THEME,
    Forum,
    choose_language,
    enter,
    make_forum,
    pages,
)

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(
  (result) => result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 6).map((node) => node.target.join(' ')),
  })))"""


@pytest.fixture(scope="module")
def forum(server: str, database_url: str) -> Forum:
    return make_forum(database_url)


def violations(page, where: str) -> list[str]:  # noqa: ANN001
    """What axe finds on the page as it is now, one line per rule."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    return [
        f"{where}: {v['id']} ({v['impact']}) {v['help']}: {', '.join(v['targets'])}"
        for v in page.evaluate(RUN_AXE, WCAG_21_AA)
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_meets_wcag_21_aa(browser, server: str, forum: Forum, role: str) -> None:  # noqa: ANN001
    found = []
    # the page's own policy allows only its scripts: the test lets axe in
    page = enter(browser, server, role, viewport={"width": 1280, "height": 900}, bypass_csp=True)
    for language in ("en", "ar"):
        choose_language(page, language)
        for kind, path in pages(role, forum).items():
            page.goto(server + path)
            found += violations(page, f"{role} {language} {kind}")
        # on a phone, with the menu open
        page.set_viewport_size({"width": 390, "height": 800})
        page.goto(server + "/")
        page.locator("summary.menu-button").click()
        found += violations(page, f"{role} {language} phone menu")
        page.set_viewport_size({"width": 1280, "height": 900})
        if role != "visitor":  # a form sent with mistakes: its fields say so, correctly
            page.goto(server + f"/n/{NETWORK}/{THEME}/new")
            page.locator("form.composer [type=submit]").first.click()
            page.locator(".has-error").first.wait_for()
            found += violations(page, f"{role} {language} composer with errors")
    page.context.close()
    assert not found, "\n".join(found)


def test_the_menu_opens_from_the_keyboard(browser, server: str, forum: Forum) -> None:  # noqa: ANN001
    page = enter(browser, server, "member", viewport={"width": 390, "height": 800})
    choose_language(page, "en")
    menu = page.locator("summary.menu-button")
    for _ in range(5):  # skip link, the forum's name, then the menu button
        page.keyboard.press("Tab")
        if menu.evaluate("el => el === document.activeElement"):
            break
    assert menu.evaluate("el => el === document.activeElement"), "Tab never reaches the menu"
    assert menu.get_attribute("aria-expanded") in (None, "false")
    main_nav = page.get_by_role("navigation", name="Main")
    assert not main_nav.is_visible()
    page.keyboard.press("Enter")
    expect(main_nav).to_be_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Networks"
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Networks", level=1).wait_for()
    page.context.close()


def tab_to(page, name: str, limit: int = 80) -> None:  # noqa: ANN001
    """Press Tab until the focused control is the one labelled `name`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
              const el = document.activeElement;
              const label = el.labels && el.labels[0] ? el.labels[0].textContent : '';
              const value = el.type === 'submit' ? el.value : '';
              const name = label || el.getAttribute('aria-label') || value || el.textContent;
              return (name || '').trim();
            }"""
        )
        if focused == name:
            return
    raise AssertionError(f"Tab never reaches {name!r}")


def test_a_member_asks_with_the_keyboard_alone(browser, server: str, forum: Forum) -> None:  # noqa: ANN001
    page = enter(browser, server, "member", viewport={"width": 1280, "height": 900})
    choose_language(page, "en")
    page.goto(server + f"/n/{NETWORK}/{THEME}/new")
    tab_to(page, "Title")
    page.keyboard.type("Rescue plan for a manhole entry")
    tab_to(page, "Message")
    page.keyboard.type("Who stands by, and with what retrieval gear?")
    tab_to(page, "Post thread")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Rescue plan for a manhole entry").wait_for()
    page.context.close()


def test_a_moderator_hides_a_reported_post_with_the_keyboard(
    browser,  # noqa: ANN001
    server: str,
    forum: Forum,
) -> None:
    page = enter(browser, server, "moderator", viewport={"width": 390, "height": 800})
    choose_language(page, "en")
    page.goto(server + f"/mod/{NETWORK}/reports")
    tab_to(page, "Reason for hiding")
    page.keyboard.type("Advice that leaves out gas testing.")
    tab_to(page, "Hide the post")
    page.keyboard.press("Enter")
    page.get_by_text("The post is hidden and its reports are closed.").wait_for()
    page.context.close()
