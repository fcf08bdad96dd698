"""Issue acceptance in a real browser: a verified expert's answer is accepted and found again."""

from __future__ import annotations

import pytest

from tests.e2e.people import log_in, make_moderator, register

pytestmark = pytest.mark.browser


def test_a_verified_expert_answers_and_the_asker_accepts(
    browser, server: str, database_url: str, screenshot
) -> None:  # noqa: ANN001
    make_moderator(database_url, "oic.moderator", "oic-oshnet")

    # the expert says who she is and what she knows
    expert = register(browser, server, "siti.nurhaliza")
    expert.get_by_role("link", name="siti.nurhaliza").click()
    expert.get_by_role("link", name="Edit your profile").click()
    expert.get_by_label("Display name").fill("Siti Nurhaliza")
    expert.get_by_label("Institution").fill("NIOSH Malaysia")
    expert.get_by_label("Country").select_option(label="Malaysia")
    expert.get_by_label("Confined spaces").check()
    expert.get_by_role("button", name="Save profile").click()
    expert.get_by_text("Claims: Confined spaces").wait_for()

    # a moderator of OIC-OSHNET verifies it
    moderator = log_in(browser, server, "oic.moderator")
    moderator.goto(server + "/u/siti.nurhaliza")
    moderator.get_by_label("Theme").select_option(label="Confined spaces")
    moderator.get_by_label("Verified by the network").select_option(label="OIC-OSHNET")
    moderator.get_by_label("Note").fill("NIOSH Malaysia, confined spaces trainer")
    moderator.get_by_role("button", name="Verify expertise").click()
    moderator.get_by_text("siti.nurhaliza is verified in Confined spaces.").wait_for()

    # a practitioner asks; the expert answers
    asker = register(browser, server, "kemal_ozturk")
    asker.goto(server + "/n/oic-oshnet/confined-spaces")
    asker.get_by_role("link", name="Start a thread").click()
    asker.get_by_label("Title").fill("Is CO monitoring needed in a sewage wet well?")
    asker.get_by_label("Message").fill("No engines nearby. Do we still test for CO?")
    asker.get_by_role("button", name="Post thread").click()
    thread_url = asker.url

    expert.goto(thread_url)
    expert.get_by_label("Your reply").fill(
        "Yes: decomposing sludge and generators both produce CO."
    )
    expert.get_by_role("button", name="Post reply").click()
    expert.get_by_text("Your reply is posted.").wait_for()

    # the asker sees the badge and accepts the answer
    asker.goto(thread_url)
    answer = asker.locator("li.post").nth(1)
    assert "Verified expert: Confined spaces" in answer.inner_text()
    asker.get_by_role("button", name="Accept as answer reply by siti.nurhaliza").click()
    asker.get_by_text("Marked as the accepted answer.").wait_for()
    assert asker.locator(".page-head .tag-answered").inner_text().strip().lower() == "answered"
    # the only reply: marked accepted where it stands, not repeated above
    accepted = asker.locator("li.post.is-accepted")
    assert accepted.count() == 1
    assert "decomposing sludge" in accepted.inner_text()
    assert "Verified expert: Confined spaces" in accepted.inner_text()
    assert asker.locator(".accepted-answer").count() == 0
    screenshot(asker, "accepted")

    asker.goto(server + "/n/oic-oshnet/confined-spaces?show=answered")
    asker.get_by_role("link", name="Is CO monitoring needed in a sewage wet well?").wait_for()

    # anyone finds her in the directory under her theme and country
    visitor = browser.new_context().new_page()
    visitor.goto(server + "/")
    visitor.get_by_role("link", name="Experts").click()
    visitor.get_by_label("Theme").select_option(label="Confined spaces")
    visitor.get_by_label("Country").select_option(label="Malaysia")
    visitor.get_by_role("button", name="Find experts").click()
    visitor.wait_for_url(lambda url: "country=MY" in url)  # the click only starts loading it
    card = visitor.locator(".expert-card")
    assert card.count() == 1
    assert "Siti Nurhaliza" in card.inner_text()
    assert "Malaysia" in card.inner_text()
    assert "Verified expert: Confined spaces" in card.inner_text()
    screenshot(visitor, "directory")
