"""Every API write operation, against every role, with bearer tokens: the same rules as the
pages (tests/test_authorization.py, whose world this reuses). Wrong roles are refused (401
without a token, 403, or 404 where the thing is as good as missing) and change nothing; the
right ones succeed and change something. Beyond the pages' six roles, two sanctioned ones: a
member suspended in OIC-OSHNET (where the world's thread is), who may still mute and mark
notifications read there, and a member banned from the forum, whose token is refused at once.
A read-scoped token and a revoked one change nothing. A new API write without an entry in
API_SPEC fails the first test."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from forum.extensions import db
from forum.models import Board, Post, ThreadKind, User
from forum.models._time import utcnow
from forum.services import accounts, api_tokens, browsing, inbox, posting, qa, sanctions
from tests import test_authorization
from tests.api_helpers import bearer, token_for
from tests.conftest import PASSWORD
from tests.test_authorization import (
    AUTHOR_OR_MODERATOR,
    ROLES,
    SIGNED_IN,
    World,
    _accepted,
    _snapshot,
    _voted,
)

world = test_authorization.world  # the fixture: the same world as the pages' table
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
SUSPENDED, BANNED = "suspended_here", "banned"  # in OIC-OSHNET; from the whole forum
SANCTIONED = {SUSPENDED: "sumi", BANNED: "bruno"}  # their usernames
API_ROLES = (*ROLES, *SANCTIONED)
# what a member suspended in a network still does there: mute, and read (one's notifications)
SIGNED_IN_OR_SUSPENDED = SIGNED_IN | {SUSPENDED}


@dataclass
class ApiSpec:
    allowed: frozenset[str]
    request: Callable[[World, str], tuple[str, str, dict | None]]  # method, url, JSON body
    changes: bool = True
    refused_with: int = 403


def _own(w: World, role: str, what: str) -> int:
    """The world's question ("question", "opening", "answer": the expert's reply); for a
    sanctioned role its own question, where as the asker it would be allowed but for the
    sanction (see _sanction)."""
    shared = {"question": w.thread_id, "opening": w.extra["opening"], "answer": w.reply_id}
    return w.extra.get(f"{role}.{what}", shared[what])


def _unaccept(w: World, role: str) -> tuple[str, str, None]:
    if role not in SANCTIONED:  # theirs was accepted before the sanction
        _accepted(w, role)
    return "DELETE", f"/api/v1/threads/{_own(w, role, 'question')}/accepted", None


def _unvote(w: World, role: str) -> tuple[str, str, None]:
    if role not in SANCTIONED:  # they voted before the sanction
        _voted(w, role)
    return "DELETE", f"/api/v1/posts/{w.reply_id}/vote", None


def _username(w: World, role: str) -> str:
    return SANCTIONED.get(role) or w.people[role].username


def _unread(w: World, role: str) -> tuple[str, str, dict]:
    """Someone mentions the member in a reply: a notification to mark read."""
    if role != "anonymous":
        name = _username(w, role)
        w.do(
            lambda writer: posting.reply(
                writer, browsing.get_thread(w.thread_id), f"@{name} have a look"
            ),
            "reporter",
        )
        with w.app.app_context():
            assert inbox.unread_count(_user(name).id) > 0, role
            db.session.remove()
    return "POST", "/api/v1/notifications/read", {}


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


API_SPEC: dict[str, ApiSpec] = {
    "api.start_thread": ApiSpec(
        SIGNED_IN,
        lambda w, r: (
            "POST",
            "/api/v1/threads",
            {
                "network": "oic-oshnet",
                "theme": "confined-spaces",
                "kind": "question",
                "title": "By the API",
                "body": "Body",
            },
        ),
    ),
    "api.reply": ApiSpec(
        SIGNED_IN, lambda w, r: ("POST", f"/api/v1/threads/{w.thread_id}/posts", {"body": "Hi"})
    ),
    "api.edit_post": ApiSpec(
        AUTHOR_OR_MODERATOR,
        lambda w, r: ("PATCH", f"/api/v1/posts/{_own(w, r, 'opening')}", {"body": f"By {r}"}),
    ),
    "api.vote": ApiSpec(SIGNED_IN, lambda w, r: ("PUT", f"/api/v1/posts/{w.reply_id}/vote", None)),
    "api.unvote": ApiSpec(SIGNED_IN, _unvote),
    "api.accept": ApiSpec(
        AUTHOR_OR_MODERATOR,
        lambda w, r: (
            "PUT",
            f"/api/v1/threads/{_own(w, r, 'question')}/accepted",
            {"post_id": _own(w, r, "answer")},
        ),
    ),
    "api.unaccept": ApiSpec(AUTHOR_OR_MODERATOR, _unaccept),
    # muting (the thread's "mute") asks nothing of the member; watching (the board's "watch")
    # takes part: refused to the suspended, as on the pages (inbox.set_watch; see
    # test_sanctions.test_a_suspended_member_reads_but_takes_no_part_in_that_network)
    "api.watch_thread": ApiSpec(
        SIGNED_IN_OR_SUSPENDED,
        lambda w, r: ("PUT", f"/api/v1/threads/{w.thread_id}/watch", {"state": "mute"}),
    ),
    "api.watch_board": ApiSpec(
        SIGNED_IN,
        lambda w, r: ("PUT", f"/api/v1/boards/{w.board_id}/watch", {"state": "watch"}),
    ),
    "api.mark_read": ApiSpec(SIGNED_IN_OR_SUSPENDED, _unread),
}


def test_every_api_write_has_a_spec(app: Flask) -> None:
    writes = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/") and rule.methods & WRITES
    }
    assert writes == set(API_SPEC)


def _send(w: World, method: str, url: str, body: dict | None, token: str | None):
    headers = bearer(token) if token else {}
    return w.app.test_client().open(url, method=method, json=body, headers=headers)


def test_only_the_right_roles_change_anything(world: World) -> None:  # noqa: F811
    """One world for the whole table (it costs more than all the requests): the roles that
    are refused go first, then those allowed, each with a write token of their own. A
    sanctioned role's refusal must say so: the ban's code, or the suspension's message."""
    w = world
    tokens = {
        role: token_for(w.app, person.username)
        for role, person in w.people.items()
        if role != "anonymous"
    }
    tokens |= _sanction(w)
    for endpoint in sorted(API_SPEC):
        spec = API_SPEC[endpoint]
        for role in sorted(API_ROLES, key=lambda r: r in spec.allowed):
            method, url, body = spec.request(w, role)
            before = _snapshot(w.app)
            response = _send(w, method, url, body, tokens.get(role))
            after = _snapshot(w.app)
            where = (endpoint, role, response.status_code, response.get_json(silent=True))
            assert response.is_json, where
            if role in spec.allowed:
                assert response.status_code in (200, 201), where
                if spec.changes:
                    assert _changed(before, after), f"{where}: allowed, but nothing changed"
            else:
                assert response.status_code == (
                    401 if role == "anonymous" else spec.refused_with
                ), where
                assert not _changed(before, after), f"{where}: refused, but something changed"
                if role == BANNED:
                    assert response.json["code"] == "banned", where
                elif role == SUSPENDED:
                    assert "suspended" in response.json["message"], where


