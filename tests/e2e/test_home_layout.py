"""Issue 23, item 5: the home shows life and, on a phone, is a few screens (not 6,000 px),
with no sideways scroll, in English and in Arabic; with the demo's content, axe-core finds
nothing at either width."""

from __future__ import annotations

import pytest

from tests.e2e.test_accessibility import violations
from tests.e2e.tour import choose_language

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
FEW_SCREENS = 4 * PHONE["height"]
LISTS = ("#newest-questions", "#fresh-practices", "#unanswered-questions")


@pytest.fixture(scope="module")
def demo(server: str, database_url: str) -> None:
    """`forum seed-demo`'s members and threads, in the live server's database."""
    from forum import create_app
    from forum.demo import seed_demo_content
    from forum.extensions import db
    from tests.conftest import make_config

    app = create_app(make_config(database_url))
    with app.app_context():
        assert seed_demo_content() > 0
        db.session.remove()
        db.engine.dispose()


def measure(page) -> dict[str, int]:  # noqa: ANN001
    return page.evaluate(
        """() => ({height: document.documentElement.scrollHeight,
                  width: document.documentElement.scrollWidth})"""
    )


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_home_is_a_few_screens_on_a_phone(
    browser,  # noqa: ANN001
    server: str,
    demo: None,
    language: str,
    screenshot,  # noqa: ANN001
) -> None:
    # the page's own policy allows only its scripts: the test lets axe in
    page = browser.new_context(viewport=PHONE, bypass_csp=True).new_page()
    page.goto(server + "/")
    choose_language(page, language)
    page.goto(server + "/")
    size = measure(page)
    screenshot(page, f"{language}-390")
    found = violations(page, f"{language} phone")
    assert size["width"] <= PHONE["width"], size
    assert size["height"] <= FEW_SCREENS, size
    for heading in LISTS:  # each list has what the demo wrote, three rows on a phone
        rows = page.locator(f"section:has(> {heading}) .activity-row")
        assert rows.count() >= 3, heading
        assert sum(rows.nth(n).is_visible() for n in range(rows.count())) == 3, heading
    # the boards with threads are on the home; the empty ones one tap away
    page.locator(".more-boards a").first.click()
    page.locator(".board-grid").wait_for()
    assert page.locator(".board-card").count() == 12

    page.set_viewport_size(DESKTOP)
    page.goto(server + "/")
    tops = {round(page.locator(f"section:has(> {h})").bounding_box()["y"]) for h in LISTS}
    assert len(tops) == 1, tops  # side by side
    assert measure(page)["width"] <= DESKTOP["width"]
    screenshot(page, f"{language}-1280")
    found += violations(page, f"{language} desktop")
    page.context.close()
    assert not found, "\n".join(found)  # WCAG 2.1 AA, with every list full
