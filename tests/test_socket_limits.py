"""What one account can make the server do through its sockets is bounded.

Each event costs against its socket and its member; an event that changes nothing writes
nothing; a member opens at most SOCKETS_PER_MEMBER sockets per process; a socket that floods is
cut. The clock is frozen, so each test counts exactly what its events were allowed to do.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from flask_socketio import SocketIOTestClient
from sqlalchemy import event, func, insert, select

from forum import realtime
from forum.extensions import db, socketio
from forum.models import Notification, NotificationKind, User
from forum.services import inbox
from tests.conftest import Person


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The limits' clock, standing still until a test moves it (now[0] += seconds)."""
    now = [1000.0]
    monkeypatch.setattr(realtime, "clock", lambda: now[0], raising=False)
    return now


def _socket(app: Flask, person: Person) -> SocketIOTestClient:
    return socketio.test_client(app, flask_test_client=person.client)


def _user_id(app: Flask, username: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


def _notify(app: Flask, username: str, count: int) -> list[int]:
    """count unread notifications for a member, their ids in order."""
    recipient = _user_id(app, username)
    rows = [
        {"recipient_id": recipient, "kind": NotificationKind.mention, "data": {}}
        for _ in range(count)
    ]
    with app.app_context():
        db.session.execute(insert(Notification), rows)
        db.session.commit()
        ids = db.session.scalars(
            select(Notification.id).where(Notification.recipient_id == recipient)
        ).all()
        return sorted(ids)[-count:]


def _read_count(app: Flask, username: str) -> int:
    recipient = _user_id(app, username)
    with app.app_context():
        return db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.recipient_id == recipient, Notification.read_at.is_not(None)
            )
        )


@contextmanager
def _writes(app: Flask) -> Iterator[list[str]]:
    """Every statement that writes or takes a write lock, and every commit, while inside."""
    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    def statement(_conn, _cursor, sql: str, *_args: object) -> None:  # noqa: ANN001
        words = sql.lstrip().upper()
        if words.startswith(("UPDATE", "INSERT", "DELETE", "BEGIN IMMEDIATE")):
            seen.append(sql)

    def commit(_conn) -> None:  # noqa: ANN001
        seen.append("COMMIT")

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", commit)


# --- a write only when something changes ----------------------------------------------------


@pytest.mark.usefixtures("clock")
def test_reading_what_is_read_or_not_ones_own_writes_nothing(
    app: Flask, member: Person, other_member: Person
) -> None:
    (mine,) = _notify(app, "amina", 1)
    (theirs,) = _notify(app, "kemal", 1)
    socket = _socket(app, member)
    socket.emit("notifications:read", {"id": mine})
    assert _read_count(app, "amina") == 1  # the first read is written
    with _writes(app) as writes:
        for notification_id in (mine, theirs, 10**9):
            socket.emit("notifications:read", {"id": notification_id})
    assert writes == []
    assert _read_count(app, "kemal") == 0


def test_marking_all_read_with_nothing_unread_writes_nothing(app: Flask, member: Person) -> None:
    _notify(app, "amina", 2)
    with app.app_context():
        amina = db.session.get(User, _user_id(app, "amina"))
        assert inbox.mark_read(amina) == 2
        with _writes(app) as writes:
            assert inbox.mark_read(amina) == 0
            assert inbox.mark_read(amina, [10**9]) == 0
        assert writes == []


# --- rate: per socket and per member -----------------------------------------------------------


def test_a_socket_is_allowed_a_burst_then_a_steady_rate(
    app: Flask, member: Person, clock: list[float]
) -> None:
    per_socket = realtime.PER_SOCKET
    ids = _notify(app, "amina", per_socket.burst + 10)
    socket = _socket(app, member)
    for notification_id in ids:
        socket.emit("notifications:read", {"id": notification_id})
    assert _read_count(app, "amina") == per_socket.burst  # the other 10 were dropped
    # dropped events are owed: the allowance comes back once they are paid off
    clock[0] += 10 / per_socket.per_second + 1
    for notification_id in ids[per_socket.burst :]:
        socket.emit("notifications:read", {"id": notification_id})
    assert _read_count(app, "amina") == per_socket.burst + per_socket.per_second
    assert socket.is_connected()  # over the limit, but not a flood


@pytest.mark.usefixtures("clock")
def test_a_members_sockets_share_one_allowance(
    app: Flask, member: Person, other_member: Person
) -> None:
    per_socket, per_member = realtime.PER_SOCKET, realtime.PER_MEMBER
    sockets = [_socket(app, member) for _ in range(4)]
    assert 4 * per_socket.burst > per_member.burst
    ids = iter(_notify(app, "amina", 4 * per_socket.burst))
    for socket in sockets:
        for _ in range(per_socket.burst):
            socket.emit("notifications:read", {"id": next(ids)})
    assert _read_count(app, "amina") == per_member.burst
    # another member's allowance is their own
    (theirs,) = _notify(app, "kemal", 1)
    _socket(app, other_member).emit("notifications:read", {"id": theirs})
    assert _read_count(app, "kemal") == 1


# --- a flood is cut -------------------------------------------------------------------------------


def test_a_flooding_socket_is_cut_and_its_member_waits(
    app: Flask, member: Person, other_member: Person, clock: list[float]
) -> None:
    (mine,) = _notify(app, "amina", 1)
    flooder, quiet = _socket(app, member), _socket(app, member)
    bystander = _socket(app, other_member)
    allowed = realtime.PER_SOCKET.burst + realtime.FLOOD
    for _ in range(allowed - 1):
        flooder.emit("notifications:read", {"id": mine})
    assert flooder.is_connected()
    flooder.emit("notifications:read", {"id": mine})
    assert not flooder.is_connected()
    assert quiet.is_connected()  # only the flooder is cut
    assert bystander.is_connected()
    assert not _socket(app, member).is_connected()  # no new sockets while the debt lasts
    assert _socket(app, other_member).is_connected()
    clock[0] += 60
    assert _socket(app, member).is_connected()


@pytest.mark.usefixtures("clock")
def test_any_event_counts_even_one_without_a_handler(app: Flask, member: Person) -> None:
    socket = _socket(app, member)
    for _ in range(realtime.PER_SOCKET.burst + realtime.FLOOD):
        socket.emit("no-such-event", {"x": 1})
    assert not socket.is_connected()


# --- connections per member -----------------------------------------------------------------------


@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize("app_config", [{"SOCKETS_PER_MEMBER": 2}])
def test_a_member_opens_at_most_the_configured_number_of_sockets(
    app: Flask, member: Person, other_member: Person
) -> None:
    first, second = _socket(app, member), _socket(app, member)
    assert first.is_connected()
    assert second.is_connected()
    assert not _socket(app, member).is_connected()  # one more is refused
    assert _socket(app, other_member).is_connected()  # others are not affected
    first.disconnect()
    assert _socket(app, member).is_connected()  # a closed socket frees its place
