"""Issue acceptance in a real browser: unsafe advice is reported, hidden, and on the record."""

from __future__ import annotations

import pytest

from tests.e2e.people import log_in, make_moderator, register

pytestmark = pytest.mark.browser


def test_a_report_of_unsafe_advice_is_hidden_with_a_reason_and_audited(
    browser,
    server: str,
    database_url: str,
    screenshot,  # noqa: ANN001
) -> None:
    make_moderator(database_url, "oic.moderator", "oic-oshnet")

    asker = register(browser, server, "amina.rahman")
    asker.goto(server + "/n/oic-oshnet/confined-spaces/new")
    asker.get_by_label("Title").fill("Entering a grain silo alone?")
    asker.get_by_label("Message").fill("Is it acceptable if I keep my phone with me?")
    asker.get_by_role("button", name="Post thread").click()
    thread_url = asker.url

    author = register(browser, server, "bad.advice")
    author.goto(thread_url)
    author.get_by_label("Your reply").fill("Sure, no need for an attendant or a harness.")
    author.get_by_role("button", name="Post reply").click()
    author.get_by_text("Your reply is posted.").wait_for()

    # the member reports the reply as unsafe advice
    asker.goto(thread_url)
    asker.get_by_role("link", name="Report post by bad.advice").click()
    asker.get_by_label("Unsafe advice: following it could hurt someone").check()
    asker.get_by_label("Details for the moderators").fill("Lone entry into a silo kills people.")
    asker.get_by_role("button", name="Send report").click()
    asker.get_by_text("Thank you. The network's moderators will review the post.").wait_for()

    # the network's moderator sees it in the queue and hides it with a reason
    moderator = log_in(browser, server, "oic.moderator")
    assert moderator.get_by_title("Open reports").inner_text() == "1"
    moderator.get_by_role("link", name="Moderation").click()
    moderator.get_by_role("link", name="1 open report").click()
    card = moderator.locator(".report-card")
    assert "Unsafe advice" in card.inner_text()
    assert "Lone entry into a silo kills people." in card.inner_text()
    screenshot(moderator, "queue")
    moderator.get_by_label("Reason for hiding").fill("Lone entry into a silo is never safe.")
    moderator.get_by_role("button", name="Hide the post").click()
    moderator.get_by_text("The post is hidden and its reports are closed.").wait_for()

    # members see a placeholder; the author sees why
    asker.goto(thread_url)
    assert "A moderator hid this post." in asker.locator("li.post").nth(1).inner_text()
    assert "no need for an attendant" not in asker.content()
    author.goto(thread_url)
    assert "Lone entry into a silo is never safe." in author.locator("li.post").nth(1).inner_text()

    # the audit log shows the action
    moderator.goto(server + "/mod")
    moderator.get_by_role("link", name="Audit log").click()
    row = moderator.locator("li.audit-entry").first
    assert "oic.moderator hid a post by" in " ".join(row.inner_text().split())
    assert "reported for unsafe advice" in row.inner_text()
    assert "Lone entry into a silo is never safe." in row.inner_text()
    screenshot(moderator, "audit")
