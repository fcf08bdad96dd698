"""The API's lists of threads and posts read on after the last row sent (forum/services/
slices.py): a thread started or a reply posted while a newsletter script reads page after page
neither repeats nor skips a row, and a cursor the forum did not give is a 400, never a 500."""

from __future__ import annotations

import base64
import json

import pytest
from flask import Flask
from sqlalchemy import update

from forum.database import write_transaction
from forum.models import Thread
from tests.conftest import Person, thread_id_from

THREADS = "/api/v1/threads?network=oic-oshnet"
BOARD = "/api/v1/threads?network=oic-oshnet&theme=confined-spaces"


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"PAGE_CACHE_MB": 0}


def _all(client, first: str, then: str, between=lambda: None) -> list[list[int]]:  # noqa: ANN001
    """Every page's ids, following next_cursor; `between` runs after each page is read."""
    pages, answer = [], client.get(first).json
    for _ in range(20):  # more pages than any test has rows: a cursor that reads on forever
        pages.append([item["id"] for item in answer["items"]])
        between()
        if answer["next_cursor"] is None:
            return pages
        answer = client.get(f"{then}cursor={answer['next_cursor']}").json
    raise AssertionError(f"no end after 20 pages: {pages}")


def _with_replies(member: Person, other_member: Person, count: int) -> int:
    thread_id = thread_id_from(member.start_thread("Harness inspection", "How often?"))
    for n in range(count):
        other_member.reply(thread_id, f"Reply {n}")
    return thread_id


def _started(member: Person, count: int, prefix: str = "Thread") -> list[int]:
    return [thread_id_from(member.start_thread(f"{prefix} {n}", "Body")) for n in range(count)]


def test_a_thread_started_while_reading_neither_repeats_nor_skips_one(
    app: Flask, member: Person
) -> None:
    older = _started(member, 5)
    newer: list[int] = []
    client = app.test_client()
    pages = _all(
        client,
        f"{THREADS}&limit=2",
        f"{THREADS}&",
        lambda: newer.extend(_started(member, 1, "Meanwhile")),
    )
    assert [len(page) for page in pages] == [2, 2, 1]
    assert sum(pages, []) == older[::-1]  # newest first: what was there, once each
    assert len(newer) == 3
    # read again from the start, the new threads lead
    assert _all(client, f"{THREADS}&limit=100", f"{THREADS}&")[0][:3] == newer[::-1]


def test_threads_started_last_first_meet_every_thread_once_whatever_moves(
    app: Flask, member: Person, other_member: Person
) -> None:
    ids = _started(member, 5)
    replied = iter(ids)  # after each page, a reply to a thread not read yet, or read
    client = app.test_client()
    by_activity = _all(
        client,
        f"{THREADS}&limit=2",
        f"{THREADS}&",
        lambda: other_member.reply(next(replied), "Still open?"),
    )
    assert sorted(sum(by_activity, [])) != sorted(ids)  # moved: met twice, or not at all
    newest = _all(
        client,
        f"{THREADS}&sort=newest&limit=2",
        f"{THREADS}&sort=newest&",
        lambda: other_member.reply(next(replied, ids[0]), "Still open?"),
    )
    assert sum(newest, []) == ids[::-1]


def test_a_boards_list_reads_on_past_its_pinned_threads(app: Flask, member: Person) -> None:
    ids = _started(member, 5)
    with app.app_context(), write_transaction() as session:
        session.execute(update(Thread).where(Thread.id.in_(ids[:2])).values(is_pinned=True))
    pages = _all(app.test_client(), f"{BOARD}&limit=2", f"{BOARD}&")
    assert sum(pages, []) == [ids[1], ids[0], ids[4], ids[3], ids[2]]


