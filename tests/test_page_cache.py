"""Visitors' pages are kept, and never shown once something they show has changed."""

from __future__ import annotations

import time

import pytest
from flask import Flask
from itsdangerous import TimestampSigner
from sqlalchemy import select, update

from forum import create_app, search
from forum.extensions import db
from forum.models import Board, Notification
from forum.page_cache import HEADER, KeptPage, PageCache, current_version
from forum.search import outbox
from forum.services import accounts, browsing, posting
from tests.conftest import (
    CSRF_PATTERN,
    Person,
    counting_queries,
    make_config,
    make_person,
    reply_ids,
)

THREAD_PAGE = "/threads/{}"


def _thread(member: Person, title: str = "Gas testing before entry") -> int:
    response = member.start_thread(title, "Which detector do you use for H2S?")
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_a_visitor_gets_the_kept_page_for_one_statement(
    app: Flask, member: Person, anonymous: Person
) -> None:
    thread_id = _thread(member)
    first = anonymous.get(THREAD_PAGE.format(thread_id))
    assert first.headers[HEADER] == "miss"
    with counting_queries(app) as counter:
        second = anonymous.get(THREAD_PAGE.format(thread_id))
    assert second.headers[HEADER] == "hit"
    assert counter.count == 1  # the content version
    assert "Gas testing before entry" in second.get_data(as_text=True)
    assert second.headers["Content-Security-Policy"]  # the usual headers still apply


def test_a_reply_is_shown_to_visitors_at_once(
    app: Flask, member: Person, other_member: Person, anonymous: Person
) -> None:
    thread_id = _thread(member)
    anonymous.get(THREAD_PAGE.format(thread_id))
    anonymous.get("/n/oic-oshnet/confined-spaces")
    other_member.reply(thread_id, "A four-gas meter, bump-tested daily.")

    thread_page = anonymous.get(THREAD_PAGE.format(thread_id))
    assert thread_page.headers[HEADER] == "miss"
    assert "bump-tested daily" in thread_page.get_data(as_text=True)
    board = anonymous.get("/n/oic-oshnet/confined-spaces").get_data(as_text=True)
    assert "kemal" in board  # the board's "last post by" moved on too


def test_a_hidden_post_leaves_the_kept_page(
    app: Flask, member: Person, other_member: Person, anonymous: Person
) -> None:
    thread_id = _thread(member)
    other_member.reply(thread_id, "Skip the gas test if the tank smells fine.")
    assert "smells fine" in anonymous.get(THREAD_PAGE.format(thread_id)).get_data(as_text=True)
    assert anonymous.get(THREAD_PAGE.format(thread_id)).headers[HEADER] == "hit"

    moderator = make_person(app, "mod", moderates=("oic-oshnet",))
    reply_id = reply_ids(app, thread_id)[-1]
    hidden = moderator.post(f"/mod/posts/{reply_id}/hide", {"reason": "Unsafe advice"})
    assert hidden.status_code == 302

    assert "smells fine" not in anonymous.get(THREAD_PAGE.format(thread_id)).get_data(as_text=True)


def test_a_helpful_vote_is_shown(
    app: Flask, member: Person, other_member: Person, anonymous: Person
) -> None:
    thread_id = _thread(member)
    other_member.reply(thread_id, "Calibrate the detector first.")
    reply_id = reply_ids(app, thread_id)[-1]
    assert "found this helpful" not in anonymous.get(THREAD_PAGE.format(thread_id)).get_data(
        as_text=True
    )
    assert member.post(f"/posts/{reply_id}/vote").status_code in (302, 303)
    page = anonymous.get(THREAD_PAGE.format(thread_id))
    assert "1 found this helpful" in page.get_data(as_text=True)


def test_each_visitor_gets_a_token_for_their_own_session(
    app: Flask, member: Person, anonymous: Person
) -> None:
    thread_id = _thread(member)
    anonymous.get(THREAD_PAGE.format(thread_id))
    second_visitor = Person(app.test_client())
    kept = second_visitor.get(THREAD_PAGE.format(thread_id))
    assert kept.headers[HEADER] == "hit"
    token = CSRF_PATTERN.search(kept.get_data(as_text=True)).group(1)

    switched = second_visitor.client.post("/language", data={"csrf_token": token, "language": "fr"})
    assert switched.status_code == 303
    assert "forum_language=fr" in switched.headers["Set-Cookie"]


def test_languages_are_kept_apart(app: Flask, member: Person, anonymous: Person) -> None:
    anonymous.get("/", headers={"Accept-Language": "en"})
    french = anonymous.get("/", headers={"Accept-Language": "fr"})
    assert french.headers[HEADER] == "miss"
    assert 'lang="fr"' in french.get_data(as_text=True)
    assert 'lang="en"' in anonymous.get("/", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )


def test_members_pages_and_flashed_messages_are_never_kept(
    app: Flask, member: Person, anonymous: Person
) -> None:
    anonymous.get("/")
    page = member.get("/")
    assert HEADER not in page.headers
    assert "Log out" in page.get_data(as_text=True)

    anonymous.client.post(
        "/language", data={"csrf_token": anonymous.csrf_token(), "language": "xx"}
    )  # refused, with a message on the next page
    with_message = anonymous.get("/")
    assert HEADER not in with_message.headers
    assert 'class="flash' in with_message.get_data(as_text=True)


