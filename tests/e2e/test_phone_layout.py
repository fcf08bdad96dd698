"""Issue 23, phones: no page scrolls sideways at 360-414 px, for anyone, in any language;
the header's menu button opens without JavaScript; a moderator's desktop header is one row."""

from __future__ import annotations

import pytest

from tests.e2e.tour import (
    LANGUAGES,
    NETWORK,
    ROLES,
    Forum,
    choose_language,
    enter,
    make_forum,
    pages,
)

pytestmark = pytest.mark.browser

PHONE_WIDTHS = (360, 390, 414)
# the widest thing on the page, for the failure message
WIDEST = """() => {
  const width = window.innerWidth;
  let worst = null;
  const consider = (box, el, text) => {
    const out = Math.max(box.right - width, -box.left);
    if (box.width && out > 0.5 && (!worst || out > worst.out)) {
      worst = {out: Math.round(out), tag: el.tagName.toLowerCase(),
               cls: String(el.className), text: text.trim().slice(0, 60)};
    }
  };
  for (const el of document.body.querySelectorAll('*')) {
    consider(el.getBoundingClientRect(), el, el.textContent || '');
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  while (walker.nextNode()) {
    range.selectNodeContents(walker.currentNode);
    const node = walker.currentNode;
    consider(range.getBoundingClientRect(), node.parentElement, node.data);
  }
  return worst;
}"""


@pytest.fixture(scope="module")
def forum(server: str, database_url: str) -> Forum:
    return make_forum(database_url)


def sideways(page, server: str, role: str, language: str, forum: Forum) -> list[str]:  # noqa: ANN001
    """Every page kind at every phone width: what scrolls sideways, and what sticks out."""
    found = []
    for kind, path in pages(role, forum).items():
        page.set_viewport_size({"width": PHONE_WIDTHS[0], "height": 800})
        page.goto(server + path)
        assert page.locator("html").get_attribute("lang") == language, (kind, role)
        if kind == "search":  # results come once the server has indexed the thread
            for _ in range(30):
                if page.locator(".result").count():
                    break
                page.wait_for_timeout(500)
                page.reload()
            page.locator(".result").first.wait_for(timeout=5_000)
        for width in PHONE_WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                widest = page.evaluate(WIDEST)
                found.append(f"{role} {language} {kind} at {width}px: {scroll_width}px, {widest}")
    return found


@pytest.mark.parametrize("role", ROLES)
def test_no_page_scrolls_sideways_on_a_phone(
    browser,  # noqa: ANN001
    server: str,
    forum: Forum,
    role: str,
) -> None:
    found = []
    page = enter(browser, server, role, viewport={"width": 390, "height": 800})
    for language in LANGUAGES:
        choose_language(page, language)
        found += sideways(page, server, role, language, forum)
    page.context.close()
    assert not found, "\n".join(found)


def test_the_menu_button_opens_the_menu_without_javascript(
    browser,  # noqa: ANN001
    server: str,
    forum: Forum,
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    page.goto(server + f"/threads/{forum.thread_id}")
    nav = page.get_by_role("navigation", name="Main")
    button = page.locator("summary", has_text="Menu")
    assert button.is_visible()
    assert not nav.is_visible()
    button.click()
    assert nav.is_visible()
    nav.get_by_role("link", name="Themes").click()
    page.get_by_role("heading", name="Themes", level=1).wait_for()
    context.close()


def test_the_menu_stays_out_of_the_way_on_a_desktop(browser, server: str, forum: Forum) -> None:  # noqa: ANN001
    page = enter(browser, server, "moderator", viewport={"width": 1280, "height": 800})
    for language in LANGUAGES:
        choose_language(page, language)
        page.goto(server + f"/mod/{NETWORK}/audit")
        assert not page.locator("summary.menu-button").is_visible()
        # the header's links and its brand share one row: each as tall as one line of text
        rows = page.evaluate(
            """() => {
              const header = document.querySelector('.header-row');
              const tops = new Set();
              for (const el of header.querySelectorAll('.brand, nav li')) {
                const box = el.getBoundingClientRect();
                if (box.width) tops.add(Math.round(box.top + box.height / 2));
              }
              return [...tops];
            }"""
        )
        assert len(rows) == 1 or max(rows) - min(rows) <= 4, (language, rows)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.context.close()
