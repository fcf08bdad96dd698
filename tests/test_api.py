"""The JSON API: tokens made and revoked on the profile, bearer authentication with no cookie
session, reads as a visitor or member may see them, writes through the pages' services, JSON
errors, ETags, CORS, and an OpenAPI document that matches what is served."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from openapi_spec_validator import validate
from sqlalchemy import select

from forum.extensions import db
from forum.models import ApiToken, Post
from tests.api_helpers import bearer, token_for
from tests.conftest import PASSWORD, Person, thread_id_from


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"PAGE_CACHE_MB": 0}  # the API keeps no pages; queries are counted without


@pytest.fixture
def thread_id(member: Person) -> int:
    return thread_id_from(member.start_thread("Ladders in silos", "Which **ladder**?"))


def test_a_token_is_made_shown_once_stored_hashed_and_revoked(app: Flask, member: Person) -> None:
    page = member.post("/profile/api-tokens", {"name": "Institute site", "write": "y"})
    assert page.status_code == 200
    raw = re.search(r"osh_[A-Za-z0-9_-]{40,}", page.get_data(as_text=True)).group(0)
    assert raw not in member.get("/profile/api-tokens").get_data(as_text=True)
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
        assert token.token_hash != raw
        assert raw not in token.token_hash
        assert token.may_write
    client = app.test_client()
    assert client.get("/api/v1/notifications", headers=bearer(raw)).status_code == 200
    assert member.post(f"/profile/api-tokens/{token.id}/revoke").status_code == 302
    refused = client.get("/api/v1/notifications", headers=bearer(raw))
    assert refused.status_code == 401
    assert refused.json["code"] == "unauthorized"
    # no CSRF token, no revoking
    with app.app_context():
        other = db.session.scalar(select(ApiToken.id))
    assert member.client.post(f"/profile/api-tokens/{other}/revoke").status_code == 400


def test_a_new_password_ends_the_members_tokens_with_their_sessions(
    app: Flask, member: Person
) -> None:
    """A token made from a stolen session must not outlive the password change that ends it."""
    token, client = token_for(app, "amina"), app.test_client()
    assert client.get("/api/v1/notifications", headers=bearer(token)).status_code == 200
    changed = member.post(
        "/auth/password",
        {"current_password": PASSWORD, "password": "a new long pass", "confirm": "a new long pass"},
    )
    assert changed.status_code == 302
    assert client.get("/api/v1/notifications", headers=bearer(token)).status_code == 401
    member.login("amina", "a new long pass")
    assert "test write" not in member.get("/profile/api-tokens").get_data(as_text=True)


def test_another_members_token_cannot_be_revoked(
    app: Flask, member: Person, other_member: Person
) -> None:
    token_for(app, "amina")
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    assert other_member.post(f"/profile/api-tokens/{token_id}/revoke").status_code == 404


def test_reads_as_a_visitor(app: Flask, thread_id: int) -> None:
    client = app.test_client()
    networks = client.get("/api/v1/networks")
    assert networks.status_code == 200
    assert "oic-oshnet" in [n["slug"] for n in networks.json]
    boards = client.get("/api/v1/boards?network=oic-oshnet").json
    assert {b["network"] for b in boards} == {"oic-oshnet"}
    listed = client.get("/api/v1/threads?network=oic-oshnet&theme=confined-spaces&show=unanswered")
    assert [t["id"] for t in listed.json["items"]] == [thread_id]
    posts = client.get(f"/api/v1/threads/{thread_id}/posts").json["items"]
    assert posts[0]["body_markdown"] == "Which **ladder**?"
    assert "<strong>ladder</strong>" in posts[0]["body_html"]
    assert client.get("/api/v1/members/amina").json["username"] == "amina"
    assert client.get("/api/v1/threads/999999").json["code"] == "not_found"


def test_pages_come_by_cursor(app: Flask, member: Person) -> None:
    for n in range(3):
        member.start_thread(f"Thread number {n}", "Body")
    client = app.test_client()
    first = client.get("/api/v1/threads?network=oic-oshnet&limit=2").json
    following = f"/api/v1/threads?network=oic-oshnet&cursor={first['next_cursor']}"
    second = client.get(following).json
    assert len(first["items"]) == 2
    assert len(second["items"]) == 1
    assert second["next_cursor"] is None
    assert {t["id"] for t in first["items"]}.isdisjoint(t["id"] for t in second["items"])
    assert len(client.get(following + "&limit=1").json["items"]) == 1  # a limit of its own
    bad = client.get("/api/v1/threads?cursor=nonsense")
    assert bad.status_code == 400
    assert bad.json["errors"][0]["field"] == "cursor"


@pytest.mark.parametrize("others", ["", "&network=ilo-global", "&show=unanswered"])
def test_a_cursor_is_refused_with_other_filters(app: Flask, member: Person, others: str) -> None:
    """A script that drops or changes a filter half-way would read another list's rows."""
    for n in range(3):
        member.start_thread(f"Thread number {n}", "Body")
    client = app.test_client()
    first = client.get("/api/v1/threads?network=oic-oshnet&limit=2").json
    refused = client.get(f"/api/v1/threads?cursor={first['next_cursor']}{others}")
    assert refused.status_code == 400
    assert refused.json["errors"][0]["field"] == "cursor"
    assert "other filters" in refused.json["message"]