@pytest.mark.parametrize("sort", ["oldest", "votes"])
def test_a_threads_posts_come_once_each_in_its_order(
    app: Flask, member: Person, other_member: Person, sort: str
) -> None:
    thread_id = _with_replies(member, other_member, 4)
    client = app.test_client()
    posts = f"/api/v1/threads/{thread_id}/posts?sort={sort}"
    everything = client.get(f"{posts}&limit=100").json["items"]
    replies = [post["id"] for post in everything[1:]]
    member.post(f"/posts/{replies[2]}/vote")  # by votes, the third reply comes first
    expected = [post["id"] for post in client.get(f"{posts}&limit=100").json["items"]]
    assert len(expected) == 5
    if sort == "votes":
        assert expected[1] == replies[2]
    else:
        assert expected == [post["id"] for post in everything]
    pages = _all(client, f"{posts}&limit=2", f"{posts}&")
    assert [len(page) for page in pages] == [2, 2, 1]
    assert sum(pages, []) == expected


def test_a_reply_posted_while_reading_is_on_the_last_page(
    app: Flask, member: Person, other_member: Person
) -> None:
    thread_id = _with_replies(member, other_member, 3)
    client = app.test_client()
    posts = f"/api/v1/threads/{thread_id}/posts?"
    first = client.get(f"{posts}limit=2").json
    other_member.reply(thread_id, "Posted meanwhile")
    second = client.get(f"{posts}cursor={first['next_cursor']}").json
    assert [post["body_markdown"] for post in second["items"]] == ["Reply 1", "Reply 2"]
    third = client.get(f"{posts}cursor={second['next_cursor']}").json
    assert [post["body_markdown"] for post in third["items"]] == ["Posted meanwhile"]
    assert third["next_cursor"] is None


def _cursor(*values: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "nonsense",
        "%%%",
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        _cursor(),
        _cursor(2),  # no row to read after
        _cursor(2, "2026-01-01", 7),  # a time as text
        _cursor(2, 1.5, 7),
        _cursor(2, 0, 7, 9),  # one value too many
        _cursor(2, 0, True),  # a bool for an id
        _cursor(2, 0, 2**31),  # past PostgreSQL's integers
        _cursor(2, 0, -1),
        _cursor(2, 10**20, 7),  # past the year 9999
        _cursor(0, 0, 7),
        _cursor(101, 0, 7),
        _cursor(True, 0, 7),
        base64.urlsafe_b64encode(b'{"a": 1}').decode(),
        base64.urlsafe_b64encode(b"[" * 60 + b"]" * 60).decode()[:120],
        base64.urlsafe_b64encode(b"3.20").decode(),  # another list's position
    ],
)
def test_a_cursor_the_forum_did_not_give_is_refused(app: Flask, cursor: str) -> None:
    answer = app.test_client().get(f"{THREADS}&cursor={cursor}")
    assert answer.status_code == 400, answer.get_data(as_text=True)
    assert answer.json["errors"][0]["field"] == "cursor"


def test_a_threads_cursor_does_not_read_a_threads_posts(app: Flask, member: Person) -> None:
    _started(member, 3)
    cursor = app.test_client().get(f"{THREADS}&limit=1").json["next_cursor"]
    thread_id = thread_id_from(member.start_thread("Another", "Body"))
    answer = app.test_client().get(f"/api/v1/threads/{thread_id}/posts?cursor={cursor}")
    assert answer.status_code == 400


def test_notifications_marked_read_page_by_page_are_each_met_once(
    app: Flask, member: Person, other_member: Person
) -> None:
    """The loop a tool runs: read a page of notifications, mark it read, read the next. Read
    ones used to sink below the unread, so the next page skipped some and repeated others."""
    from tests.api_helpers import bearer, token_for

    for n in range(5):
        thread_id = thread_id_from(member.start_thread(f"Question {n}", "Body"))
        other_member.reply(thread_id, "An answer")
    client, headers = app.test_client(), bearer(token_for(app, member.username))
    pages, answer = [], client.get("/api/v1/notifications?limit=2", headers=headers).json
    while True:
        ids = [item["id"] for item in answer["items"]]
        pages.append(ids)
        marked = client.post("/api/v1/notifications/read", json={"ids": ids}, headers=headers)
        assert marked.json["marked"] == len(ids)
        if answer["next_cursor"] is None:
            break
        following = f"/api/v1/notifications?cursor={answer['next_cursor']}"
        answer = client.get(following, headers=headers).json
    met = [n for page in pages for n in page]
    assert len(met) == 5
    assert met == sorted(met, reverse=True)  # newest first, each once
    unread = client.get("/api/v1/notifications?unread=true", headers=headers).json
    assert unread["items"] == []


