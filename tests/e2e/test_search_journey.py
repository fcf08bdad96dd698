"""Search before you ask, in a real browser: similar threads while typing a title, then the
search page from the header, its filters and a result that leads to the post."""

from __future__ import annotations

import pytest

from tests.e2e.people import register

pytestmark = pytest.mark.browser


def test_a_member_finds_an_answer_from_another_network(browser, server: str, screenshot) -> None:  # noqa: ANN001
    asker = register(browser, server, "kemal.ozturk")
    asker.goto(server + "/n/oic-oshnet/construction/new")
    asker.get_by_label("Question").check()
    asker.get_by_label("Title").fill("Anchor points for fall arrest on steel beams")
    asker.get_by_label("Message").fill("Beam clamps or welded anchors? We use **beam clamps**.")
    asker.get_by_role("button", name="Post thread").click()
    asker.get_by_text("Your thread is posted.").wait_for()

    # in another network, a member starts to ask the same thing
    member = register(browser, server, "nurul.aina")
    member.goto(server + "/n/asean-oshnet/construction/new")
    member.get_by_label("Title").press_sequentially("fall arrest anchor on a beam", delay=20)
    similar = member.get_by_role("region", name="Already asked? Similar threads")
    similar.get_by_role("link", name="Anchor points for fall arrest on steel beams").wait_for()
    assert "OIC-OSHNET · Construction" in similar.inner_text()
    screenshot(member, "similar-threads")

    # the search page, from the main navigation, marks the words in the passage
    member.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
    member.get_by_label("Search for").fill("clamps")
    member.get_by_role("button", name="Search", exact=True).click()
    member.get_by_text("1 thread found").wait_for()
    assert member.locator(".snippet mark").first.inner_text().lower() == "clamps"
    screenshot(member, "results")

    # a filter chosen in the controls narrows the search to nothing, then back
    member.get_by_text("Filters and sorting").click()
    member.get_by_label("Network").select_option(label="ASEAN-OSHNET")
    member.get_by_role("button", name="Search", exact=True).click()
    member.get_by_text("0 threads found").wait_for()
    member.get_by_label("Network").select_option(label="Any network")
    member.get_by_role("button", name="Search", exact=True).click()

    member.get_by_role("link", name="Anchor points for fall arrest on steel beams").click()
    member.get_by_role("heading", name="Anchor points for fall arrest on steel beams").wait_for()
    assert "/threads/" in member.url


def test_search_reads_well_on_a_phone(browser, server: str, screenshot) -> None:  # noqa: ANN001
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(server + "/search?q=anchor+beams")
    page.get_by_text("thread found").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "phone-search")
    context.close()
