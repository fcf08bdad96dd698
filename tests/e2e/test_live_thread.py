"""Issue 23, item 9, in a real browser: a reply posted while a member reads the thread is
announced at the foot of their page, and Show adds it there without a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.people import register

pytestmark = pytest.mark.browser


def test_a_reply_appears_on_the_readers_open_page(browser, server: str, screenshot) -> None:  # noqa: ANN001
    reader = register(browser, server, "live.reader")
    reader.goto(server + "/n/oic-oshnet/hazardous-work/new")
    reader.get_by_label("Title").fill("Working alone at night: what checks?")
    reader.get_by_label("Message").fill("A lone guard on a night shift: how often to check in?")
    reader.get_by_role("button", name="Post thread").click()
    thread_url = reader.url
    # its socket listens: the server said yes to the page's watch
    reader.locator("[data-live-thread][data-watching=true]").wait_for(state="attached")
    reader.evaluate("window.stayedOnThisPage = true")  # gone if the page reloads
    bar = reader.locator(".new-replies")
    assert bar.is_hidden()

    writer = register(browser, server, "live.writer")
    writer.goto(thread_url)
    for text in ("Every hour, by phone, logged.", "And a man-down alarm on the radio."):
        writer.get_by_label("Your reply").fill(text)
        writer.get_by_role("button", name="Post reply").click()
        writer.get_by_text("Your reply is posted.").wait_for()
        if text.startswith("Every"):
            expect(bar).to_contain_text("1 new reply", timeout=10_000)
    expect(bar).to_contain_text("2 new replies", timeout=10_000)
    assert "Every hour, by phone" not in reader.content()  # announced, not yet shown
    screenshot(reader, "bar")

    reader.get_by_role("button", name="Show").click()
    replies = reader.locator("article.thread li.post")
    expect(replies.nth(1)).to_contain_text("Every hour, by phone, logged.")
    expect(replies.nth(2)).to_contain_text("And a man-down alarm on the radio.")
    assert replies.count() == 3
    expect(bar).to_be_hidden()
    assert reader.evaluate("window.stayedOnThisPage") is True
    # focus moves to the first new reply, where a keyboard or screen reader goes on reading
    assert reader.evaluate("document.activeElement.id") == reader.evaluate(
        "document.querySelectorAll('article.thread li.post')[1].id"
    )
    # the reply as the reader may use it: they asked, so they may accept it
    expect(replies.nth(1).get_by_role("button", name="Accept as answer")).to_be_visible()
    screenshot(reader, "shown-1280")
    reader.set_viewport_size({"width": 390, "height": 800})
    screenshot(reader, "shown-390")
