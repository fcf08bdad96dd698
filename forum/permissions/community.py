"""Moderation, sanctions, administration and profiles."""

from __future__ import annotations

from typing import Any

from forum.languages import lazy_gettext as _l
from forum.models import Board, Network, Thread, User
from forum.permissions.basics import Policy, Reason, is_admin, moderates, signed_in


def _moderate(user: Any, network: Network) -> Reason | None:
    if not moderates(user, network.id):
        return _l("Only moderators of %(network)s can do that.", network=network.short_name)
    return None


def _move_thread(user: Any, move: tuple[Thread, Board]) -> Reason | None:
    thread, board = move
    if not moderates(user, thread.board.network_id):
        return _l("Only moderators of this network can move its threads.")
    if board.network_id != thread.board.network_id and not is_admin(user):
        return _l("Moderators move threads within their network; only admins move them across.")
    return None


def _sanction(user: Any, target: tuple[User, Network | None]) -> Reason | None:
    member, network = target
    if network is None and not is_admin(user):
        return _l("Only administrators can ban members from the whole forum.")
    if network is not None and not moderates(user, network.id):
        return _l(
            "Only moderators of %(network)s can suspend members there.", network=network.short_name
        )
    if member.is_admin:
        return _l("Administrators cannot be suspended or banned.")
    if signed_in(user) and member.id == user.id:
        return _l("You cannot sanction yourself.")
    return None


def _administer(user: Any, _target: Any = None) -> Reason | None:
    return None if is_admin(user) else _l("Only administrators can do that.")


def _edit_profile(user: Any, member: User) -> Reason | None:
    if not signed_in(user) or user.id != member.id:
        return _l("You can only edit your own profile.")
    return None


POLICIES: dict[str, Policy] = {
    "moderate": _moderate,  # pin, lock, hide, restore, boards, reports, audit of a network
    "verify_expertise": _moderate,
    "move_thread": _move_thread,
    "sanction": _sanction,
    "administer": _administer,
    "edit_profile": _edit_profile,
}