def test_a_read_carries_an_etag_and_answers_304(app: Flask, thread_id: int) -> None:
    client = app.test_client()
    first = client.get(f"/api/v1/threads/{thread_id}")
    again = client.get(
        f"/api/v1/threads/{thread_id}", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304


def test_writes_through_the_pages_services(
    app: Flask, thread_id: int, other_member: Person
) -> None:
    client, token = app.test_client(), token_for(app, "kemal")
    replied = client.post(
        f"/api/v1/threads/{thread_id}/posts",
        json={"body": "A *fixed* ladder"},
        headers=bearer(token),
    )
    assert replied.status_code == 201, replied.json
    post_id = replied.json["id"]
    assert replied.json["body_html"] == "<p>A <em>fixed</em> ladder</p>"
    edited = client.patch(
        f"/api/v1/posts/{post_id}", json={"body": "Changed"}, headers=bearer(token)
    )
    assert edited.status_code == 200
    assert edited.json["body_markdown"] == "Changed"
    amina = token_for(app, "amina")
    assert client.put(f"/api/v1/posts/{post_id}/vote", headers=bearer(amina)).status_code == 200
    accepted = client.put(
        f"/api/v1/threads/{thread_id}/accepted", json={"post_id": post_id}, headers=bearer(amina)
    )
    assert accepted.status_code == 200
    with app.app_context():
        assert db.session.get(Post, post_id).vote_count == 1
    # kemal may not accept on amina's question, nor edit her post
    refused = client.delete(f"/api/v1/threads/{thread_id}/accepted", headers=bearer(token))
    assert refused.status_code == 403
    assert refused.json["code"] == "forbidden"
    started = client.post(
        "/api/v1/threads",
        json={
            "network": "oic-oshnet",
            "theme": "fire-safety",
            "kind": "discussion",
            "title": "Drills",
            "body": "How often?",
        },
        headers=bearer(token),
    )
    assert started.status_code == 201
    assert started.json["theme"] == "fire-safety"


def test_validation_errors_say_which_field_and_why(
    app: Flask, thread_id: int, member: Person
) -> None:
    client, token = app.test_client(), token_for(app, "amina")
    answer = client.post(
        f"/api/v1/threads/{thread_id}/posts", json={"body": "", "extra": 1}, headers=bearer(token)
    )
    assert answer.status_code == 400
    assert {e["field"] for e in answer.json["errors"]} == {"body", "extra"}
    not_json = client.post(f"/api/v1/threads/{thread_id}/posts", data="x", headers=bearer(token))
    assert not_json.status_code == 400
    assert not_json.json["code"] == "invalid"
    too_large = client.post(
        f"/api/v1/threads/{thread_id}/posts", json={"body": "x" * 2_000_000}, headers=bearer(token)
    )
    assert too_large.status_code == 413
    assert too_large.json["code"] == "too_large"
    for hostile in ('{"body": "half a pair \\udc80 of a character"}', "[" * 50_000 + "]" * 50_000):
        refused = client.post(
            f"/api/v1/threads/{thread_id}/posts",
            data=hostile,
            content_type="application/json",
            headers=bearer(token),
        )
        assert refused.status_code == 400, hostile[:40]
        assert refused.json["code"] == "invalid"
    unknown = client.get("/api/v1/nothing-here")
    assert unknown.status_code == 404
    assert unknown.json["status"] == 404


def test_a_read_token_cannot_write_and_cookies_are_no_authority(
    app: Flask, thread_id: int, member: Person
) -> None:
    reader = token_for(app, "amina", write=False)
    refused = member.client.post(
        f"/api/v1/threads/{thread_id}/posts", json={"body": "Hi"}, headers=bearer(reader)
    )
    assert refused.status_code == 403
    assert refused.json["code"] == "insufficient_scope"
    # logged in by cookie, no token: a visitor to the API, and no cookie is set
    by_cookie = member.client.post(f"/api/v1/threads/{thread_id}/posts", json={"body": "Hi"})
    assert by_cookie.status_code == 401
    assert "Set-Cookie" not in by_cookie.headers
    assert member.get("/api/v1/notifications").status_code == 401


def test_a_new_members_first_day_allowance_is_a_429_with_retry_after(
    app: Flask, thread_id: int, other_member: Person
) -> None:
    app.config["NEW_ACCOUNT_REPLY_LIMIT"] = "1 per day"
    app.config["NEW_ACCOUNT_DAYS"] = 1
    client, token = app.test_client(), token_for(app, "kemal")
    url = f"/api/v1/threads/{thread_id}/posts"
    assert client.post(url, json={"body": "One"}, headers=bearer(token)).status_code == 201
    refused = client.post(url, json={"body": "Two"}, headers=bearer(token))
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.json["code"] == "rate_limited"


def test_cors_only_for_listed_origins(app: Flask) -> None:
    client = app.test_client()
    origin = {"Origin": "https://institute.example"}
    assert "Access-Control-Allow-Origin" not in client.get("/api/v1/themes", headers=origin).headers
    app.config["API_CORS_ORIGINS"] = "https://institute.example, https://other.example"
    allowed = client.get("/api/v1/themes", headers=origin)
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://institute.example"
    preflight = client.options(
        "/api/v1/threads",
        headers={**origin, "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 204
    assert preflight.data == b""
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]  # for a 304
    assert "Set-Cookie" not in preflight.headers
    stranger = client.get("/api/v1/themes", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in stranger.headers


def test_the_document_is_valid_openapi_3_1_and_the_reference_page_reads_it(app: Flask) -> None:
    client = app.test_client()
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"] == "3.1.0"
    validate(document)
    assert client.get("/api/v1/docs").location.endswith("/help/api")
    page = client.get("/help/api").get_data(as_text=True)
    for path in document["paths"]:
        assert path in page
    assert "cdn" not in page.lower()


def test_search_uses_the_pages_query_language_and_facets(app: Flask, thread_id: int) -> None:
    client = app.test_client()
    found = client.get("/api/v1/search?q=ladder theme:confined-spaces").json
    assert [item["thread"]["id"] for item in found["items"]] == [thread_id]
    assert found["themes"][0]["slug"] == "confined-spaces"
    assert client.get("/api/v1/search?q=ladder theme:fire-safety").json["items"] == []
    assert client.get("/api/v1/search?q=").status_code == 400


def test_institutions_and_events(app: Flask) -> None:
    from tests.institution_helpers import make_institution

    slug = make_institution(app)
    client = app.test_client()
    listed = client.get("/api/v1/institutions?country=MY").json["items"]
    assert slug in [item["slug"] for item in listed]
    assert client.get("/api/v1/institutions?country=ZZ").json["errors"][0]["field"] == "country"
    one = client.get(f"/api/v1/institutions/{slug}", headers={"Accept-Language": "ar"}).json
    assert one["name"] == "المعهد الوطني للسلامة والصحة المهنية"  # as its page names it
    assert {(n["network"], n["role"]) for n in one["networks"]} == {
        ("asean-oshnet", "member"),
        ("oic-oshnet", "focal_point"),
    }
    assert one["capacities"] == [
        {
            "theme": "chemical-safety",
            "kind": "laboratory",
            "note": "Respirable crystalline silica, NIOSH 7500",
        }
    ]
    assert "<strong>laboratory</strong>" in one["description_html"]
    assert client.get("/api/v1/institutions/no-such-place").status_code == 404
    assert client.get("/api/v1/events?past=1").status_code == 200
    assert client.get("/api/v1/events?month=2026-13").status_code == 400
    assert client.get("/api/v1/events/12345").status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/api/v1/threads?network=oic-oshnet", "/api/v1/threads/{first}/posts?", "/api/v1/experts?"],
)
def test_a_list_costs_the_same_queries_whatever_its_length(app: Flask, path: str) -> None:
    from tests.conftest import counting_queries
    from tests.test_queries import _fill

    first = _fill(app, threads=30, posts_in_first=30)
    client = app.test_client()

    def cost(limit: int) -> int:
        url = path.format(first=first) + f"&limit={limit}"
        client.get(url)
        with counting_queries(app) as counter:
            answer = client.get(url)
        assert answer.status_code == 200
        assert len(answer.json["items"]) == limit
        return counter.count

    assert cost(2) == cost(25)
