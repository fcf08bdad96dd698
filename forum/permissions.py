"""Every "may this user do that here" answer, for views, services and templates alike.

A policy takes (user, target) and returns None when the action is allowed, or the reason
it is not, in words fit to show the user.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from forum.models import Board, Network, Post, Thread, ThreadKind, User

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


def _moderates(user: Any, network_id: int) -> bool:
    return _is_admin(user) or (_signed_in(user) and network_id in user.moderated_network_ids)


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


def _manage_answer(user: Any, thread: Thread) -> Reason | None:
    if not _signed_in(user):
        return _l("Log in to manage answers.")
    if thread.kind != ThreadKind.question:
        return _l("Only questions have accepted answers.")
    if thread.author_id != user.id and not _moderates(user, thread.board.network_id):
        return _l(
            "Only the person who asked, or a moderator of this network, can choose the answer."
        )
    return None


def _accept_answer(user: Any, post: Post) -> Reason | None:
    reason = _manage_answer(user, post.thread)
    if reason is None and (post.is_opening or post.is_deleted):
        reason = _l("Only a reply that is still there can be the accepted answer.")
    return reason


def _vote(user: Any, post: Post) -> Reason | None:
    if not _signed_in(user):
        return _l("Log in to vote.")
    if post.author_id == user.id:
        return _l("You cannot vote for your own post.")
    if post.is_opening or post.is_deleted:
        return _l("Only replies that are still there take helpful votes.")
    return None


def _verify_expertise(user: Any, network: Network) -> Reason | None:
    if not _moderates(user, network.id):
        return _l("Only moderators of %(network)s can verify expertise there.",
                  network=network.short_name)  # fmt: skip
    return None


def _edit_profile(user: Any, member: User) -> Reason | None:
    if not _signed_in(user) or user.id != member.id:
        return _l("You can only edit your own profile.")
    return None


POLICIES: dict[str, Policy] = {
    "start_thread": _start_thread,
    "reply": _reply,
    "edit_post": _edit_post,
    "delete_post": _delete_post,
    "view_thread": _view_thread,
    "manage_answer": _manage_answer,
    "accept_answer": _accept_answer,
    "vote": _vote,
    "verify_expertise": _verify_expertise,
    "moderate": lambda user, network: (
        None if _moderates(user, network.id) else _l("Moderators only.")
    ),
    "edit_profile": _edit_profile,
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
