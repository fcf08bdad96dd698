"""Socket.IO: authenticated connections joined to their user's room."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user
from flask_socketio import join_room

from forum.extensions import socketio

# Socket.IO messages are small JSON events; the 1 MB default invites abuse.
MAX_SOCKET_MESSAGE_BYTES = 16 * 1024


def init_app(app: Flask) -> None:
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


@socketio.on("connect")
def on_connect(auth: object = None) -> bool:
    if not current_user.is_authenticated:
        return False
    join_room(user_room(current_user.id))
    return True


def disconnect_user(user_id: int) -> None:
    """End a member's live connections in this process (logout, ban, password change)."""
    server = socketio.server
    if server is None:
        return
    for sid, _ in list(server.manager.get_participants("/", user_room(user_id))):
        server.disconnect(sid, namespace="/")
