"""Issue 24's acceptance in a real browser: a moderator adds an institution with a laboratory,
a member says they work there, its manager confirms it, and the institution is found by its
directory's filters, by its page and by search."""

from __future__ import annotations

import pytest

from tests.e2e.people import log_in, make_moderator, register

pytestmark = pytest.mark.browser

NAME = "National Institute of Occupational Safety and Health Malaysia"
SILICA = "Accredited laboratory for respirable crystalline silica (NIOSH 7500)"


def test_an_institution_is_added_joined_confirmed_and_found(
    browser,
    server: str,
    database_url: str,
    screenshot,  # noqa: ANN001
) -> None:
    make_moderator(database_url, "oic.moderator", "oic-oshnet")
    moderator = log_in(browser, server, "oic.moderator")

    # the moderator adds it from the directory, in their network, with its laboratory
    moderator.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Institutions"
    ).click()
    moderator.get_by_role("link", name="Add an institution").click()
    moderator.get_by_label("Name", exact=True).fill(NAME)
    moderator.get_by_label("Acronym").fill("NIOSHMY")
    moderator.get_by_label("Country", exact=True).select_option(label="Malaysia")
    moderator.get_by_label("Type").select_option(label="National OSH institute or centre")
    moderator.get_by_label("OIC-OSHNET", exact=True).select_option(label="National focal point")
    moderator.get_by_label("Theme of capacity 1").select_option(label="Chemical safety")
    moderator.get_by_label("Kind of capacity 1").select_option(label="Laboratory and testing")
    moderator.get_by_label("Note on capacity 1").fill(SILICA)
    moderator.get_by_role("button", name="Save the institution").click()
    moderator.get_by_role("heading", name=NAME).wait_for()
    page_url = moderator.url
    assert SILICA in moderator.locator("#capacities-heading + dl").inner_text()

    # its future manager says they work there; the moderator confirms them and makes them manager
    manager = register(browser, server, "siti.aminah")
    manager.goto(page_url)
    manager.get_by_label("Your position").fill("Head of the chemical laboratory")
    manager.get_by_role("button", name="I work here").click()
    manager.get_by_text("waiting for confirmation").first.wait_for()
    moderator.goto(page_url)
    moderator.get_by_role("button", name="Confirm siti.aminah").click()
    moderator.get_by_role("button", name="Make manager siti.aminah").click()
    moderator.get_by_role("button", name="Remove as manager siti.aminah").wait_for()

    # a member asks; the manager (not the moderator) confirms
    member = register(browser, server, "amir.hakim")
    member.goto(page_url)
    member.get_by_label("Your position").fill("Industrial hygienist")
    member.get_by_role("button", name="I work here").click()
    member.get_by_text("waiting for confirmation").first.wait_for()
    manager.goto(page_url)
    screenshot(manager, "manager-sees-the-request")
    manager.get_by_role("button", name="Confirm amir.hakim").click()
    members = manager.locator("#members-heading + ul")
    members.get_by_role("link", name="amir.hakim").wait_for()
    assert "Industrial hygienist" in members.inner_text()

    # a visitor's directory, filtered by network, theme and capacity, lists it
    visitor = browser.new_context().new_page()
    visitor.goto(server + "/institutions")
    visitor.get_by_label("Network", exact=True).select_option(label="OIC-OSHNET (1)")
    visitor.get_by_label("Theme", exact=True).select_option(label="Chemical safety (1)")
    visitor.get_by_label("Capacity", exact=True).select_option(label="Laboratory and testing (1)")
    visitor.get_by_role("button", name="Find institutions").click()
    visitor.wait_for_url("**capacity=laboratory**")  # count() waits for nothing
    cards = visitor.locator(".institution-card")
    assert cards.count() == 1
    assert NAME in cards.first.inner_text()
    screenshot(visitor, "directory-filtered")

    # its page lists the member, to visitors too
    cards.first.get_by_role("link", name=NAME).click()
    assert "amir.hakim" in visitor.locator("#members-heading + ul").inner_text()

    # search for its acronym finds it (the index is written just after the commit)
    for _attempt in range(20):
        visitor.goto(server + "/search?q=nioshmy")
        if visitor.locator(".result-institution").count():
            break
        visitor.wait_for_timeout(250)
    result = visitor.locator(".result-institution").first
    assert NAME in result.inner_text()
    result.get_by_role("link", name=NAME).click()
    visitor.wait_for_url(page_url)

    # on a phone, the page reads without scrolling sideways
    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    phone.goto(page_url)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    screenshot(phone, "phone-institution-page")