def _sanction(w: World) -> dict[str, str]:
    """The two sanctioned members, as in real life: each makes a write token, asks a question
    in OIC-OSHNET (the expert answers twice; they accept the first answer) and votes for the
    expert's reply in the world's thread; then one is suspended there, the other banned.
    Returns their tokens."""
    tokens = {}
    for role, username in SANCTIONED.items():
        with w.app.app_context():
            accounts.register(username, f"{username}@example.org", PASSWORD, confirmed=True)
            db.session.remove()
        tokens[role] = token_for(w.app, username)
        with w.app.app_context():
            asker, expert = _user(username), _user("siti")
            question = posting.start_thread(
                asker, db.session.get(Board, w.board_id), ThreadKind.question, "Mine", "Opening"
            )
            first = posting.reply(expert, question, "First answer")
            second = posting.reply(expert, question, "Second answer")
            qa.accept(asker, browsing.get_post(first.id))
            qa.vote(asker, browsing.get_post(w.reply_id))
            opening = db.session.scalar(
                select(Post.id).where(Post.thread_id == question.id).order_by(Post.id)
            )
            w.extra |= {
                f"{role}.question": question.id,
                f"{role}.opening": opening,
                f"{role}.answer": second.id,
            }
            db.session.remove()
    w.do(
        lambda mod, member: sanctions.suspend(
            mod, member, browsing.get_network("oic-oshnet"), utcnow() + timedelta(days=3), "spam"
        ),
        "oic.mod",
        SANCTIONED[SUSPENDED],
    )
    w.do(
        lambda admin, member: sanctions.ban(admin, member, None, "abuse"),
        "root.admin",
        SANCTIONED[BANNED],
    )
    return tokens


def _changed(before: dict, after: dict) -> bool:
    """Beyond the token's own row (its last use is noted) and the member's last visit."""
    return {k: v for k, v in before.items() if k not in ("api_tokens", "users")} != {
        k: v for k, v in after.items() if k not in ("api_tokens", "users")
    }


def test_a_read_token_and_a_revoked_token_change_nothing(world: World) -> None:  # noqa: F811
    w = world
    admin = w.people["admin"].username  # the role allowed everything
    reader = token_for(w.app, admin, write=False)
    revoked = token_for(w.app, admin)
    w.do(lambda user: _revoke_all_but(user, reader), admin)
    for endpoint in sorted(API_SPEC):
        method, url, body = API_SPEC[endpoint].request(w, "admin")
        before = _snapshot(w.app)
        read_only = _send(w, method, url, body, reader)
        assert read_only.status_code == 403, endpoint
        assert read_only.json["code"] == "insufficient_scope"
        gone = _send(w, method, url, body, revoked)
        assert gone.status_code == 401, endpoint
        assert gone.json["code"] == "unauthorized"
        assert not _changed(before, _snapshot(w.app)), endpoint


def _revoke_all_but(user, keep: str) -> None:  # noqa: ANN001
    for token in api_tokens.tokens_of(user):
        if token.token_hash != api_tokens.digest(keep):
            api_tokens.revoke(user, token.id)


def test_a_suspension_and_a_ban_apply_on_the_next_request(world: World) -> None:  # noqa: F811
    from datetime import timedelta

    from forum.models._time import utcnow
    from forum.services import browsing, sanctions

    w = world
    siti = token_for(w.app, "siti")
    url = f"/api/v1/threads/{w.thread_id}/posts"
    assert _send(w, "POST", url, {"body": "Before"}, siti).status_code == 201
    w.do(
        lambda mod, member: sanctions.suspend(
            mod, member, browsing.get_network("oic-oshnet"), utcnow() + timedelta(days=3), "spam"
        ),
        "oic.mod",
        "siti",
    )
    suspended = _send(w, "POST", url, {"body": "During"}, siti)
    assert suspended.status_code == 403
    assert "suspended" in suspended.json["message"]
    assert _send(w, "GET", f"/api/v1/threads/{w.thread_id}", None, siti).status_code == 200
    w.do(lambda admin, member: sanctions.ban(admin, member, None, "spam"), "root.admin", "siti")
    banned = _send(w, "GET", "/api/v1/notifications", None, siti)
    assert banned.status_code == 403
    assert banned.json["code"] == "banned"