def test_a_cursor_belongs_to_its_list_and_its_page_size(
    app: Flask, member: Person, other_member: Person
) -> None:
    """A thread's cursor read on another thread would answer nothing, silently; a page of
    another size in a list of positions starts elsewhere (rows skipped or met twice)."""

    first = _with_replies(member, other_member, 3)
    second = _with_replies(member, other_member, 3)
    client = app.test_client()
    page = client.get(f"/api/v1/threads/{first}/posts?limit=2").json
    elsewhere = client.get(f"/api/v1/threads/{second}/posts?cursor={page['next_cursor']}")
    assert elsewhere.status_code == 400
    assert elsewhere.json["errors"][0]["field"] == "cursor"
    # the default said aloud is the same filter as the default left out
    said = client.get(f"/api/v1/threads/{first}/posts?sort=oldest&cursor={page['next_cursor']}")
    assert said.status_code == 200
    for n in range(4):
        thread_id_from(member.start_thread(f"Gas detector {n}", "Which one?"))
    listed = client.get("/api/v1/search?q=detector&limit=2").json
    resized = client.get(f"/api/v1/search?q=detector&limit=3&cursor={listed['next_cursor']}")
    assert resized.status_code == 400
    assert resized.json["errors"][0]["field"] == "limit"
    kept = client.get(f"/api/v1/search?q=detector&cursor={listed['next_cursor']}").json["items"]
    assert len(kept) == 2
    assert {i["thread"]["id"] for i in kept}.isdisjoint(i["thread"]["id"] for i in listed["items"])


def test_an_institution_or_event_added_while_reading_neither_repeats_nor_skips_one(
    app: Flask,
) -> None:
    """The directory by name, and events by their start: one added before the seam (a name
    earlier in the alphabet, an event sooner) used to push the next page's first row back
    onto it."""
    from tests.conftest import make_person
    from tests.institution_helpers import make_institution
    from tests.test_events import create_event

    for name in ("Delta", "Echo", "Foxtrot", "Golf"):
        make_institution(app, name=f"{name} Institute", acronym=name[:3], other_names={})
    moderator = make_person(app, "oic.mod", moderates=("oic-oshnet",))
    for days in (10, 11, 12, 13):
        create_event(moderator, title=f"Visit in {days} days", **_when(days))
    client = app.test_client()
    added = iter(
        [
            lambda: make_institution(app, name="Alpha Institute", acronym="Alp", other_names={}),
            lambda: create_event(moderator, title="Sooner", **_when(1)),
        ]
    )
    for path, name in (("/api/v1/institutions?", "slug"), ("/api/v1/events?", "id")):
        add = next(added)
        answer, met = client.get(f"{path}limit=2").json, []
        add()  # before the seam, after the first page was read
        while True:
            met += [item[name] for item in answer["items"]]
            if answer["next_cursor"] is None:
                break
            answer = client.get(f"{path}cursor={answer['next_cursor']}").json
        assert len(met) == len(set(met)) == 4, (path, met)


def _when(days: int) -> dict[str, str]:
    """An event's form fields: starting in this many days, for a day."""
    from datetime import timedelta

    from forum.models._time import utcnow

    starts = (utcnow() + timedelta(days=days)).replace(hour=9, minute=0)
    return {
        "starts": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends": (starts + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M"),
    }
