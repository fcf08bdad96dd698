"""Every "may this user do that here" answer, for views, services and templates alike.

A policy takes (user, target) and returns None when the action is allowed, or the reason
it is not, in words fit to show the user.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from forum.models import Board, Post, Thread, User

Reason = Any  # a lazy translatable string
Policy = Callable[[Any, Any], Reason | None]


class Denied(Exception):
    """Raised by require(); rendered as a 403 page carrying the reason."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(str(reason))
        self.reason = reason


def _signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated)


def _is_admin(user: Any) -> bool:
    return _signed_in(user) and user.is_admin


def _start_thread(user: Any, board: Board) -> Reason | None:
    if not _signed_in(user):
        return _l("Log in to start a thread.")
    if board.is_archived:
        return _l("This board is archived: it can be read but takes no new threads.")
    return None


def _reply(user: Any, thread: Thread) -> Reason | None:
    if not _signed_in(user):
        return _l("Log in to reply.")
    if thread.is_deleted:
        return _l("This thread was deleted.")
    if thread.is_locked:
        return _l("This thread is locked: it takes no new replies.")
    if thread.board.is_archived:
        return _l("This board is archived: it can be read but takes no new replies.")
    return None


def _edit_post(user: Any, post: Post) -> Reason | None:
    if not _signed_in(user):
        return _l("Log in to edit posts.")
    if post.author_id != user.id and not _is_admin(user):
        return _l("Only the author can edit this post.")
    if post.is_deleted:
        return _l("This post was deleted.")
    if post.thread.is_locked and not _is_admin(user):
        return _l("This thread is locked: its posts can no longer be edited.")
    return None


def _delete_post(user: Any, post: Post) -> Reason | None:
    if not _signed_in(user):
        return _l("Log in to delete posts.")
    if post.author_id != user.id and not _is_admin(user):
        return _l("Only the author can delete this post.")
    if post.is_deleted:
        return _l("This post was already deleted.")
    return None


def _view_thread(user: Any, thread: Thread) -> Reason | None:
    if thread.is_deleted and not _is_admin(user):
        return _l("This thread was deleted.")
    return None


POLICIES: dict[str, Policy] = {
    "start_thread": _start_thread,
    "reply": _reply,
    "edit_post": _edit_post,
    "delete_post": _delete_post,
    "view_thread": _view_thread,
}


def why_not(user: User | Any, action: str, target: Any = None) -> Reason | None:
    return POLICIES[action](user, target)


def may(action: str, target: Any = None, user: User | Any = None) -> bool:
    """Template and view helper; the user defaults to the one signed in."""
    return why_not(current_user if user is None else user, action, target) is None


def refusal(action: str, target: Any = None) -> Reason | None:
    """Template helper: why the signed-in user may not do this, or None."""
    return why_not(current_user, action, target)


def require(user: User | Any, action: str, target: Any = None) -> None:
    reason = why_not(user, action, target)
    if reason is not None:
        raise Denied(reason)
