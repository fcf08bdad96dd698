"""A practitioner's first visit, in a real browser: register, ask, get an answer, edit, delete."""

from __future__ import annotations

import re

import pytest

from tests.e2e.people import register

pytestmark = pytest.mark.browser


def test_ask_a_question_get_a_reply_edit_and_delete(browser, server: str, screenshot) -> None:  # noqa: ANN001
    asker = register(browser, server, "amina.rahman")

    # find the board the way a person does: network, then theme
    asker.get_by_role("link", name="OIC Occupational Safety and Health Network").click()
    asker.get_by_role("heading", name="Boards").wait_for()
    asker.get_by_role("link", name="Confined spaces", exact=True).click()
    asker.get_by_role("link", name="Start a thread").click()

    asker.get_by_label("Question").check()
    asker.get_by_label("Title").fill("Gas testing order before entering a wet well")
    asker.get_by_label("Message").fill("Is **oxygen first**, then LEL, then H2S still right?")
    asker.get_by_role("button", name="Preview").click()
    assert asker.locator(".preview strong").inner_text() == "oxygen first"
    asker.get_by_role("button", name="Post thread").click()
    asker.get_by_role("heading", name="Gas testing order before entering a wet well").wait_for()
    thread_url = asker.url
    assert re.search(r"/threads/\d+$", thread_url)
    screenshot(asker, "question")

    expert = register(browser, server, "siti.nurhaliza")
    expert.goto(server + "/n/oic-oshnet/confined-spaces")
    expert.get_by_role("link", name="Gas testing order before entering a wet well").click()
    expert.get_by_label("Your reply").fill("Yes. Oxygen first: LEL sensors misread in low oxygen.")
    expert.get_by_role("button", name="Post reply").click()
    expert.get_by_text("Your reply is posted.").wait_for()

    asker.goto(thread_url)
    posts = asker.locator("li.post")
    assert posts.count() == 2
    assert "oxygen first" in posts.nth(0).inner_text()
    assert "LEL sensors misread in low oxygen" in posts.nth(1).inner_text()
    assert "siti.nurhaliza" in posts.nth(1).inner_text()
    screenshot(asker, "both-posts")

    # the asker edits the question; the post is marked as edited
    asker.get_by_role("link", name="Edit post by amina.rahman").click()
    asker.get_by_label("Message").fill("Is oxygen first, then LEL, then H2S and CO still right?")
    asker.get_by_role("button", name="Save changes").click()
    asker.get_by_text("Your changes are saved.").wait_for()
    assert "H2S and CO" in posts.nth(0).inner_text()
    assert "edited" in posts.nth(0).inner_text()
    # nobody else's post offers an edit link
    assert asker.get_by_role("link", name="Edit post by siti.nurhaliza").count() == 0

    # the expert deletes the reply after a confirmation page
    expert.goto(thread_url)
    expert.get_by_role("link", name="Delete post by siti.nurhaliza").click()
    expert.get_by_role("button", name="Delete post").click()
    expert.get_by_text("The post is deleted.").wait_for()
    assert "This post was deleted." in expert.locator("li.post").nth(1).inner_text()
    screenshot(expert, "after-delete")


def test_the_board_reads_well_on_a_phone(browser, server: str, screenshot) -> None:  # noqa: ANN001
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(server + "/n/oic-oshnet/confined-spaces")
    # nothing overflows sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
    screenshot(page, "phone")
    context.close()
