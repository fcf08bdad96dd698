"""Every "may this user do that here" answer, for views, services and templates alike.

A policy takes (user, target) and returns None when the action is allowed, or the reason
it is not, in words fit to show the user. Each area keeps its policies in its own module
(posts, community, institutions...); this module joins them and answers.
"""

from __future__ import annotations

from collections.abc import Container
from typing import Any, NamedTuple

from flask_login import current_user

from forum.models import Post, Thread, User
from forum.permissions import attachments, community, events, institutions, posts, topics
from forum.permissions.basics import Denied, Policy, Reason, moderates, signed_in

__all__ = ["Denied", "PostActions", "may", "moderates", "post_actions", "refusal", "require"]

POLICIES: dict[str, Policy] = {
    **posts.POLICIES,
    **attachments.POLICIES,
    **community.POLICIES,
    **institutions.POLICIES,
    **events.POLICIES,
    **topics.POLICIES,
}


def why_not(user: User | Any, action: str, target: Any = None) -> Reason | None:
    return POLICIES[action](user, target)


def may(action: str, target: Any = None, user: User | Any = None) -> bool:
    """Template and view helper; the user defaults to the one signed in."""
    return why_not(_signed_in_user() if user is None else user, action, target) is None


def refusal(action: str, target: Any = None) -> Reason | None:
    """Template helper: why the signed-in user may not do this, or None."""
    return why_not(_signed_in_user(), action, target)


def _signed_in_user() -> User | Any:
    # the user itself, not the proxy: policies read it many times, a thread page asks often
    return current_user._get_current_object()  # type: ignore[attr-defined]


class PostActions(NamedTuple):
    """What the signed-in member may do with one post of a thread page."""

    withdraw_vote: bool
    vote: bool
    unaccept: bool
    accept: bool
    edit: bool
    delete: bool
    report: bool
    moderate: bool


NOTHING_TO_DO = PostActions(*(False,) * len(PostActions._fields))


def post_actions(
    post: Post, thread: Thread, accepted: Post | None, my_votes: Container[int]
) -> PostActions:
    user = _signed_in_user()
    if not signed_in(user):
        return NOTHING_TO_DO  # a visitor may do nothing with a post but read it
    is_accepted = accepted is not None and accepted.id == post.id
    voted = post.id in my_votes
    return PostActions(
        withdraw_vote=voted and why_not(user, "unvote", post) is None,
        vote=not voted and why_not(user, "vote", post) is None,
        unaccept=is_accepted and why_not(user, "manage_answer", thread) is None,
        accept=not is_accepted and why_not(user, "accept_answer", post) is None,
        edit=why_not(user, "edit_post", post) is None,
        delete=why_not(user, "delete_post", post) is None,
        report=why_not(user, "report", post) is None,
        moderate=why_not(user, "moderate", thread.board.network) is None,
    )


def require(user: User | Any, action: str, target: Any = None) -> None:
    reason = why_not(user, action, target)
    if reason is not None:
        raise Denied(reason)
