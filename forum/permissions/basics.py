"""What every area's policies build on: who is signed in, who moderates where, and what a
suspension or ban stops."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask_babel import format_date

from forum import standing
from forum.extensions import db
from forum.languages import lazy_gettext as _l
from forum.models import Board, Network, Post, Thread

if TYPE_CHECKING:
    from forum.services.thread_heads import ThreadHead
    from forum.services.thread_posts import ThreadPost

Reason = Any  # a lazy translatable string
Policy = Callable[[Any, Any], Reason | None]


class Denied(Exception):
    """Raised by require(); rendered as a 403 page carrying the reason."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(str(reason))
        self.reason = reason


def signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated)


def is_admin(user: Any) -> bool:
    return signed_in(user) and user.is_admin


def moderates(user: Any, network_id: int) -> bool:
    return is_admin(user) or network_id in standing.of(user).moderated_network_ids


def sanctioned(user: Any, network_id: int) -> Reason | None:
    """A ban, or a suspension in this network, said as one whole sentence: where, until
    when (or until further notice) and why."""
    mine = standing.of(user)
    if mine.ban is not None:
        ban = mine.ban
        if ban.ends_at is None:
            return _l(
                "You are banned from the forum until further notice. Reason: %(reason)s",
                reason=ban.reason,
            )
        return _l(
            "You are banned from the forum until %(until)s. Reason: %(reason)s",
            until=format_date(ban.ends_at, "d MMM yyyy"),
            reason=ban.reason,
        )
    suspension = mine.suspensions.get(network_id)
    if suspension is None:
        return None
    # only when refused: the network is usually in the session already (the page's board)
    network = db.session.get(Network, network_id)
    name = network.display_short_name if network is not None else ""
    if suspension.ends_at is None:
        return _l(
            "You are suspended in %(network)s until further notice: you can read it but not "
            "take part. Reason: %(reason)s",
            network=name,
            reason=suspension.reason,
        )
    return _l(
        "You are suspended in %(network)s until %(until)s: you can read it but not take "
        "part. Reason: %(reason)s",
        network=name,
        until=format_date(suspension.ends_at, "d MMM yyyy"),
        reason=suspension.reason,
    )


def taking_part(policy: Policy) -> Policy:
    """An action that takes part in a network: refused there to a member suspended in it (or
    banned), who may still read it, mute it and delete their own posts."""

    def checked(user: Any, target: Any) -> Reason | None:
        # "is None", never the reason's truth: that would translate it (a thread page asks
        # this for every post and action)
        reason = policy(user, target)
        return reason if reason is not None else sanctioned(user, network_of(target))

    return checked


def network_of(target: Board | Thread | Post | ThreadHead | ThreadPost) -> int:
    """A board's network, a thread's (its board's) or a post's (its thread's): ORM objects,
    or the plain ones a thread page reads (asked of their classes: an ORM object's
    relationships may not be loaded)."""
    kind = type(target)
    if hasattr(kind, "network_id"):  # a board
        return target.network_id
    thread = target if hasattr(kind, "board") else target.thread
    return thread.board.network_id


def signed_in_or(reason: Reason) -> Policy:
    return lambda user, _target: None if signed_in(user) else reason
