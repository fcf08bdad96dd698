"""Issue acceptance in a real browser: a reply shows up in the other member's header, live."""

from __future__ import annotations

import pytest

from tests.conftest import readable
from tests.e2e.people import register

pytestmark = pytest.mark.browser


def test_the_badge_and_a_toast_update_without_a_reload(browser, server: str, screenshot) -> None:  # noqa: ANN001
    asker = register(browser, server, "waiting.asker")
    asker.goto(server + "/n/oic-oshnet/fire-safety/new")
    asker.get_by_label("Title").fill("Extinguisher inspection intervals?")
    asker.get_by_label("Message").fill("Monthly visual checks enough?")
    asker.get_by_role("button", name="Post thread").click()
    thread_url = asker.url
    badge = asker.locator("#unread-count")
    assert badge.is_hidden()
    asker.evaluate("window.stayedOnThisPage = true")  # gone if the page reloads

    helper = register(browser, server, "quick.helper")
    helper.goto(thread_url)
    helper.get_by_label("Your reply").fill("Monthly visual, yearly by a competent person.")
    helper.get_by_role("button", name="Post reply").click()
    helper.get_by_text("Your reply is posted.").wait_for()

    toast = asker.locator(".toast")
    toast.wait_for(timeout=10_000)
    assert "quick.helper replied to your thread “Extinguisher inspection intervals?”" in readable(
        toast.inner_text()
    )
    assert badge.inner_text() == "1"
    assert badge.is_visible()
    assert asker.evaluate("window.stayedOnThisPage") is True
    screenshot(asker, "toast")

    toast.get_by_role("link").click()
    asker.wait_for_url("**/threads/**")
    assert "Monthly visual, yearly by a competent person." in asker.content()
