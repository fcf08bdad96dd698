"""Events: publishing and proposing, the waiting list moving up in order, bad input refused
with a clear message (never a 500), and who may do what."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select, update

from forum.extensions import db
from forum.models import (
    Board,
    ContentVersion,
    Event,
    EventStatus,
    MailOutbox,
    Notification,
    NotificationKind,
    Registration,
    Thread,
    User,
)
from forum.models._time import utcnow
from tests.conftest import Person, make_person, readable, reply_ids, set_user

SOON = utcnow() + timedelta(days=30)


def event_form(**overrides: object) -> dict[str, object]:
    starts = SOON.replace(hour=9, minute=0, second=0, microsecond=0)
    form = {
        "kind": "study_visit",
        "title": "Study visit to the national office of occupational medicine",
        "description": "Three days in **Nouakchott**.",
        "theme": "confined-spaces",
        "time_zone": "Africa/Nouakchott",
        "starts": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends": (starts + timedelta(days=2, hours=8)).strftime("%Y-%m-%dT%H:%M"),
        "capacity": "2",
        "city": "Nouakchott",
        "country": "MR",
        "venue": "Office national de la médecine du travail",
        "languages": ["fr", "ar"],
    }
    form.update(overrides)
    return form


def create_event(moderator: Person, **overrides: object) -> int:
    response = moderator.post("/n/oic-oshnet/events/new", event_form(**overrides))
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


@pytest.fixture
def moderator(app: Flask) -> Person:
    return make_person(app, "oic.mod", moderates=("oic-oshnet",))


def _event(app: Flask, event_id: int) -> Event:
    with app.app_context():
        event = db.session.get(Event, event_id)
        db.session.expunge(event)
        db.session.remove()
        return event


def _statuses(app: Flask, event_id: int) -> dict[str, str]:
    with app.app_context():
        rows = db.session.execute(
            select(Registration.user_id, Registration.status).where(
                Registration.event_id == event_id
            )
        ).all()
        names = dict(db.session.execute(select(User.id, User.username)).all())
        db.session.remove()
        return {names[user_id]: status.value for user_id, status in rows}


def test_a_moderator_publishes_with_times_in_utc_and_a_discussion_thread(
    app: Flask, moderator: Person
) -> None:
    event_id = create_event(moderator, time_zone="Asia/Kuala_Lumpur")
    event = _event(app, event_id)
    assert event.status == EventStatus.scheduled
    starts = SOON.replace(hour=9, minute=0, second=0, microsecond=0)
    assert event.starts_at == starts - timedelta(hours=8)  # Kuala Lumpur is UTC+8
    assert "<strong>Nouakchott</strong>" in event.description_html
    with app.app_context():
        thread = db.session.get(Thread, event.thread_id)
        assert thread.title == event.title
        assert db.session.get(Board, thread.board_id).theme.slug == "confined-spaces"
    page = moderator.get(f"/events/{event_id}").get_data(as_text=True)
    assert "Asia/Kuala_Lumpur" in page
    assert "09:00" in page


def test_the_waiting_list_moves_up_in_order_and_the_member_is_told(
    app: Flask, moderator: Person
) -> None:
    event_id = create_event(moderator)
    people = {name: make_person(app, name) for name in ("awa", "budi", "chen", "dina")}
    for name in ("awa", "budi", "chen", "dina"):
        assert people[name].post(f"/events/{event_id}/register").status_code == 302
    assert _statuses(app, event_id) == {
        "awa": "registered",
        "budi": "registered",
        "chen": "waiting",
        "dina": "waiting",
    }
    people["awa"].post(f"/events/{event_id}/unregister")
    assert _statuses(app, event_id) == {
        "awa": "cancelled",
        "budi": "registered",
        "chen": "registered",  # first in the queue
        "dina": "waiting",
    }
    event = _event(app, event_id)
    assert (event.registered_count, event.waiting_count) == (2, 1)
    with app.app_context():
        told = db.session.scalars(
            select(Notification).where(Notification.kind == NotificationKind.event)
        ).all()
        assert [n.data["what"] for n in told] == ["place"]
        chen = db.session.scalar(select(User.id).where(User.username == "chen"))
        assert told[0].recipient_id == chen
        # and by e-mail: queued with the notification, sent if still unread after the delay
        mailed = db.session.scalars(select(MailOutbox.user_id)).all()
        assert mailed == [chen]
        db.session.remove()
    # registering again after cancelling joins the end of the queue
    people["awa"].post(f"/events/{event_id}/register")
    assert _statuses(app, event_id)["awa"] == "waiting"
    page = people["chen"].get("/notifications").get_data(as_text=True)
    assert "A place freed up" in page


def test_a_members_proposal_waits_for_a_moderator(
    app: Flask, moderator: Person, member: Person, other_member: Person
) -> None:
    response = member.post("/n/oic-oshnet/events/new", event_form(title="Proposed gathering"))
    assert response.status_code == 302
    event_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert _event(app, event_id).status == EventStatus.proposed
    assert _event(app, event_id).thread_id is None
    assert member.get(f"/events/{event_id}").status_code == 200
    assert other_member.get(f"/events/{event_id}").status_code == 404
    assert "Proposed gathering" not in other_member.get("/events").get_data(as_text=True)
    assert other_member.post(f"/events/{event_id}/register").status_code == 404
    assert member.post(f"/events/{event_id}/approve").status_code == 403
    assert moderator.post(f"/events/{event_id}/approve").status_code == 302
    event = _event(app, event_id)
    assert event.status == EventStatus.scheduled
    assert event.thread_id is not None
    assert "Proposed gathering" in other_member.get("/events").get_data(as_text=True)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends": SOON.strftime("%Y-%m-%dT08:00"), "starts": SOON.strftime("%Y-%m-%dT09:00")},
         "ends", "must end after it starts"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "Unknown time zone"),
        ({"time_zone": ""}, "time_zone", "Choose the time zone"),
        ({"capacity": "0"}, "capacity", "between 1 and"),
        ({"capacity": "-4"}, "capacity", "between 1 and"),
        ({"registration_deadline": (SOON + timedelta(days=5)).strftime("%Y-%m-%dT10:00")},
         "registration_deadline", "deadline must be before the event starts"),
        ({"starts": "not a date"}, "starts", "Not a valid"),
        ({"kind": "party"}, "kind", "Choose what kind"),
        ({"title": "  "}, "title", "Give the event a title"),
        ({"city": "", "venue": "", "online_url": ""}, "city", "Say where the event happens"),
        ({"online_url": "javascript:alert(1)"}, "online_url", "full address"),
        ({"country": "ZZ"}, "country", "from the list"),
        ({"theme": "no-such-theme"}, "theme", "from the list"),
        ({"organiser_institution": "nowhere"}, "organiser_institution", "from the list"),
        ({"capacity": "lots"}, "capacity", "Not a valid"),
        ({"starts": "9999-12-30T09:00", "ends": "9999-12-30T18:00"}, "starts", "Choose a date"),
        ({"time_zone": "Europe/Paris", "starts": "2027-03-28T02:30", "ends": "2027-03-28T05:00"},
         "starts", "02:30 does not exist in Europe/Paris"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_with_a_clear_message(
    app: Flask, moderator: Person, overrides: dict, field: str, message: str
) -> None:
    response = moderator.post("/n/oic-oshnet/events/new", event_form(**overrides))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert f'id="{field}-error"' in page
    with app.app_context():
        assert db.session.scalar(select(Event.id)) is None


def test_a_time_in_the_hour_summer_time_repeats_is_its_first_one(
    app: Flask, moderator: Person
) -> None:
    """Clocks go back in Paris on 31 Oct 2027: 02:30 happens twice; the event takes the
    first (summer time, UTC+2), as RFC 5545 reads such a local time."""
    event_id = create_event(
        moderator, time_zone="Europe/Paris", starts="2027-10-31T02:30", ends="2027-10-31T05:00"
    )
    event = _event(app, event_id)
    assert event.starts_at == datetime(2027, 10, 31, 0, 30)
    assert event.ends_at == datetime(2027, 10, 31, 4, 0)  # winter time by then: UTC+1


def test_calendars_see_a_change_and_a_cancellation_as_newer(app: Flask, moderator: Person) -> None:
    import icalendar

    event_id = create_event(moderator)

    def sequence() -> int:
        ics = moderator.get(f"/events/{event_id}.ics").get_data()
        return int(icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]["SEQUENCE"])

    assert sequence() == 0
    edited = moderator.post(f"/events/{event_id}/edit", event_form(title="Renamed visit"))
    assert edited.status_code == 302
    assert sequence() == 1
    assert moderator.post(f"/events/{event_id}/cancel").status_code == 302
    assert sequence() == 2


def test_the_list_ignores_a_month_out_of_any_calendar(app: Flask, anonymous: Person) -> None:
    for month in ("0000-01", "9999-12", "2026-13"):
        assert anonymous.get(f"/events?month={month}").status_code == 200


def test_registration_is_refused_after_the_deadline_and_for_suspended_members(
    app: Flask, moderator: Person, member: Person, other_member: Person
) -> None:
    event_id = create_event(moderator)
    with app.app_context():
        event = db.session.get(Event, event_id)
        event.registration_deadline = utcnow() - timedelta(hours=1)
        db.session.commit()
        db.session.remove()
    response = member.post(f"/events/{event_id}/register")
    assert response.status_code == 403
    assert "the deadline has passed" in response.get_data(as_text=True)

    other_id = create_event(moderator, title="Another visit")
    moderator.post(
        "/mod/oic-oshnet/sanctions",
        {"username": "kemal", "ends_on": (SOON + timedelta(days=60)).date().isoformat(),
         "reason": "Spam"},
    )  # fmt: skip
    response = other_member.post(f"/events/{other_id}/register")
    assert response.status_code == 403
    assert "suspended" in response.get_data(as_text=True)
    assert _statuses(app, event_id) == {}
    assert _statuses(app, other_id) == {}


def test_a_change_and_a_cancellation_are_told_to_those_registered(
    app: Flask, moderator: Person, member: Person
) -> None:
    event_id = create_event(moderator)
    member.post(f"/events/{event_id}/register")
    edited = moderator.post(f"/events/{event_id}/edit", event_form(city="Nouadhibou"))
    assert edited.status_code == 302
    assert moderator.post(f"/events/{event_id}/cancel").status_code == 302
    assert _event(app, event_id).status == EventStatus.cancelled
    with app.app_context():
        told = db.session.scalars(
            select(Notification.data).where(Notification.kind == NotificationKind.event)
        ).all()
        assert [data["what"] for data in told] == ["changed", "cancelled"]
        db.session.remove()
    # a cancelled event takes no registration
    assert moderator.post(f"/events/{event_id}/register").status_code == 403


def test_capacity_cannot_drop_below_those_registered(
    app: Flask, moderator: Person, member: Person, other_member: Person
) -> None:
    event_id = create_event(moderator)
    member.post(f"/events/{event_id}/register")
    other_member.post(f"/events/{event_id}/register")
    response = moderator.post(f"/events/{event_id}/edit", event_form(capacity="1"))
    assert response.status_code == 422
    assert "2 members are registered" in response.get_data(as_text=True)


def test_organisers_see_and_export_the_list(
    app: Flask, moderator: Person, member: Person, other_member: Person
) -> None:
    event_id = create_event(moderator, capacity="1")
    set_user(app, "amina", display_name="=HYPERLINK(1)")
    member.post(f"/events/{event_id}/register")
    other_member.post(f"/events/{event_id}/register")
    assert other_member.get(f"/events/{event_id}/registrations").status_code == 403
    assert other_member.get(f"/events/{event_id}/registrations.csv").status_code == 403
    page = moderator.get(f"/events/{event_id}/registrations").get_data(as_text=True)
    assert page.index("HYPERLINK") < page.index("kemal")
    csv = moderator.get(f"/events/{event_id}/registrations.csv")
    assert csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).splitlines()
    assert lines[1].startswith("amina,'=HYPERLINK(1),amina@")
    assert ",registered," in lines[1]
    assert lines[2].startswith("kemal,")
    assert ",waiting," in lines[2]


def test_a_member_who_proposed_an_event_exports_its_list_without_addresses(
    app: Flask, moderator: Person, member: Person, other_member: Person
) -> None:
    """Members' e-mail addresses are private: in the CSV of the network's moderators only."""
    proposed = member.post("/n/oic-oshnet/events/new", event_form(title="Proposed gathering"))
    event_id = int(proposed.headers["Location"].rsplit("/", 1)[1])
    assert moderator.post(f"/events/{event_id}/approve").status_code == 302
    other_member.post(f"/events/{event_id}/register")
    proposer_csv = member.get(f"/events/{event_id}/registrations.csv").get_data(as_text=True)
    assert "email" not in proposer_csv.splitlines()[0]
    assert "@example.org" not in proposer_csv
    assert "kemal@example.org" in moderator.get(f"/events/{event_id}/registrations.csv").get_data(
        as_text=True
    )


def test_the_day_before_those_registered_are_reminded_once(
    app: Flask, moderator: Person, member: Person, other_member: Person
) -> None:
    tomorrow = utcnow() + timedelta(hours=20)
    soon = create_event(
        moderator,
        time_zone="UTC",
        starts=tomorrow.strftime("%Y-%m-%dT%H:%M"),
        ends=(tomorrow + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
    )
    later = create_event(moderator, title="Later")
    member.post(f"/events/{soon}/register")
    other_member.post(f"/events/{later}/register")
    runner = app.test_cli_runner()
    assert "Events reminded: 1." in runner.invoke(args=["send-event-reminders"]).output
    assert "Events reminded: 0." in runner.invoke(args=["send-event-reminders"]).output
    with app.app_context():
        reminded = db.session.execute(
            select(Notification.recipient_id, Notification.data).where(
                Notification.kind == NotificationKind.event
            )
        ).all()
        db.session.remove()
    assert [data["what"] for _id, data in reminded] == ["reminder"]
    assert "starts tomorrow" in member.get("/notifications").get_data(as_text=True)


def test_members_watching_the_board_hear_of_a_new_event(
    app: Flask, moderator: Person, member: Person, other_member: Person
) -> None:
    from tests.conftest import board_id

    board = board_id(app, "oic-oshnet", "fire-safety")
    assert member.post(f"/boards/{board}/watch/watch").status_code == 302
    create_event(moderator, theme="confined-spaces", title="Elsewhere")
    create_event(moderator, theme="fire-safety", title="Fire drills")
    with app.app_context():
        told = db.session.execute(
            select(User.username, Notification.data)
            .join(User, User.id == Notification.recipient_id)
            .where(Notification.kind == NotificationKind.event)
        ).all()
        db.session.remove()
    assert [(name, data["what"], data["event"]) for name, data in told] == [
        ("amina", "new", "Fire drills")
    ]
    inbox = readable(member.get("/notifications").get_data(as_text=True))
    assert "New event: “Fire drills”" in inbox


def test_an_event_is_found_by_search_through_its_discussion(
    app: Flask, moderator: Person, anonymous: Person
) -> None:
    event_id = create_event(moderator, description="Bring your own audiometer.")
    found = anonymous.get("/search?q=audiometer").get_data(as_text=True)
    assert "Study visit to the national office" in found
    # an edit rewrites the discussion's summary, and the index follows
    moderator.post(f"/events/{event_id}/edit", event_form(description="Bring your own dosimeter."))
    assert "Study visit" not in anonymous.get("/search?q=audiometer").get_data(as_text=True)
    assert "Study visit" in anonymous.get("/search?q=dosimeter").get_data(as_text=True)
    thread = anonymous.get(f"/threads/{_event(app, event_id).thread_id}").get_data(as_text=True)
    assert f'href="/events/{event_id}"' in thread
    assert "Africa/Nouakchott" in thread


def test_a_kept_network_page_stops_listing_an_event_once_the_periodic_pass_sees_it_over(
    app: Flask, moderator: Person, anonymous: Person
) -> None:
    event_id = create_event(moderator, title="Soon over")

    def next_events() -> str:
        page = anonymous.get("/n/oic-oshnet").get_data(as_text=True)
        return page.split('id="next-events-heading"')[1].split("</section>")[0]

    assert "Soon over" in next_events()
    with app.app_context():  # time passes: the event is over (no write any page would see)
        db.session.execute(
            update(Event)
            .where(Event.id == event_id)
            .values(starts_at=utcnow() - timedelta(days=2), ends_at=utcnow() - timedelta(days=1))
            .execution_options(forum_versions=True)
        )
        db.session.commit()
    assert "Soon over" in next_events()  # the kept page
    runner = app.test_cli_runner()
    runner.invoke(args=["send-event-reminders"])
    assert "Soon over" not in next_events()
    with app.app_context():
        versions = db.session.scalar(select(ContentVersion.number).where(ContentVersion.id == 1))
    runner.invoke(args=["send-event-reminders"])  # nothing more is over: no page is made again
    with app.app_context():
        assert (
            db.session.scalar(select(ContentVersion.number).where(ContentVersion.id == 1))
            == versions
        )


def test_members_registering_at_once_never_share_the_last_place(
    app: Flask, moderator: Person
) -> None:
    import threading

    from forum.services import accounts, events_registration
    from forum.services.events_pages import get

    event_id = create_event(moderator, capacity="1")
    names = [f"racer{n}" for n in range(6)]
    with app.app_context():
        for name in names:
            accounts.register(name, f"{name}@example.org", "correct horse battery")
        db.session.remove()
    start = threading.Barrier(len(names))
    failures: list[BaseException] = []

    def register(name: str) -> None:
        try:
            with app.app_context():
                member = db.session.scalar(select(User).where(User.username == name))
                event = get(event_id)
                start.wait()
                events_registration.register(member, event)
                db.session.remove()
        except BaseException as error:  # noqa: BLE001  (reported below)
            failures.append(error)

    racers = [threading.Thread(target=register, args=(name,)) for name in names]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    assert not failures, failures
    statuses = sorted(_statuses(app, event_id).values())
    assert statuses == ["registered"] + ["waiting"] * 5
    event = _event(app, event_id)
    assert (event.registered_count, event.waiting_count) == (1, 5)


def test_cancelling_or_approving_twice_is_a_conflict_not_a_second_notice(
    app: Flask, moderator: Person, member: Person
) -> None:
    event_id = create_event(moderator)
    member.post(f"/events/{event_id}/register")
    assert moderator.post(f"/events/{event_id}/cancel").status_code == 302
    again = moderator.post(f"/events/{event_id}/cancel")
    assert again.status_code == 409
    assert "already cancelled" in again.get_data(as_text=True)
    assert moderator.post(f"/events/{event_id}/approve").status_code == 409
    with app.app_context():
        told = db.session.scalars(
            select(Notification.id).where(Notification.kind == NotificationKind.event)
        ).all()
        assert len(told) == 1


def test_documents_shared_in_the_discussion_are_the_events_materials(
    app: Flask, moderator: Person, member: Person
) -> None:
    from tests.upload_samples import post_files, small_pdf

    event_id = create_event(moderator)
    thread_id = _event(app, event_id).thread_id
    shared = post_files(
        member, f"/threads/{thread_id}/reply", [(small_pdf(), "Slides day 1.pdf")], body="Slides"
    )
    assert shared.status_code == 302
    page = Person(app.test_client()).get(f"/events/{event_id}").get_data(as_text=True)
    assert "Documents shared in the discussion" in page
    assert "Slides day 1.pdf" in page
    reply = max(reply_ids(app, thread_id))
    hidden = moderator.post(f"/mod/posts/{reply}/hide", {"reason": "Wrong file"})
    assert hidden.status_code == 302
    assert "Slides day 1.pdf" not in member.get(f"/events/{event_id}").get_data(as_text=True)


def test_a_registration_moves_the_pages_that_list_events_and_keeps_the_others(
    app: Flask, moderator: Person, member: Person
) -> None:
    """Its event's counts show on the network and theme pages (the lists' version); a board's
    or a thread's kept page stays kept."""
    from forum.page_cache import HEADER

    event_id = create_event(moderator)
    visitor = Person(app.test_client())
    pages = ["/n/oic-oshnet", "/themes/confined-spaces", "/n/oic-oshnet/fire-safety"]
    pages.append(f"/threads/{_event(app, event_id).thread_id}")
    for url in pages:
        visitor.get(url)
    assert member.post(f"/events/{event_id}/register").status_code == 302
    kept = {url: visitor.get(url).headers[HEADER] for url in pages}
    assert kept == {
        "/n/oic-oshnet": "miss",
        "/themes/confined-spaces": "miss",
        "/n/oic-oshnet/fire-safety": "hit",
        pages[3]: "hit",
    }
    assert "1 of 2 places left" in visitor.get("/n/oic-oshnet").get_data(as_text=True)
