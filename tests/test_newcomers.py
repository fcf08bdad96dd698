"""Issue 23, newcomers: the welcome page after registering, "Ask a question" from any page,
and the first day's limit saying when in plain words with the title and text kept."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from flask import Flask
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Board, Network, Theme, Thread, User
from forum.services import browsing, sanctions
from forum.services.admin import set_moderator
from tests.conftest import (
    CSRF_PATTERN,
    LimitsClock,
    Person,
    board_id,
    counting_queries,
    ids_of,
    make_person,
    thread_id_from,
    user_row,
)


def _threads(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Thread.id)))


def _selected_board(html: str) -> str | None:
    select_html = html[html.index('<select aria-describedby="board-hint"') :]
    select_html = select_html[: select_html.index("</select>")]
    found = re.search(r'<option selected value="(\d*)"', select_html)
    return found[1] if found else None


def _optgroups(html: str) -> dict[str, list[str]]:
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', html, re.S)
    return {unescape(label): re.findall(r">([^<]+)</option>", body) for label, body in groups}


# -- the welcome page ------------------------------------------------------------------------


def test_registering_leads_to_a_welcome_page_that_saves_the_profile(
    app: Flask, anonymous: Person
) -> None:
    registered = anonymous.register("siti.rahman")
    assert registered.headers["Location"] == "/welcome"
    page = anonymous.get("/welcome").get_data(as_text=True)
    assert "Welcome, siti.rahman. Your account is ready." in page
    for label in ("Institution", "Country", "Themes you have expertise in", "Languages spoken"):
        assert label in page
    assert re.search(r'<a href="/" class="button button-secondary">Skip for now</a>', page)
    # what was already in the profile and is not on this page stays as it was
    anonymous.post("/profile", {"display_name": "Siti Rahman", "bio": "Trainer", "locale": "fr"})
    themes = ids_of(app, Theme, "confined-spaces", "fire-safety")
    saved = anonymous.post(
        "/welcome",
        {
            "institution": "NIOSH Malaysia",
            "country": "MY",
            "expertise": themes,
            "languages": ["ms", "en"],
        },
    )
    assert saved.status_code == 302
    assert saved.headers["Location"] == "/"
    member = user_row(app, "siti.rahman")
    assert (member.institution, member.country, member.languages) == (
        "NIOSH Malaysia",
        "MY",
        ["en", "ms"],
    )
    assert (member.display_name, member.bio_source, member.locale) == (
        "Siti Rahman",
        "Trainer",
        "fr",
    )
    profile = anonymous.get("/u/siti.rahman").get_data(as_text=True)
    assert "NIOSH Malaysia" in profile


def test_the_welcome_page_can_be_skipped_on_the_way_to_where_one_was_going(
    app: Flask, anonymous: Person
) -> None:
    anonymous.client.get("/auth/login")
    registered = anonymous.client.post(
        "/auth/register?next=/n/oic-oshnet",
        data={
            "csrf_token": anonymous.csrf_token(),
            "username": "new.comer",
            "email": "new.comer@example.org",
            "password": "correct horse battery",
            "confirm": "correct horse battery",
        },
    )
    assert registered.headers["Location"] == "/welcome?next=/n/oic-oshnet"
    page = anonymous.get(registered.headers["Location"]).get_data(as_text=True)
    assert '<a href="/n/oic-oshnet" class="button button-secondary">Skip for now</a>' in page
    assert anonymous.get("/n/oic-oshnet").status_code == 200  # skipping saves nothing
    assert user_row(app, "new.comer").institution == ""
    # another site is never where "skip" or "save" leads
    elsewhere = anonymous.get("/welcome?next=//evil.example/").get_data(as_text=True)
    assert '<a href="/" class="button button-secondary">Skip for now</a>' in elsewhere


def test_the_welcome_page_is_for_members_and_checks_its_token(
    app: Flask, anonymous: Person, member: Person
) -> None:
    assert anonymous.get("/welcome").headers["Location"].startswith("/auth/login?next=%2Fwelcome")
    forged = member.client.post("/welcome", data={"institution": "Forged"})
    assert forged.status_code == 400
    assert user_row(app, "amina").institution == ""
    refused = member.post("/welcome", {"country": "XX"})
    assert refused.status_code == 422
    assert "Not a valid choice" in refused.get_data(as_text=True)


# -- "Ask a question" ------------------------------------------------------------------------


def test_the_header_button_leads_to_the_composer_with_the_board_one_came_from(
    app: Flask, member: Person
) -> None:
    fire = board_id(app, "oic-oshnet", "fire-safety")
    home = member.get("/").get_data(as_text=True)
    assert '<a class="button ask-button" href="/ask">Ask a question</a>' in home
    board_page = member.get("/n/oic-oshnet/fire-safety").get_data(as_text=True)
    assert f'<a class="button ask-button" href="/ask?board={fire}">' in board_page
    thread_id = thread_id_from(
        member.start_thread("Extinguishers", "How often?", "oic-oshnet/fire-safety")
    )
    thread_page = member.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert f'<a class="button ask-button" href="/ask?board={fire}">' in thread_page

    composer = member.get(f"/ask?board={fire}").get_data(as_text=True)
    assert _selected_board(composer) == str(fire)
    question = '<input checked id="kind-0" name="kind" required type="radio" value="question">'
    assert question in composer
    assert _selected_board(member.get("/ask").get_data(as_text=True)) == ""  # none chosen
    assert _selected_board(member.get("/ask?board=99999").get_data(as_text=True)) == ""


def test_the_boards_are_grouped_by_network_without_archived_ones(
    app: Flask, member: Person
) -> None:
    with app.app_context():
        archived = db.session.get(Board, board_id(app, "oic-oshnet", "mining"))
        archived.is_archived = True
        db.session.commit()
        networks = [n.display_name for n in browsing.all_networks()]
        every_board = db.session.scalar(select(func.count(Board.id)))
    groups = _optgroups(member.get("/ask").get_data(as_text=True))
    assert list(groups) == networks
    assert "Mining in OIC-OSHNET" not in groups["OIC Occupational Safety and Health Network"]
    assert "Mining in ILO Global OSH" in groups["ILO global OSH community"]
    assert sum(len(boards) for boards in groups.values()) == every_board - 1
    assert groups["ILO global OSH community"][:2] == [
        "Confined spaces in ILO Global OSH",
        "Fire safety in ILO Global OSH",
    ]


def test_asking_posts_a_question_in_the_chosen_board(app: Flask, member: Person) -> None:
    fire = board_id(app, "asean-oshnet", "fire-safety")
    posted = member.post(
        "/ask",
        {"board": fire, "kind": "question", "title": "Hydrant pressure", "body": "What minimum?"},
    )
    assert posted.status_code == 302
    thread_id = thread_id_from(posted)
    with app.app_context():
        thread = db.session.get(Thread, thread_id)
        assert (thread.board_id, thread.kind.value, thread.title) == (
            fire,
            "question",
            "Hydrant pressure",
        )
    page = member.get(posted.headers["Location"]).get_data(as_text=True)
    assert "Your thread is posted." in page


def test_asking_without_a_board_keeps_what_was_typed(app: Flask, member: Person) -> None:
    refused = member.post("/ask", {"kind": "question", "title": "My title", "body": "My text"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Choose the network and theme to ask in." in html
    assert 'value="My title"' in html
    assert "My text</textarea>" in html
    assert _threads(app) == 0


def test_a_board_the_member_may_not_post_in_is_refused(app: Flask, member: Person) -> None:
    archived = board_id(app, "oic-oshnet", "mining")
    elsewhere = board_id(app, "ilo-global", "mining")
    with app.app_context():
        db.session.get(Board, archived).is_archived = True
        moderator = User(username="mod", username_key="mod", email="m@example.org")
        moderator.set_password("a long password")
        db.session.add(moderator)
        db.session.commit()
        set_moderator(None, moderator, browsing.get_network("asean-oshnet"), moderator=True)
        suspended_in = browsing.get_network("asean-oshnet")
        sanctions.suspend(
            moderator,
            db.session.scalar(select(User).where(User.username == "amina")),
            suspended_in,
            datetime.now(UTC).replace(tzinfo=None) + timedelta(days=3),
            "spam",
        )
        asean_board = db.session.scalar(select(Board.id).where(Board.network_id == suspended_in.id))
        db.session.remove()
    thread = {"kind": "question", "title": "Ore pass safety", "body": "Details"}
    refused = member.post("/ask", {**thread, "board": archived})
    assert refused.status_code == 403
    assert "This board is archived" in refused.get_data(as_text=True)
    suspended = member.post("/ask", {**thread, "board": asean_board})
    assert suspended.status_code == 403
    assert "You are suspended in" in suspended.get_data(as_text=True)
    assert _threads(app) == 0
    groups = _optgroups(member.get("/ask").get_data(as_text=True))
    assert "ASEAN Occupational Safety and Health Network" not in groups
    assert member.post("/ask", {**thread, "board": elsewhere}).status_code == 302


def test_visitors_are_sent_to_log_in_and_brought_back(app: Flask, anonymous: Person) -> None:
    fire = board_id(app, "oic-oshnet", "fire-safety")
    sent = anonymous.get(f"/ask?board={fire}")
    assert sent.status_code == 302
    assert sent.headers["Location"] == f"/auth/login?next=%2Fask%3Fboard%3D{fire}"
    board_page = anonymous.get("/n/oic-oshnet/fire-safety").get_data(as_text=True)
    assert f'<a class="button ask-button" href="/ask?board={fire}">Ask a question</a>' in board_page
    make_person(app, "kemal")  # an account to log in with, from the visitor's browser
    back = anonymous.client.post(
        f"/auth/login?next=/ask?board={fire}",
        data={
            "csrf_token": anonymous.csrf_token(),
            "login": "kemal",
            "password": "correct horse battery",
        },
    )
    assert back.headers["Location"] == f"/ask?board={fire}"
    assert _selected_board(anonymous.get(back.headers["Location"]).get_data(as_text=True)) == str(
        fire
    )
    posted = anonymous.client.post(
        "/ask", data={"board": fire, "kind": "question", "title": "T", "body": "B"}
    )
    assert posted.status_code == 400  # no CSRF token: nothing posted
    assert _threads(app) == 0


# -- the first day's limit -------------------------------------------------------------------

NINE_FOURTEEN = datetime(2026, 12, 5, 9, 14, 20, tzinfo=UTC)


class TestTheFirstDaySaysWhen:
    @pytest.fixture
    def app_config(self) -> dict[str, object]:
        return {
            "NEW_ACCOUNT_THREAD_LIMIT": "3 per day",
            "NEW_ACCOUNT_REPLY_LIMIT": "2 per day",
            "NEW_ACCOUNT_DAYS": 3650,  # the limit's own window, not the account's age, decides
        }

    def test_a_new_thread_refused_keeps_its_title_and_text(
        self, app: Flask, member: Person, limits_clock: LimitsClock
    ) -> None:
        limits_clock.set(NINE_FOURTEEN)
        fire = board_id(app, "oic-oshnet", "fire-safety")
        for number in range(2):
            assert member.start_thread(f"Question {number}", "Details").status_code == 302
        assert (
            member.post(
                "/ask", {"board": fire, "kind": "question", "title": "Third", "body": "Details"}
            ).status_code
            == 302
        )  # "Ask a question" spends the same allowance
        refused = member.start_thread("Fourth question", "A long text I do not want to lose.")
        html = refused.get_data(as_text=True)
        assert refused.status_code == 429
        assert 86_300 < int(refused.headers["Retry-After"]) <= 86_400
        assert (
            "New members can start only a few threads on their first day. You can start another "
            "tomorrow at 09:14 (UTC). Your title and text are kept below."
        ) in html
        assert 'value="Fourth question"' in html
        assert "A long text I do not want to lose.</textarea>" in html
        assert 'class="composer"' in html  # the composer itself, ready to send again

        limits_clock.set(datetime(2026, 12, 6, 0, 30, tzinfo=UTC))
        asked = member.post(
            "/ask", {"board": fire, "kind": "discussion", "title": "Fourth", "body": "Kept"}
        )
        html = asked.get_data(as_text=True)
        assert asked.status_code == 429
        assert "You can start another today at 09:14 (UTC)." in html
        assert _selected_board(html) == str(fire)
        assert 'value="Fourth"' in html
        assert "Kept</textarea>" in html

        limits_clock.set(datetime(2026, 12, 6, 9, 15, tzinfo=UTC))
        assert member.start_thread("Fourth question", "Now it goes.").status_code == 302
        assert _threads(app) == 4

    def test_a_reply_refused_keeps_its_text(
        self, app: Flask, member: Person, other_member: Person, limits_clock: LimitsClock
    ) -> None:
        limits_clock.set(NINE_FOURTEEN)
        thread_id = thread_id_from(member.start_thread("Question", "Details"))
        limits_clock.set(NINE_FOURTEEN + timedelta(hours=9))  # 18:14
        for number in range(2):
            assert other_member.reply(thread_id, f"Reply {number}").status_code == 302
        refused = other_member.reply(thread_id, "My third reply, kept.")
        html = refused.get_data(as_text=True)
        assert refused.status_code == 429
        assert (
            "New members can post only a few replies on their first day. You can reply again "
            "tomorrow at 18:14 (UTC). Your text is kept below."
        ) in html
        assert "My third reply, kept.</textarea>" in html

    def test_scripts_are_told_in_json(
        self, app: Flask, member: Person, limits_clock: LimitsClock
    ) -> None:
        limits_clock.set(NINE_FOURTEEN)
        for number in range(3):
            member.start_thread(f"Question {number}", "Details")
        refused = member.post(
            "/n/oic-oshnet/confined-spaces/new",
            {"kind": "question", "title": "Fourth", "body": "Details"},
            headers={"Accept": "application/json"},
        )
        assert refused.status_code == 429
        assert "tomorrow at 09:14 (UTC)" in refused.get_json()["message"]


class TestALongerWindowNamesTheDay:
    @pytest.fixture
    def app_config(self) -> dict[str, object]:
        return {"NEW_ACCOUNT_THREAD_LIMIT": "1 per 3 days", "NEW_ACCOUNT_DAYS": 3650}

    def test_the_date_is_said(self, member: Person, limits_clock: LimitsClock) -> None:
        limits_clock.set(NINE_FOURTEEN)
        assert member.start_thread("First", "Details").status_code == 302
        refused = member.start_thread("Second", "Details")
        assert refused.status_code == 429
        assert "You can start another on 8 December 2026 at 09:14 (UTC)." in refused.get_data(
            as_text=True
        )


# -- what the new pages cost -----------------------------------------------------------------


class TestQueries:
    @pytest.fixture
    def app_config(self) -> dict[str, object]:
        return {"PAGE_CACHE_MB": 0}

    def _queries(self, app: Flask, person: Person, url: str) -> int:
        person.get(url)  # warm: the first request may load a session's user
        with counting_queries(app) as counter:
            response = person.get(url)
        assert response.status_code == 200
        return counter.count

    def test_the_new_pages_cost_the_same_whatever_the_boards_and_themes(
        self, app: Flask, member: Person
    ) -> None:
        fire = board_id(app, "oic-oshnet", "fire-safety")
        urls = ("/welcome", "/ask", f"/ask?board={fire}")
        few = [self._queries(app, member, url) for url in urls]
        with app.app_context():  # many more networks and themes, each network a board per theme
            themes = [
                Theme(slug=f"extra-{n}", name=f"Extra {n}", position=50 + n) for n in range(20)
            ]
            networks = [
                Network(slug=f"net-{n}", short_name=f"N{n}", name=f"Network {n}", position=50 + n)
                for n in range(10)
            ]
            db.session.add_all(themes + networks)
            db.session.flush()
            db.session.add_all(
                Board(network_id=network.id, theme_id=theme.id)
                for network in networks
                for theme in themes
            )
            db.session.commit()
        many = [self._queries(app, member, url) for url in urls]
        assert many == few
        assert max(many) <= 8, many
        assert len(_optgroups(member.get("/ask").get_data(as_text=True))) == 13


def test_forms_on_the_new_pages_carry_a_token(member: Person) -> None:
    for url in ("/welcome", "/ask"):
        assert CSRF_PATTERN.search(member.get(url).get_data(as_text=True)), url
