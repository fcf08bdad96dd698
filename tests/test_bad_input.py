"""Malformed, oversized and hostile input: a clear message and the right status, never a 500."""

from __future__ import annotations

import pytest
from flask import Flask

from forum.extensions import db
from forum.models import Post, Thread
from tests.conftest import Person, errors_in, thread_id_from

BOARD = "/n/oic-oshnet/confined-spaces/new"


def _counts(app: Flask) -> tuple[int, int]:
    with app.app_context():
        return db.session.query(Thread).count(), db.session.query(Post).count()


@pytest.mark.parametrize(
    ("title", "body", "message"),
    [
        ("", "A body", "Give your thread a title."),
        ("   \t ", "A body", "Give your thread a title."),
        ("A title", "", "Write something first."),
        ("A title", " \n\n  ", "Write something first."),
        ("x" * 201, "A body", "Keep the title under 200 characters."),
        ("A title", "x" * 50_001, "Keep posts under 50000 characters."),
    ],
)
def test_threads_with_empty_or_oversized_fields_are_refused(
    app: Flask, member: Person, title: str, body: str, message: str
) -> None:
    response = member.post(BOARD, {"kind": "question", "title": title, "body": body})
    assert response.status_code == 422
    assert message in errors_in(response)
    assert _counts(app) == (0, 0)


def test_refused_thread_keeps_what_was_typed(member: Person) -> None:
    response = member.post(BOARD, {"kind": "question", "title": "", "body": "My long careful text"})
    assert "My long careful text" in response.get_data(as_text=True)


def test_a_body_of_exactly_fifty_thousand_characters_is_accepted(
    app: Flask, member: Person
) -> None:
    response = member.start_thread("Long report", "word " * 10_000)
    assert response.status_code == 302
    assert _counts(app) == (1, 1)


def test_replies_with_empty_or_oversized_bodies_are_refused(app: Flask, member: Person) -> None:
    thread_id = thread_id_from(member.start_thread("Question", "Body"))
    empty = member.reply(thread_id, "   ")
    assert empty.status_code == 422
    assert "Write something first." in errors_in(empty)
    huge = member.reply(thread_id, "y" * 50_001)
    assert huge.status_code == 422
    assert "Keep posts under 50000 characters." in errors_in(huge)
    assert "y" * 1000 in huge.get_data(as_text=True)  # the text is handed back, not lost
    assert _counts(app) == (1, 1)


def test_a_request_over_one_megabyte_gets_a_413_page(app: Flask, member: Person) -> None:
    response = member.post("/auth/login", {"login": "member", "password": "z" * 1_100_000})
    assert response.status_code == 413
    assert "larger than the forum accepts" in response.get_data(as_text=True)


def test_a_composer_takes_files_but_refuses_an_overlong_text(app: Flask, member: Person) -> None:
    """A composer accepts a larger body (its files): an overlong text is refused by its own
    rule, and handed back."""
    response = member.post(BOARD, {"kind": "question", "title": "Big", "body": "z" * 1_100_000})
    assert response.status_code == 422
    assert "Keep posts under 50000 characters" in errors_in(response)
    assert _counts(app) == (0, 0)


@pytest.mark.parametrize("field", ["title", "body"])
def test_nul_bytes_are_refused_with_a_message(app: Flask, member: Person, field: str) -> None:
    data = {"kind": "question", "title": "Fine title", "body": "Fine body"}
    data[field] = "bad\x00value"
    response = member.post(BOARD, data)
    assert response.status_code == 422
    assert "characters that are not allowed" in errors_in(response)
    assert _counts(app) == (0, 0)


def test_nul_bytes_in_a_username_are_refused(anonymous: Person) -> None:
    response = anonymous.register("nul\x00user", email="nul@example.org")
    assert response.status_code == 422
    assert "characters that are not allowed" in errors_in(response)


def test_invalid_utf8_in_form_fields_never_breaks_the_server(app: Flask, member: Person) -> None:
    token = member.csrf_token()
    raw = (
        b"csrf_token=" + token.encode() + b"&kind=question&title=Caf%C3%A9+%FF%FE&body=%C0%AF+bytes"
    )
    response = member.client.post(BOARD, data=raw, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (302, 422)
    assert response.status_code != 500


def test_invalid_utf8_in_the_query_string_is_harmless(anonymous: Person) -> None:
    response = anonymous.get("/n/oic-oshnet/confined-spaces?kind=%FF%FE&page=%C0")
    assert response.status_code == 200


def test_missing_csrf_token_gets_a_clear_400_page_that_keeps_the_text(
    app: Flask, member: Person
) -> None:
    response = member.client.post(
        BOARD, data={"kind": "question", "title": "No token", "body": "My precious answer"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "This form has expired" in page
    assert "My precious answer" in page
    assert _counts(app) == (0, 0)


def test_wrong_csrf_token_is_refused(app: Flask, member: Person) -> None:
    response = member.client.post(
        BOARD, data={"csrf_token": "forged", "kind": "question", "title": "t", "body": "b"}
    )
    assert response.status_code == 400
    assert _counts(app) == (0, 0)


def test_csrf_token_from_another_session_is_refused(
    app: Flask, member: Person, other_member: Person
) -> None:
    stolen = other_member.csrf_token()
    response = member.client.post(
        BOARD, data={"csrf_token": stolen, "kind": "question", "title": "t", "body": "b"}
    )
    assert response.status_code == 400


def test_login_without_csrf_token_is_refused(member: Person, app: Flask) -> None:
    response = app.test_client().post("/auth/login", data={"login": "amina", "password": "x" * 12})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", "/auth/logout"), ("get", "/threads/1/reply"), ("put", "/"), ("delete", "/threads/1")],
)
def test_wrong_methods_get_a_405_page(anonymous: Person, method: str, url: str) -> None:
    response = getattr(anonymous.client, method)(url)
    assert response.status_code == 405
    assert "Method not allowed" in response.get_data(as_text=True)
    assert "Allow" in response.headers


def test_json_clients_get_json_errors(anonymous: Person) -> None:
    response = anonymous.get("/threads/424242", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["error"] == "Page not found"


def test_an_unexpected_error_gets_a_friendly_500_page(
    app: Flask, anonymous: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    from forum.services import browsing

    def broken() -> None:
        raise RuntimeError("database fell over")

    monkeypatch.setattr(browsing, "networks_with_boards", broken)
    response = anonymous.get("/")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page
    assert "database fell over" not in page


@pytest.mark.parametrize(
    "value",
    [
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "../../etc/passwd",
        "%00",
        "nul\x00byte",
        "\u202etxt.exe",
        "🦺" * 50,
    ],
)
def test_hostile_strings_in_urls_are_harmless(anonymous: Person, value: str) -> None:
    for url in (f"/n/{value}", f"/n/oic-oshnet/{value}", f"/themes/{value}", f"/u/{value}"):
        response = anonymous.get(url)
        assert response.status_code == 404, url
    expected = 400 if "\x00" in value else 200
    response = anonymous.get("/themes/confined-spaces", query_string={"network": value})
    assert response.status_code == expected


@pytest.mark.parametrize("number", [2**31, 2**63, 10**30])
@pytest.mark.parametrize("url", ["/threads/{}", "/posts/{}", "/posts/{}/edit"])
def test_ids_no_database_can_hold_are_simply_not_found(
    member: Person, url: str, number: int
) -> None:
    # PostgreSQL's integer stops at 2**31 - 1, SQLite's at 2**63 - 1: found by fuzzing
    assert member.get(url.format(number)).status_code == 404