def test_a_change_made_by_another_server_process_is_seen(
    app: Flask, database_url: str, member: Person, anonymous: Person
) -> None:
    """Processes share no memory: the version in the database is what tells them."""
    thread_id = _thread(member)
    assert anonymous.get(THREAD_PAGE.format(thread_id)).status_code == 200
    other_process = create_app(make_config(database_url, SEARCH_INDEX=app.config["SEARCH_INDEX"]))
    with other_process.app_context():
        author = accounts.find_user("amina")
        thread = browsing.get_thread(thread_id)
        posting.reply(author, thread, "Update: we now log every reading.", "en")
        db.session.remove()
        db.engine.dispose()
    page = anonymous.get(THREAD_PAGE.format(thread_id))
    assert "we now log every reading" in page.get_data(as_text=True)


def test_reading_notifications_keeps_visitors_pages(
    app: Flask, member: Person, other_member: Person, anonymous: Person
) -> None:
    thread_id = _thread(member)
    other_member.reply(thread_id, "Following: same question here.")
    anonymous.get(THREAD_PAGE.format(thread_id))
    assert member.post("/notifications/read").status_code in (302, 303)
    assert anonymous.get(THREAD_PAGE.format(thread_id)).headers[HEADER] == "hit"


def test_changes_made_by_statements_raise_the_version_and_private_ones_do_not(
    app: Flask,
) -> None:
    with app.app_context():
        before = current_version()
        db.session.execute(update(Board).values(description="Permits, gas tests, rescue."))
        db.session.commit()
        assert current_version() == before + 1
        db.session.execute(update(Notification).values(read_at=None))
        db.session.commit()
        db.session.execute(select(Board.id)).all()
        db.session.commit()
        assert current_version() == before + 1


def _page(size: int) -> KeptPage:
    return KeptPage("x", (), size)


def test_the_cache_keeps_to_its_budget_and_to_the_newest_version() -> None:
    cache = PageCache(budget_bytes=250)
    cache.put(1, "a", _page(100))
    cache.put(1, "b", _page(100))
    assert cache.get(1, "a") is not None  # a is now the most recently used
    cache.put(1, "c", _page(100))
    assert cache.get(1, "b") is None
    assert cache.get(1, "a") is not None
    assert cache.get(1, "c") is not None

    cache.put(2, "d", _page(100))  # a newer version drops every older page
    assert cache.get(2, "a") is None
    cache.put(1, "late", _page(10))  # made from an older snapshot: not kept
    assert cache.get(2, "late") is None
    cache.put(2, "huge", _page(1000))
    assert cache.get(2, "huge") is None
    assert cache.get(2, "d") is not None


def test_no_cache_when_switched_off(database_url: str, app: Flask) -> None:
    uncached = create_app(make_config(database_url, PAGE_CACHE_MB=0))
    client = uncached.test_client()
    client.get("/")
    assert HEADER not in client.get("/").headers
    with uncached.app_context():
        db.session.remove()
        db.engine.dispose()


def test_search_results_are_kept_and_never_miss_what_the_index_gains(
    app: Flask, member: Person, anonymous: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index is written after the commit, so the content version alone would keep a page
    made in between; the drain that indexes moves the version on too."""
    _thread(member, "Forklift seat belts")
    search_page = "/search?q=forklift"
    assert "1 thread found" in anonymous.get(search_page).get_data(as_text=True)
    member.get(search_page)
    with counting_queries(app) as counter:
        assert anonymous.get(search_page).headers[HEADER] == "hit"
    assert counter.count == 1
    with counting_queries(app) as counter:
        assert "1 thread found" in member.get(search_page).get_data(as_text=True)
    assert counter.count == 2  # the member, their standing with the content version

    monkeypatch.setattr(outbox, "LOCK_TIMEOUT", 0.1)
    with app.app_context():
        backend = search.backend()
    with backend._lock(timeout=1):  # another process is writing: the new thread waits
        _thread(member, "Forklift pedestrian zones")
    for person in (anonymous, member):
        assert "1 thread found" in person.get(search_page).get_data(as_text=True)
    with app.app_context():
        assert outbox.drain() == 1
    for person in (anonymous, member):
        assert "2 threads found" in person.get(search_page).get_data(as_text=True)


def test_many_searches_never_push_out_the_pages_everyone_reads(
    app: Flask, member: Person, anonymous: Person
) -> None:
    thread_id = _thread(member, "Scaffold ties")
    shared, searches = (app.extensions[name] for name in ("forum_page_cache", "forum_search_pages"))
    shared.budget = searches.budget = 100_000  # a few pages each
    assert anonymous.get(THREAD_PAGE.format(thread_id)).headers[HEADER] == "miss"
    for number in range(30):  # a crawler's worth of queries, each a new address
        assert anonymous.get(f"/search?q=scaffold+{number}").status_code == 200
    assert 0 < searches.used <= searches.budget
    assert anonymous.get(THREAD_PAGE.format(thread_id)).headers[HEADER] == "hit"


def test_a_token_written_into_a_post_is_never_swapped_for_a_readers_own(
    app: Flask,
    member: Person,
    other_member: Person,
    anonymous: Person,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A member who writes their own CSRF token into a link, then makes the kept page
    themselves, must not turn that link into one that carries each reader's token."""
    # A token is signed with the second it was made in: the attack needs the same second.
    now = int(time.time())
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _self: now)
    thread_id = _thread(member)
    token = member.csrf_token()
    member.reply(thread_id, f"[the checklist](https://evil.example/?t={token})")
    member.get(THREAD_PAGE.format(thread_id))  # made by the writer, under their token

    for reader in (other_member, anonymous, member):
        page = reader.get(THREAD_PAGE.format(thread_id)).get_data(as_text=True)
        own = CSRF_PATTERN.search(page).group(1)
        link = page[page.index("https://evil.example/?t=") :].split('"', 1)[0]
        assert link == f"https://evil.example/?t={token}"  # as written, whoever reads it
        if reader is not member:
            assert own not in link
