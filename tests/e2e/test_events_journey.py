"""Issue 26's acceptance in a real browser: a moderator publishes a three-day study visit in
Africa/Nouakchott time with two places; three members register (the third waits), one cancels,
the third gets the place and is told; the network's calendar feed parses with the icalendar
library and gives the right UTC times."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
import requests

from tests.e2e.people import log_in, make_moderator, register

pytestmark = pytest.mark.browser

TITLE = "Technical study visit to the national office of occupational medicine"


def test_a_study_visit_fills_its_waiting_list_moves_up_and_is_in_the_feed(
    browser,
    server: str,
    database_url: str,
    screenshot,  # noqa: ANN001
) -> None:
    make_moderator(database_url, "oic.events", "oic-oshnet")
    moderator = log_in(browser, server, "oic.events")
    first_day = date.today() + timedelta(days=30)
    last_day = first_day + timedelta(days=2)

    # from the network's page, the moderator publishes the visit
    moderator.goto(server + "/n/oic-oshnet")
    moderator.get_by_role("link", name="Add an event").click()
    moderator.get_by_label("Kind of event").select_option(label="Study visit")
    moderator.get_by_label("Theme").select_option(label="Occupational health services")
    moderator.get_by_label("Title", exact=True).fill(TITLE)
    moderator.get_by_label("Description").fill("Three days with the **occupational physicians**.")
    moderator.get_by_label("Time zone").fill("Africa/Nouakchott")
    moderator.get_by_label("Starts (local time)").fill(f"{first_day.isoformat()}T09:00")
    moderator.get_by_label("Ends (local time)").fill(f"{last_day.isoformat()}T16:30")
    moderator.get_by_label("Places").fill("2")
    moderator.get_by_label("Venue").fill("Office national de la médecine du travail")
    moderator.get_by_label("City").fill("Nouakchott")
    moderator.get_by_label("Country").select_option(label="Mauritania")
    moderator.get_by_role("button", name="Save the event").click()
    moderator.get_by_role("heading", name=TITLE).wait_for()
    event_url = moderator.url
    assert "Africa/Nouakchott" in moderator.locator(".event-facts").inner_text()
    screenshot(moderator, "event-published")

    # three members register: two get the places, the third waits
    members = [register(browser, server, name) for name in ("aminata", "cheikh", "mariem")]
    for page in members[:2]:
        page.goto(event_url)
        page.get_by_role("button", name="Register").click()
        page.get_by_text("You are registered.").first.wait_for()
    third = members[2]
    third.goto(event_url)
    third.get_by_role("button", name="Join the waiting list").click()
    third.get_by_text("You are on the waiting list.").wait_for()

    # the first cancels; the third moves up and is told
    members[0].get_by_role("button", name="Cancel my registration").click()
    members[0].get_by_text("Your registration is cancelled.").wait_for()
    third.goto(server + "/notifications")
    third.get_by_text("A place freed up").wait_for()
    third.goto(event_url)
    third.get_by_text("You are registered.").first.wait_for()
    screenshot(third, "moved-up")

    # the organiser's list: the two registered
    moderator.goto(event_url)
    moderator.get_by_role("link", name="Who registered").click()
    table = moderator.locator("table").inner_text()
    assert "cheikh" in table and "mariem" in table and "aminata" not in table  # noqa: PT018

    # every events page fits a phone's width (390 px) without sideways scrolling
    for page, path in (
        (third, "/events"),
        (third, event_url.removeprefix(server)),
        (third, "/events/calendar"),
        (moderator, "/n/oic-oshnet/events/new"),
        (moderator, event_url.removeprefix(server) + "/registrations"),
        (moderator, event_url.removeprefix(server) + "/follow-up"),
    ):
        page.set_viewport_size({"width": 390, "height": 800})
        page.goto(server + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)

    # the network's feed parses, with the zone and the right UTC times
    feed = requests.get(server + "/n/oic-oshnet/events.ics", timeout=10)
    calendar = icalendar.Calendar.from_ical(feed.content)
    assert [zone["TZID"] for zone in calendar.walk("VTIMEZONE")] == ["Africa/Nouakchott"]
    (vevent,) = calendar.walk("VEVENT")
    assert vevent["SUMMARY"] == TITLE
    starts = vevent.decoded("DTSTART").astimezone(UTC)
    ends = vevent.decoded("DTEND").astimezone(UTC)
    assert starts == datetime.combine(first_day, datetime.min.time(), UTC).replace(hour=9)
    assert ends == datetime.combine(last_day, datetime.min.time(), UTC).replace(hour=16, minute=30)
