"""Visitors' pages and feeds are kept whole, served as stored with an ETag, and never shown
once something they show has changed. Which change moves which page: test_page_versions."""

from __future__ import annotations

import time

import pytest
from flask import Flask
from itsdangerous import TimestampSigner
from sqlalchemy import select, update

from forum import create_app
from forum.extensions import db
from forum.models import Board, ContentVersion, Notification
from forum.page_cache import HEADER, STORE, KeptPage, PageCache
from forum.services import accounts, browsing, posting
from tests.conftest import (
    CSRF_PATTERN,
    Person,
    counting_queries,
    make_config,
    thread_id_from,
)

THREAD_PAGE = "/threads/{}"


def _thread(member: Person, title: str = "Gas testing before entry") -> int:
    return thread_id_from(member.start_thread(title, "Which detector do you use for H2S?"))


def test_a_visitor_gets_the_kept_page_for_one_statement(
    app: Flask, member: Person, anonymous: Person
) -> None:
    thread_id = _thread(member)
    first = anonymous.get(THREAD_PAGE.format(thread_id))
    assert first.headers[HEADER] == "miss"
    with counting_queries(app, kept_pages=True) as counter:
        second = anonymous.get(THREAD_PAGE.format(thread_id))
    assert second.headers[HEADER] == "hit"
    assert counter.count == 1  # the versions the page was made under
    assert second.get_data() == first.get_data()  # served as stored
    assert second.headers["Content-Security-Policy"]  # the usual headers still apply


