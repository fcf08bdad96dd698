"""Socket.IO: authenticated connections in their member's room, and live delivery.

Notifications are already saved when deliver() runs (after the commit); if the message queue
or a socket fails, members still see them on their next page load.

What a socket can make the server do is bounded: its events run one after another in its
connection's thread (not a thread each), each costs against its connection's and its member's
allowance (past them it is dropped; a connection FLOOD past is cut), and a member holds at most
SOCKETS_PER_MEMBER connections. Counts are per process: with several, that much in each.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import force_locale
from flask_login import current_user
from flask_socketio import join_room

from forum.extensions import socketio
from forum.languages import DEFAULT, LANGUAGES

logger = logging.getLogger(__name__)

# Socket.IO messages are small JSON events; the 1 MB default invites abuse.
MAX_SOCKET_MESSAGE_BYTES = 16 * 1024
LIVE_KEY = "live_key"  # names this browser session's sockets, so logging out ends just them
LIMITS = "forum_socket_limits"  # the app's SocketLimits, in app.extensions
clock = time.monotonic  # the allowances' clock


@dataclass(frozen=True)
class Rate:
    per_second: int
    burst: int


# A page sends one event when its member clicks a live notification: these leave room for a
# member reading fast in several tabs, and none for a script.
PER_SOCKET = Rate(per_second=2, burst=10)
PER_MEMBER = Rate(per_second=5, burst=30)  # all of a member's sockets in this process
FLOOD = 100  # events past its allowance that make a socket a flood: it is cut


class Allowance:
    """A token bucket that goes into debt: every event costs a token, allowed or not, so a
    sender who keeps going past the limit sinks (to -FLOOD at most) and waits it off."""

    def __init__(self, rate: Rate, now: float) -> None:
        self.rate, self.tokens, self.stamp = rate, float(rate.burst), now

    def refill(self, now: float) -> float:
        earned = (now - self.stamp) * self.rate.per_second
        self.tokens, self.stamp = min(self.rate.burst, self.tokens + earned), now
        return self.tokens

    def spend(self, now: float) -> bool:
        allowed = self.refill(now) >= 1
        self.tokens = max(-FLOOD, self.tokens - 1)
        return allowed


class SocketLimits:
    """This process's connections, by Engine.IO session (one per socket: one namespace): each
    one's member and allowance, each member's allowance and connections. still_open(eio_sid)
    says whether the connection is still there."""

    def __init__(self, sockets_per_member: int, still_open: Callable[[str], bool]) -> None:
        self.sockets_per_member, self.still_open = sockets_per_member, still_open
        self.lock = threading.Lock()
        self.member_of: dict[str, int] = {}
        self.connections: dict[str, Allowance] = {}
        self.members: dict[int, Allowance] = {}
        self.held: dict[int, set[str]] = {}

    def admit(self, member_id: int, eio_sid: str) -> bool:
        """One more connection for the member: not past their share, nor while they wait off
        a flood. Asked again (its handshake, then its socket's connect), the same answer."""
        now = clock()
        with self.lock:
            if eio_sid in self.member_of:
                return self.member_of[eio_sid] == member_id
            member = self.members.setdefault(member_id, Allowance(PER_MEMBER, now))
            held = self.held.setdefault(member_id, set())
            for gone in [other for other in held if not self.still_open(other)]:
                held.discard(gone)  # a disconnect never heard of must not lock them out
                self.member_of.pop(gone, None), self.connections.pop(gone, None)
            if len(held) >= self.sockets_per_member or member.refill(now) < 1:
                return False
            held.add(eio_sid)
            self.member_of[eio_sid] = member_id
            self.connections[eio_sid] = Allowance(PER_SOCKET, now)
            return True

    def spend(self, eio_sid: str) -> Literal["allowed", "dropped", "flood"]:
        now = clock()
        with self.lock:
            own = self.connections.get(eio_sid)
            if own is None:
                return "dropped"  # already cut
            # both pay, whatever the other says
            allowed = [own.spend(now), self.members[self.member_of[eio_sid]].spend(now)]
            if own.tokens <= -FLOOD:
                return "flood"
            return "allowed" if all(allowed) else "dropped"

    def forget(self, eio_sid: str) -> None:
        with self.lock:
            member_id = self.member_of.pop(eio_sid, None)
            self.connections.pop(eio_sid, None)
            if member_id is None:
                return
            held, member = self.held[member_id], self.members[member_id]
            held.discard(eio_sid)
            if not held and member.refill(clock()) >= member.rate.burst:
                del self.held[member_id], self.members[member_id]  # as good as new


def init_app(app: Flask) -> None:
    # Flask-SocketIO keeps the options of an earlier init_app (tests make many apps): an
    # app without a message queue must not inherit another's queue client
    socketio.server_options.pop("client_manager", None)
    socketio.init_app(
        app,
        async_mode="threading",
        message_queue=app.config.get("MESSAGE_QUEUE"),
        max_http_buffer_size=MAX_SOCKET_MESSAGE_BYTES,
        # None: only this site's own origin may open a socket
        cors_allowed_origins=None,
        # a socket's events run in its connection's thread, in order: not one thread each
        async_handlers=False,
    )
    from forum import live_threads  # noqa: F401  (its socket events: a live thread)

    init_limits(app)
    # The connection is what costs: from its handshake, before any socket connects on it, a
    # WebSocket holds a server thread, a reader and a writer, and a ping timer (asleep 25 s).
    # So connections are counted, and refused (401), at the handshake.
    eio = socketio.server.eio
    eio.on("connect", _admitting(eio.handlers["connect"]))


def init_limits(app: Flask) -> None:
    """No connection counted yet."""
    app.extensions[LIMITS] = SocketLimits(int(app.config["SOCKETS_PER_MEMBER"]), _still_open)


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def session_room(key: str) -> str:
    return f"session:{key}"


def live_key() -> str:
    """This browser session's key, made on first use."""
    if LIVE_KEY not in session:
        session[LIVE_KEY] = secrets.token_urlsafe(16)
    return session[LIVE_KEY]


def _limits() -> SocketLimits:
    return current_app.extensions[LIMITS]


def _still_open(eio_sid: str) -> bool:
    # the handshake made the first, a test client only the second
    return eio_sid in socketio.server.eio.sockets or eio_sid in socketio.server.environ


def _connection() -> str:
    """The Engine.IO session of the socket this event came on."""
    return socketio.server.manager.eio_sid_from_sid(request.sid, "/")


def _admitting(handshake: Callable[[str, dict], object]) -> Callable[[str, dict], object]:
    def admitting(eio_sid: str, environ: dict) -> object:
        with environ["flask.app"].request_context(environ):
            if not current_user.is_authenticated or not _limits().admit(current_user.id, eio_sid):
                return False
        return handshake(eio_sid, environ)

    return admitting


@socketio.on("connect")
def on_connect(auth: Any = None) -> bool:
    if not current_user.is_authenticated:
        return False  # anonymous sockets are refused
    if not _limits().admit(current_user.id, _connection()):
        return False
    join_room(user_room(current_user.id))
    if session.get(LIVE_KEY):
        join_room(session_room(session[LIVE_KEY]))
    return True


@socketio.on("disconnect")
def on_disconnect(*_reason: object) -> None:
    """The connection goes with its socket: kept open, it would hold a thread uncounted."""
    eio_sid = _connection()
    _limits().forget(eio_sid)
    transport = socketio.server.eio.sockets.get(eio_sid)
    if transport is not None and not transport.closed:
        transport.close(wait=False)  # not waiting on a client that may not read


def _allowed() -> bool:
    """Charge this event to its connection and member (before anything else: no query for
    one that is dropped), and cut a connection that floods."""
    verdict = _limits().spend(_connection())
    if verdict == "flood":
        _cut()
    return verdict == "allowed"


def _cut() -> None:
    """Disconnect the socket (a browser told so does not reconnect), which closes its
    connection. simple-websocket goes on reading a client that goes on sending, closed or not:
    the TCP connection is shut down too (a WebSocket's own: the handshake was its upgrade)."""
    socketio.server.disconnect(request.sid, namespace="/")
    environ = request.environ
    connection = environ.get("gunicorn.socket") or environ.get("werkzeug.socket")
    if connection is not None and environ.get("HTTP_UPGRADE", "").lower() == "websocket":
        with contextlib.suppress(OSError):
            connection.shutdown(socket.SHUT_RDWR)


@socketio.on("*")
def on_other_event(_event: str, *_args: object) -> None:
    """Events without a handler do nothing, but a flood of them is a flood all the same."""
    _allowed()


@socketio.on("notifications:read")
def on_read(payload: Any = None) -> None:
    """The client saw a notification. Re-checked here: sockets outlive the page's checks."""
    from forum.services import inbox

    if not _allowed() or not current_user.is_authenticated:
        return
    notification_id = payload.get("id") if isinstance(payload, dict) else None
    if type(notification_id) is not int or not 0 < notification_id < 2**63:
        return  # malformed: ignored
    inbox.mark_read(current_user._get_current_object(), [notification_id])


def deliver(notification_ids: Sequence[int]) -> None:
    """Emit saved notifications to their recipients' rooms, with each one's unread count."""
    from forum.services import inbox

    if not has_request_context():
        with current_app.test_request_context():
            return deliver(notification_ids)
    counts: dict[int, int] = {}
    for notification in inbox.load(notification_ids):
        recipient = notification.recipient_id
        if recipient not in counts:
            counts[recipient] = inbox.unread_count(recipient)
        # Each open page shows the sentence in its own language, however it was chosen.
        texts = {}
        for code in LANGUAGES:
            with force_locale(code):
                texts[code], url = inbox.describe(notification)
        payload = {
            "id": notification.id,
            "kind": notification.kind.value,
            "text": texts.get(notification.recipient.locale, texts[DEFAULT]),
            "texts": texts,
            "url": url,
            "time": notification.created_at.isoformat() + "Z",
            "unread": counts[recipient],
        }
        try:
            socketio.emit("notification", payload, to=user_room(recipient))
        except Exception:  # the queue is down: the notification waits for the next page load
            logger.exception("live delivery failed for notification %s", notification.id)
            return None
    return None


def end_sessions(*, user_id: int | None = None, key: str | None = None) -> None:
    """Logout (one session) or password change and ban (all of a member's sessions).

    Sockets in this process are cut at once; other processes are told through the message
    queue, and the page's script disconnects. Every event is re-checked server-side anyway.
    """
    room = user_room(user_id) if user_id is not None else session_room(key or "")
    try:
        socketio.emit("session_ended", {}, to=room)
    except Exception:
        logger.exception("could not announce the end of a session")
    server = socketio.server
    if server is None:
        return
    for sid, _ in list(server.manager.get_participants("/", room)):
        server.disconnect(sid, namespace="/")
