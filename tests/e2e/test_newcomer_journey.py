"""Issue 23, newcomers, on a phone (390 px) with touch-like taps: register, choose languages
in the welcome page's searchable list, then ask a question from a board's header button."""

from __future__ import annotations

import pytest

from tests.e2e.people import PASSWORD
from tests.e2e.test_phone_layout import WIDEST

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page) -> None:  # noqa: ANN001
    # once its stylesheet is in: a page reached by a tap is measurable (its heading visible)
    # before, laid out without it (CI measured the composer's board list 441 px wide)
    page.wait_for_load_state("load")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], (page.url, page.evaluate(WIDEST))


def test_a_newcomer_fills_the_welcome_page_and_asks_from_a_board(
    browser,  # noqa: ANN001
    server: str,
    screenshot,  # noqa: ANN001
) -> None:
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(server + "/auth/register")
    page.get_by_label("Username").fill("layla.newcomer")
    page.get_by_label("Email address").fill("layla.newcomer@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").tap()

    # the welcome page: the languages list is a filter over checkboxes, chips above it
    page.get_by_role("heading", name="Welcome to the OSH e-Forum").wait_for()
    no_sideways_scroll(page)
    # the field's label now names the filter box, and the list of checkboxes
    languages = page.get_by_role("searchbox", name="Languages spoken")
    assert page.locator("select#languages").is_hidden()  # still in the form, and what is sent
    languages.tap()
    languages.fill("fren")
    options = page.get_by_role("group", name="Languages spoken")
    assert options.get_by_role("checkbox").filter(visible=True).count() == 1
    options.get_by_text("French", exact=True).tap()
    page.get_by_role("button", name="Remove French").wait_for()
    languages.fill("arab")
    languages.press("Enter")  # the first match, without sending the form
    page.get_by_role("button", name="Remove Arabic").wait_for()
    assert languages.input_value() == ""
    languages.fill("swa")
    options.get_by_text("Swahili", exact=True).tap()
    page.get_by_role("button", name="Remove Swahili").tap()  # a chip's tap removes it
    assert not options.get_by_role("checkbox", name="Swahili").is_checked()
    assert page.get_by_role("button", name="Remove Swahili").count() == 0
    languages.fill("zzzz")
    page.get_by_text("No language matches.").wait_for()
    languages.fill("")
    page.get_by_label("Institution").fill("Jordan OSH Institute")
    page.get_by_label("Confined spaces").tap()
    screenshot(page, "welcome")
    no_sideways_scroll(page)
    page.get_by_role("button", name="Save and continue").tap()
    page.get_by_text("Your profile is saved.").wait_for()

    page.goto(server + "/u/layla.newcomer")
    profile = page.locator("main").inner_text()
    assert "French" in profile
    assert "Arabic" in profile
    assert "Swahili" not in profile
    assert "Jordan OSH Institute" in profile

    # from a board, the header's button opens the composer with that board chosen
    page.goto(server + "/n/oic-oshnet/fire-safety")
    no_sideways_scroll(page)
    page.get_by_role("link", name="Ask a question").tap()
    page.get_by_role("heading", name="Ask a question").wait_for()
    no_sideways_scroll(page)
    board = page.get_by_label("Network and theme")
    chosen = board.evaluate(
        "select => select.selectedOptions[0].parentElement.label"
        " + ' / ' + select.selectedOptions[0].text"
    )
    assert chosen == "OIC Occupational Safety and Health Network / Fire safety in OIC-OSHNET"
    assert page.get_by_label("Question").is_checked()
    page.get_by_label("Title").fill("How often should extinguishers be serviced?")
    page.get_by_label("Message").fill("Monthly visual checks, and a yearly service?")
    screenshot(page, "ask")
    page.get_by_role("button", name="Post thread").tap()
    page.get_by_text("Your thread is posted.").wait_for()
    breadcrumbs = page.get_by_role("navigation", name="Breadcrumb").inner_text()
    assert "Fire safety" in breadcrumbs
    no_sideways_scroll(page)
    context.close()


def test_the_languages_list_works_without_javascript(browser, server: str) -> None:  # noqa: ANN001
    from tests.e2e.people import register

    page = register(browser, server, "plain.select")
    page.context.close()
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "/auth/login")
    page.get_by_label("Username or email address").fill("plain.select")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(server + "/welcome")
    page.get_by_label("Languages spoken").select_option(["es", "pt"])
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_text("Your profile is saved.").wait_for()
    page.goto(server + "/u/plain.select")
    assert "Spanish" in page.locator("main").inner_text()
    context.close()