def test_an_etag_answers_if_none_match_with_304_until_the_page_changes(
    member: Person, other_member: Person, anonymous: Person
) -> None:
    page = THREAD_PAGE.format(_thread(member))
    first = anonymous.get(page)
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "no-cache"
    assert {"Cookie", "Accept-Language"} <= {v.strip() for v in first.headers["Vary"].split(",")}
    again = anonymous.get(page, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag
    french = anonymous.get(page, headers={"If-None-Match": etag, "Accept-Language": "fr"})
    assert french.status_code == 200  # another language is another page
    assert french.headers["ETag"] != etag

    other_member.reply(_thread_id(page), "A four-gas meter, bump-tested daily.")
    changed = anonymous.get(page, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert "bump-tested daily" in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != etag


def _thread_id(page: str) -> int:
    return int(page.rsplit("/", 1)[1])


def test_query_arguments_the_page_does_not_read_make_no_new_page(
    member: Person, anonymous: Person
) -> None:
    """?utm_source=... is the same page: served from the same entry, and nothing of it
    reaches the page (the view never sees it)."""
    page = THREAD_PAGE.format(_thread(member))
    plain = anonymous.get(page)
    tracked = anonymous.get(f"{page}?utm_source=newsletter&fbclid=x%22%3E%3Cb%3Eboo")
    assert tracked.headers[HEADER] == "hit"
    assert tracked.get_data() == plain.get_data()
    assert anonymous.get(f"{page}?sort=votes").headers[HEADER] == "miss"  # one it reads
    board = anonymous.get("/n/oic-oshnet/confined-spaces?show=question&ref=abc")
    text = board.get_data(as_text=True)
    assert "ref=abc" not in text  # not in the log-in link, the switcher, the filters
    assert 'value="/n/oic-oshnet/confined-spaces?show=question"' in text
    assert anonymous.get("/n/oic-oshnet/confined-spaces?show=question").headers[HEADER] == "hit"


def test_a_visitors_page_holds_no_token_and_sets_no_cookie(
    member: Person, anonymous: Person
) -> None:
    thread_id = _thread(member)
    for page in ("/", THREAD_PAGE.format(thread_id), "/n/oic-oshnet/confined-spaces", "/experts"):
        for _ in range(2):  # made, then kept
            response = anonymous.get(page)
            assert CSRF_PATTERN.search(response.get_data(as_text=True)) is None, page
            assert "Set-Cookie" not in response.headers, page
    assert anonymous.client.get_cookie("session") is None


def test_the_language_switcher_works_from_a_kept_page(member: Person, anonymous: Person) -> None:
    page = THREAD_PAGE.format(_thread(member))
    anonymous.get(page)
    kept = anonymous.get(page)
    assert kept.headers[HEADER] == "hit"
    assert f'name="next" value="{page}"' in kept.get_data(as_text=True)
    switched = anonymous.client.post("/language", data={"language": "fr", "next": page})
    assert switched.status_code == 303
    assert switched.headers["Location"] == page
    assert 'lang="fr"' in anonymous.get(page).get_data(as_text=True)
    refused = member.client.post("/language", data={"language": "fr", "next": page})
    assert refused.status_code == 400  # a member's choice changes their profile: a token


def test_languages_are_kept_apart(app: Flask, member: Person, anonymous: Person) -> None:
    anonymous.get("/", headers={"Accept-Language": "en"})
    french = anonymous.get("/", headers={"Accept-Language": "fr"})
    assert french.headers[HEADER] == "miss"
    assert 'lang="fr"' in french.get_data(as_text=True)
    english = anonymous.get("/", headers={"Accept-Language": "en"})
    assert english.headers[HEADER] == "hit"
    assert 'lang="en"' in english.get_data(as_text=True)


def test_members_pages_are_never_kept(member: Person, anonymous: Person) -> None:
    member.get("/")  # the welcome message, shown once
    anonymous.get("/")
    for _ in range(2):
        page = member.get("/")
        assert HEADER not in page.headers
        assert "ETag" not in page.headers
        assert "Log out" in page.get_data(as_text=True)
        assert "Join the forum" not in page.get_data(as_text=True)
    assert member.get("/", headers={"If-None-Match": "*"}).status_code == 200


def test_a_page_with_a_message_is_never_kept(anonymous: Person) -> None:
    anonymous.get("/")
    anonymous.post("/language", {"language": "xx", "next": "/"})  # refused, with a message
    with_message = anonymous.get("/")
    assert HEADER not in with_message.headers
    assert 'class="flash' in with_message.get_data(as_text=True)
    after = anonymous.get("/")
    assert after.headers[HEADER] == "hit"
    assert 'class="flash' not in after.get_data(as_text=True)


def test_feeds_are_kept_for_members_too_and_never_stale(
    member: Person, other_member: Person, anonymous: Person
) -> None:
    feed = "/n/oic-oshnet/confined-spaces/feed.atom"
    member.get("/")  # the welcome message, shown once
    other_member.start_thread("Hot work permits", "Who signs them off?")
    assert anonymous.get(feed).headers[HEADER] == "miss"
    kept = member.get(feed)
    assert kept.headers[HEADER] == "hit"  # the visitor's feed, served to a member
    assert kept.get_data() == anonymous.get(feed).get_data()
    other_member.start_thread("Fire watch after hot work", "How long?")
    fresh = member.get(feed)
    assert fresh.headers[HEADER] == "miss"
    assert "Fire watch after hot work" in fresh.get_data(as_text=True)


def test_search_results_are_not_kept(member: Person, anonymous: Person) -> None:
    _thread(member, "Forklift seat belts")
    for _ in range(2):
        page = anonymous.get("/search?q=forklift")
        assert "1 thread found" in page.get_data(as_text=True)
        assert HEADER not in page.headers


def test_a_change_made_by_another_server_process_is_seen(
    app: Flask, database_url: str, member: Person, anonymous: Person
) -> None:
    """Processes share no memory: the versions in the database are what tell them."""
    thread_id = _thread(member)
    assert anonymous.get(THREAD_PAGE.format(thread_id)).status_code == 200
    assert anonymous.get(THREAD_PAGE.format(thread_id)).headers[HEADER] == "hit"
    other_process = create_app(make_config(database_url, SEARCH_INDEX=app.config["SEARCH_INDEX"]))
    with other_process.app_context():
        author = accounts.find_user("amina")
        thread = browsing.get_thread(thread_id)
        posting.reply(author, thread, "Update: we now log every reading.", "en")
        db.session.remove()
        db.engine.dispose()
    page = anonymous.get(THREAD_PAGE.format(thread_id))
    assert page.headers[HEADER] == "miss"
    assert "we now log every reading" in page.get_data(as_text=True)


def _versions(app: Flask) -> dict[int, int]:
    with app.app_context():
        return dict(db.session.execute(select(ContentVersion.id, ContentVersion.number)).all())


def test_statements_move_the_site_and_private_ones_move_nothing(app: Flask) -> None:
    before = _versions(app)
    with app.app_context():
        db.session.execute(update(Board).values(description="Permits, gas tests, rescue."))
        db.session.commit()
    assert _versions(app) == {1: before[1] + 1, 2: before[2] + 1}
    with app.app_context():
        db.session.execute(update(Notification).values(read_at=None))
        db.session.commit()
        db.session.execute(select(Board.id)).all()
        db.session.commit()
    assert _versions(app) == {1: before[1] + 1, 2: before[2] + 1}


def test_versions_are_raised_on_a_database_made_without_their_rows(app: Flask) -> None:
    with app.app_context():
        db.session.execute(ContentVersion.__table__.delete())
        db.session.commit()
        db.session.execute(update(Board).values(description="Changed."))
        db.session.commit()
    assert _versions(app) == {1: 1, 2: 1}


def _page(size: int, versions: tuple[int, ...] = (1,)) -> KeptPage:
    return KeptPage(versions, b"x" * (size - 200), ())


def test_the_cache_keeps_to_its_budget_and_to_the_current_versions() -> None:
    cache = PageCache(budget_bytes=750)
    cache.put(("a",), _page(300))
    cache.put(("b",), _page(300))
    assert cache.get(("a",), (1,)) is not None  # a is now the most recently used
    cache.put(("c",), _page(300))
    assert cache.get(("b",), (1,)) is None
    assert cache.get(("a",), (1,)) is not None
    assert cache.get(("c",), (1,)) is not None
    assert cache.get(("c",), (2,)) is None  # made under versions no longer current
    cache.put(("huge",), _page(1000))
    assert cache.get(("huge",), (1,)) is None
    assert cache.used <= cache.budget


def test_no_cache_when_switched_off(database_url: str, app: Flask) -> None:
    uncached = create_app(make_config(database_url, PAGE_CACHE_MB=0))
    assert STORE not in uncached.extensions
    client = uncached.test_client()
    client.get("/")
    assert HEADER not in client.get("/").headers
    with uncached.app_context():
        db.session.remove()
        db.engine.dispose()


def test_no_page_carries_another_persons_token(
    app: Flask,
    member: Person,
    other_member: Person,
    anonymous: Person,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A member who writes their own CSRF token into a post and has the page made meanwhile
    gets it shown as written, to no one as theirs: no reader's page holds another's token."""
    # A token is signed with the second it was made in: the attack needs the same second.
    now = int(time.time())
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _self: now)
    thread_id = _thread(member)
    token = member.csrf_token()
    member.reply(thread_id, f"[the checklist](https://evil.example/?t={token})")
    member.get(THREAD_PAGE.format(thread_id))
    anonymous.get(THREAD_PAGE.format(thread_id))  # kept for visitors

    for reader in (other_member, anonymous, member):
        page = reader.get(THREAD_PAGE.format(thread_id)).get_data(as_text=True)
        link = page[page.index("https://evil.example/?t=") :].split('"', 1)[0]
        assert link == f"https://evil.example/?t={token}"  # as written, whoever reads it
        tokens = set(CSRF_PATTERN.findall(page))
        if reader is anonymous:
            assert not tokens
        else:
            assert tokens == {reader.csrf_token()} or all(
                t.split(".")[0] == reader.csrf_token().split(".")[0] for t in tokens
            )
        if reader is not member:
            assert token not in tokens
