"""Threads and posts: starting, replying, editing, deleting, reading, answers and votes."""

from __future__ import annotations

from typing import Any

from forum.languages import lazy_gettext as _l
from forum.models import Board, Post, Thread, ThreadKind
from forum.permissions.basics import Policy, Reason, moderates, signed_in, signed_in_or, taking_part


def _start_thread(user: Any, board: Board) -> Reason | None:
    if not signed_in(user):
        return _l("Log in to start a thread.")
    if board.is_archived:
        return _l("This board is archived: it can be read but takes no new threads.")
    return None


def _reply(user: Any, thread: Thread) -> Reason | None:
    if not signed_in(user):
        return _l("Log in to reply.")
    if thread.is_deleted:
        return _l("This thread was deleted.")
    if thread.board.is_archived:
        return _l("This board is archived: it can be read but takes no new replies.")
    if thread.is_locked and not moderates(user, thread.board.network_id):
        return _l("This thread is locked: it takes no new replies.")
    return None


def _edit_post(user: Any, post: Post) -> Reason | None:
    if not signed_in(user):
        return _l("Log in to edit posts.")
    network_id = post.thread.board.network_id
    if moderates(user, network_id):
        return None if not post.is_deleted else _l("This post was deleted.")
    if post.author_id != user.id:
        return _l("Only the author can edit this post.")
    if post.is_deleted:
        return _l("This post was deleted.")
    if post.is_hidden:
        return _l("A moderator hid this post; it can no longer be edited.")
    if post.thread.is_locked:
        return _l("This thread is locked: its posts can no longer be edited.")
    return _read_post(user, post)


def _delete_post(user: Any, post: Post) -> Reason | None:
    if not signed_in(user):
        return _l("Log in to delete posts.")
    if post.author_id != user.id and not moderates(user, post.thread.board.network_id):
        return _l("Only the author can delete this post.")
    if post.is_deleted:
        return _l("This post was already deleted.")
    return None


def _view_thread(user: Any, thread: Thread) -> Reason | None:
    if thread.is_deleted and not moderates(user, thread.board.network_id):
        return _l("This thread was deleted.")
    return None


def _see_hidden(user: Any, post: Post) -> Reason | None:
    if moderates(user, post.thread.board.network_id):
        return None
    return _l("A moderator hid this post.")


def _read_post(user: Any, post: Post) -> Reason | None:
    """May this post's text be shown to this user? Every page that shows a post's text asks
    (its body, its source in a form, its revisions): a deleted post's text is shown to no one,
    a hidden post's and a deleted thread's only to the network's moderators."""
    if post.is_deleted:
        return _l("This post was deleted.")
    if post.is_hidden:
        return _see_hidden(user, post)
    return _view_thread(user, post.thread)


def _read_redacted(user: Any, post: Post) -> Reason | None:
    """The text from before a moderator's edit (a redaction): the network's moderators only."""
    if moderates(user, post.thread.board.network_id):
        return None
    return _l("A moderator edited this post; the text from before that edit is not shown.")


def _manage_answer(user: Any, thread: Thread) -> Reason | None:
    if not signed_in(user):
        return _l("Log in to manage answers.")
    if thread.kind != ThreadKind.question:
        return _l("Only questions have accepted answers.")
    if thread.author_id != user.id and not moderates(user, thread.board.network_id):
        return _l(
            "Only the person who asked, or a moderator of this network, can choose the answer."
        )
    return None


def _accept_answer(user: Any, post: Post) -> Reason | None:
    reason = _manage_answer(user, post.thread)
    if reason is None and (post.is_opening or post.is_deleted or post.is_hidden):
        reason = _l("Only a reply that is still there can be the accepted answer.")
    return reason


def _vote(user: Any, post: Post) -> Reason | None:
    if not signed_in(user):
        return _l("Log in to vote.")
    if post.author_id == user.id:
        return _l("You cannot vote for your own post.")
    if post.is_opening or post.is_deleted or post.is_hidden:
        return _l("Only replies that are still there take helpful votes.")
    return None


def _report(user: Any, post: Post) -> Reason | None:
    if not signed_in(user):
        return _l("Log in to report a post.")
    if post.author_id == user.id:
        return _l("You cannot report your own post.")
    return _read_post(user, post)


POLICIES: dict[str, Policy] = {
    # what a suspension in a network (or a ban) stops there: taking_part
    "start_thread": taking_part(_start_thread),
    "reply": taking_part(_reply),
    "edit_post": taking_part(_edit_post),
    "manage_answer": taking_part(_manage_answer),
    "accept_answer": taking_part(_accept_answer),
    "vote": taking_part(_vote),
    "unvote": taking_part(signed_in_or(_l("Log in to vote."))),
    "report": taking_part(_report),
    "watch": taking_part(signed_in_or(_l("Log in to continue."))),  # a thread or board
    # what it leaves: reading, deleting one's own posts (and muting, which asks nothing)
    "delete_post": _delete_post,
    "view_thread": _view_thread,
    "read_post": _read_post,
    # an edited post's history: whoever may read the post; what a moderator's edit replaced,
    # only the network's moderators
    "read_history": _read_post,
    "read_redacted": _read_redacted,
}
