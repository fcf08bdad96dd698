"""Finding events: the list and its filters, the archive, the network and theme pages, times in
the reader's zone, the iCalendar files and feeds, and a fixed number of queries per page."""

from __future__ import annotations

from datetime import UTC, timedelta

import icalendar
import pytest
from flask import Flask
from sqlalchemy import select

from forum.extensions import db
from forum.models import CalendarFeed, Event, Network, Registration, RegistrationStatus, User
from forum.models._time import utcnow
from tests.conftest import Person, counting_queries, make_person
from tests.test_events import create_event, event_form

START = (utcnow() + timedelta(days=40)).replace(hour=9, minute=0, second=0, microsecond=0)


@pytest.fixture
def moderator(app: Flask) -> Person:
    return make_person(app, "oic.mod", moderates=("oic-oshnet",))


def _parsed(body: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(body)


def test_an_events_ics_gives_its_times_in_its_zone_and_right_in_utc(
    app: Flask, moderator: Person, anonymous: Person
) -> None:
    event_id = create_event(moderator, time_zone="Asia/Kuala_Lumpur")
    response = anonymous.get(f"/events/{event_id}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = _parsed(response.data)
    zones = [zone["TZID"] for zone in calendar.walk("VTIMEZONE")]
    assert zones == ["Asia/Kuala_Lumpur"]
    (vevent,) = calendar.walk("VEVENT")
    starts = vevent.decoded("DTSTART")
    assert str(starts.tzinfo) == "Asia/Kuala_Lumpur"
    assert starts.astimezone(UTC).replace(tzinfo=None) == START.replace(day=starts.day) - timedelta(
        hours=8
    )
    assert vevent["SUMMARY"] == event_form()["title"]
    assert vevent["UID"].startswith(f"event-{event_id}@")
    assert b"DTSTART;TZID=Asia/Kuala_Lumpur:" in response.data


def test_network_and_theme_feeds_hold_their_events_only(
    app: Flask, moderator: Person, anonymous: Person
) -> None:
    create_event(moderator, title="Visit in Nouakchott")
    create_event(moderator, title="Fire drill webinar", theme="fire-safety", kind="webinar")
    network = _parsed(anonymous.get("/n/oic-oshnet/events.ics").data)
    assert sorted(e["SUMMARY"] for e in network.walk("VEVENT")) == [
        "Fire drill webinar",
        "Visit in Nouakchott",
    ]
    theme = _parsed(anonymous.get("/themes/fire-safety/events.ics").data)
    assert [e["SUMMARY"] for e in theme.walk("VEVENT")] == ["Fire drill webinar"]
    assert anonymous.get("/n/ilo-global/events.ics").status_code == 200
    assert anonymous.get("/n/no-such-network/events.ics").status_code == 404
    assert anonymous.get("/themes/no-such-theme/events.ics").status_code == 404


def test_a_members_private_feed_holds_their_registrations_and_can_be_revoked(
    app: Flask, moderator: Person, member: Person, anonymous: Person
) -> None:
    mine = create_event(moderator, title="Mine")
    create_event(moderator, title="Not mine")
    member.post(f"/events/{mine}/register")
    assert member.post("/events/calendar/renew").status_code == 302
    with app.app_context():
        first = db.session.scalar(select(CalendarFeed.token))
    feed = anonymous.get(f"/events/feed/{first}.ics")
    assert [e["SUMMARY"] for e in _parsed(feed.data).walk("VEVENT")] == ["Mine"]
    member.post("/events/calendar/renew")
    with app.app_context():
        second = db.session.scalar(select(CalendarFeed.token))
    assert second != first
    assert anonymous.get(f"/events/feed/{first}.ics").status_code == 404
    assert anonymous.get(f"/events/feed/{second}.ics").status_code == 200
    assert second in member.get("/events/calendar").get_data(as_text=True)
    member.post("/events/calendar/revoke")
    assert anonymous.get(f"/events/feed/{second}.ics").status_code == 404


def test_times_show_in_the_members_zone_and_visitors_see_the_events_own(
    app: Flask, moderator: Person, member: Person, anonymous: Person
) -> None:
    event_id = create_event(moderator, time_zone="Africa/Nouakchott")
    visitor_page = anonymous.get(f"/events/{event_id}").get_data(as_text=True)
    assert "09:00" in visitor_page
    assert "Africa/Nouakchott" in visitor_page
    refused = member.post("/events/time-zone", {"time_zone": "Atlantis/Capital"})
    assert refused.status_code == 422
    assert "Unknown time zone" in refused.get_data(as_text=True)
    assert member.post("/events/time-zone", {"time_zone": "Asia/Jakarta"}).status_code == 302
    page = member.get(f"/events/{event_id}").get_data(as_text=True)
    assert "16:00" in page
    assert "Asia/Jakarta" in page
    assert "Local time there" in page


def test_the_list_puts_upcoming_first_filters_and_archives_the_past(
    app: Flask, moderator: Person, anonymous: Person
) -> None:
    later = START + timedelta(days=20)
    create_event(
        moderator,
        title="Later workshop",
        kind="workshop",
        country="MY",
        city="Bangi",
        starts=later.strftime("%Y-%m-%dT09:00"),
        ends=(later + timedelta(days=1)).strftime("%Y-%m-%dT17:00"),
    )
    create_event(moderator, title="Sooner visit")
    past = create_event(moderator, title="Past panel", kind="conference")
    with app.app_context():
        event = db.session.get(Event, past)
        event.starts_at, event.ends_at = utcnow() - timedelta(days=9), utcnow() - timedelta(days=8)
        db.session.commit()
    page = anonymous.get("/events").get_data(as_text=True)
    assert page.index("Sooner visit") < page.index("Later workshop")
    assert "Past panel" not in page
    assert "Past panel" in anonymous.get("/events?past=1").get_data(as_text=True)
    only = anonymous.get("/events?kind=workshop&country=MY").get_data(as_text=True)
    assert "Later workshop" in only
    assert "Sooner visit" not in only
    month = START.strftime("%Y-%m")
    assert "Sooner visit" in anonymous.get(f"/events?month={month}").get_data(as_text=True)
    # unknown values are ignored, never an error
    assert anonymous.get("/events?kind=party&month=2027-13&page=x").status_code == 200
    assert anonymous.get("/events?page=99").status_code == 404
    assert "Sooner visit" in anonymous.get("/n/oic-oshnet").get_data(as_text=True)
    theme_page = anonymous.get("/themes/confined-spaces").get_data(as_text=True)
    assert "Sooner visit" in theme_page


def _fill(app: Flask, events: int, registrations: int) -> int:
    """Events straight into the database, the first with many registrations."""
    with app.app_context():
        network_id = db.session.scalar(select(Network.id).where(Network.slug == "oic-oshnet"))
        prefix = f"r{events}x"
        made = [
            Event(
                network_id=network_id, kind="workshop", title=f"Event {n}",
                starts_at=START + timedelta(days=n), ends_at=START + timedelta(days=n, hours=5),
                time_zone="Asia/Kuala_Lumpur", city="Bangi", capacity=1000,
            )
            for n in range(events)
        ]  # fmt: skip
        db.session.add_all(made)
        db.session.flush()
        users = [
            User(username=f"{prefix}{n}", username_key=f"{prefix}{n}",
                 email=f"{prefix}{n}@example.org",
                 password_hash="x")
            for n in range(registrations)
        ]  # fmt: skip
        db.session.add_all(users)
        db.session.flush()
        db.session.add_all(
            Registration(event_id=made[0].id, user_id=u.id, status=RegistrationStatus.registered)
            for u in users
        )
        made[0].registered_count = registrations
        db.session.commit()
        return made[0].id


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"PAGE_CACHE_MB": 0}


@pytest.mark.parametrize("who", ["anonymous", "moderator"])
def test_event_pages_cost_a_fixed_number_of_queries(
    app: Flask, request: pytest.FixtureRequest, who: str
) -> None:
    person = request.getfixturevalue(who)

    def cost(url: str) -> int:
        with counting_queries(app) as counter:
            assert person.get(url).status_code == 200, url
        return counter.count

    first = _fill(app, events=2, registrations=2)
    urls = ["/events", f"/events/{first}", "/n/oic-oshnet", "/n/oic-oshnet/events.ics"]
    if who == "moderator":
        urls.append(f"/events/{first}/registrations")
    few = [cost(url) for url in urls]
    first = _fill(app, events=30, registrations=60)
    urls[1] = f"/events/{first}"
    if who == "moderator":
        urls[-1] = f"/events/{first}/registrations"
    many = [cost(url) for url in urls]
    assert few == many, list(zip(urls, few, many, strict=True))
    assert max(many) <= 10, many
