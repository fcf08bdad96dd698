"""What a reader sees where scripts meet, in a real browser: an Arabic title on an English
board card leaves the date after it, and the search help's filter keys read as typed in the
Arabic page. Measured from where the browser draws each character."""

from __future__ import annotations

import pytest

from tests.e2e.people import register

pytestmark = pytest.mark.browser

ARABIC_TITLE = "فحص الهواء"  # short: the card's line does not wrap

# the left edge of the first character of `text` inside `root`, wherever its text node is
CHARACTER_LEFT = """([root, text, index]) => {
  const walker = document.createTreeWalker(document.querySelector(root), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(text);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at + index);
    range.setEnd(node, at + index + 1);
    return range.getBoundingClientRect().left;
  }
  return null;
}"""


def left_of(page, root: str, text: str, index: int = 0) -> float:  # noqa: ANN001
    left = page.evaluate(CHARACTER_LEFT, [root, text, index])
    assert left is not None, f"{text!r} not in {root}"
    return left


def test_an_arabic_title_leaves_the_date_after_it_on_a_board_card(
    browser,  # noqa: ANN001
    server: str,
    screenshot,  # noqa: ANN001
) -> None:
    page = register(browser, server, "nadia.scripts")
    page.goto(server + "/n/oic-oshnet/confined-spaces/new")
    page.get_by_label("Title").fill(ARABIC_TITLE)
    page.get_by_label("Message").fill("نقيس الأكسجين أولًا.")
    page.get_by_role("button", name="Post thread").click()
    page.get_by_text("Your thread is posted.").wait_for()

    page.goto(server + "/n/oic-oshnet")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "board-card-1280")
    card = page.locator(".board-latest", has_text=ARABIC_TITLE)
    title = card.locator("a").bounding_box()
    date = card.locator("time").inner_text()
    # the date's day is drawn after the title (its time may wrap to the next line): without
    # the isolate the day joins the Arabic run and lands at the title's left
    day_left = left_of(page, ".board-latest", date)
    assert day_left >= title["x"] + title["width"] - 1, "the date's day moved before the title"
    page.set_viewport_size({"width": 390, "height": 900})
    screenshot(page, "board-card-390")


def test_the_search_helps_filter_keys_read_as_typed_in_arabic(
    browser,  # noqa: ANN001
    server: str,
    screenshot,  # noqa: ANN001
) -> None:
    page = browser.new_context(locale="ar").new_page()
    page.goto(server + "/search")
    assert page.evaluate("document.dir") == "rtl"
    hint = "#q-hint"
    for key in ("network:", "kind:", "theme:"):
        # the colon stays at the right of its word, where it was typed
        assert left_of(page, hint, key, len(key) - 1) > left_of(page, hint, key, 0), key
    unanswered = "is:unanswered"
    assert left_of(page, hint, unanswered, 0) < left_of(page, hint, unanswered, 3)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.locator("details.search-filters").evaluate("el => el.open = true")
        screenshot(page, f"search-help-{width}")
