"""A live thread: members reading a thread hear of each new reply, without reloading.

A page asks to watch its thread ("threads:watch"); its socket joins the thread's room only if
its member may see the thread, asked again at every request, and holds at most
THREADS_PER_SOCKET such rooms. After a reply commits (posting.reply), the room hears the post's
id and nothing more: each reader fetches the post as they may see it, in their language
(views.threads.post_fragment), which is where the post's own permissions are answered.

Visitors have no sockets (forum.realtime refuses them): they see new replies on reload.
"""

from __future__ import annotations

import logging
from typing import Any

from flask_login import current_user
from flask_socketio import join_room, leave_room, rooms

from forum.extensions import socketio
from forum.realtime import _allowed

logger = logging.getLogger(__name__)

# a page watches its one thread; a few leave room for a client that navigates without reloading
THREADS_PER_SOCKET = 3
ROOM_PREFIX = "thread:"


def thread_room(thread_id: int) -> str:
    return f"{ROOM_PREFIX}{thread_id}"


@socketio.on("threads:watch")
def on_watch(payload: Any = None) -> bool:
    """Join the thread's room; the answer (the acknowledgement) says whether it was joined."""
    from forum import permissions
    from forum.services import browsing

    if not _allowed() or not current_user.is_authenticated:
        return False
    thread_id = payload.get("thread") if isinstance(payload, dict) else None
    if type(thread_id) is not int or not 0 < thread_id < 2**63:
        return False  # malformed: ignored
    room = thread_room(thread_id)
    watched = [name for name in rooms() if name.startswith(ROOM_PREFIX)]
    if room not in watched and len(watched) >= THREADS_PER_SOCKET:
        return False
    thread = browsing.get_thread(thread_id)
    if thread is None or not permissions.may("view_thread", thread):
        if room in watched:
            leave_room(room)  # deleted since it was joined
        return False
    join_room(room)
    return True


def announce_reply(thread_id: int, post_id: int) -> None:
    """After the reply's commit: its thread's readers hear its id (never its text)."""
    try:
        reply = {"thread": thread_id, "post": post_id}
        socketio.emit("threads:reply", reply, to=thread_room(thread_id))
    except Exception:  # the queue is down: readers see the reply when they reload
        logger.exception("could not announce reply %s live", post_id)
