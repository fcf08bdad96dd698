"""Socket.IO: authenticated connections in their member's room, and live delivery.

Notifications are already saved when deliver() runs (after the commit); if the message queue
or a socket fails, members still see them on their next page load.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from typing import Any

from flask import Flask, current_app, has_request_context, session
from flask_babel import force_locale
from flask_login import current_user
from flask_socketio import join_room

from forum.extensions import socketio
from forum.languages import DEFAULT, LANGUAGES

logger = logging.getLogger(__name__)

# Socket.IO messages are small JSON events; the 1 MB default invites abuse.
MAX_SOCKET_MESSAGE_BYTES = 16 * 1024
LIVE_KEY = "live_key"  # names this browser session's sockets, so logging out ends just them


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
    )


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def session_room(key: str) -> str:
    return f"session:{key}"


def live_key() -> str:
    """This browser session's key, made on first use."""
    if LIVE_KEY not in session:
        session[LIVE_KEY] = secrets.token_urlsafe(16)
    return session[LIVE_KEY]


@socketio.on("connect")
def on_connect(auth: Any = None) -> bool:
    if not current_user.is_authenticated:
        return False  # anonymous sockets are refused
    join_room(user_room(current_user.id))
    if session.get(LIVE_KEY):
        join_room(session_room(session[LIVE_KEY]))
    return True


@socketio.on("notifications:read")
def on_read(payload: Any = None) -> None:
    """The client saw a notification. Re-checked here: sockets outlive the page's checks."""
    from forum.services import inbox

    if not current_user.is_authenticated:
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
