"""Every "may this user do that here" answer, for views, services and templates alike.

A policy takes (user, target) and returns None when the action is allowed, or the reason
it is not, in words fit to show the user.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable
from typing import Any, NamedTuple

from flask_babel import format_date
from flask_login import current_user
from sqlalchemy import select

from forum import standing
from forum.extensions import db
from forum.languages import lazy_gettext as _l
from forum.models import (
    Affiliation,
    Board,
    Institution,
    InstitutionNetwork,
    Network,
    Post,
    Thread,
    ThreadKind,
    User,
)

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


def moderates(user: Any, network_id: int) -> bool:
    return _is_admin(user) or network_id in standing.of(user).moderated_network_ids


def _sanctioned(user: Any, network_id: int) -> Reason | None:
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


def _taking_part(policy: Policy) -> Policy:
    """An action that takes part in a network: refused there to a member suspended in it (or
    banned), who may still read it, mute it and delete their own posts."""

    def checked(user: Any, target: Any) -> Reason | None:
        # "is None", never the reason's truth: that would translate it (a thread page asks
        # this for every post and action)
        reason = policy(user, target)
        return reason if reason is not None else _sanctioned(user, _network_of(target))

    return checked


def _network_of(target: Board | Thread | Post) -> int:
    thread = target.thread if isinstance(target, Post) else target
    return (thread.board if isinstance(thread, Thread) else thread).network_id


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
    if thread.board.is_archived:
        return _l("This board is archived: it can be read but takes no new replies.")
    if thread.is_locked and not moderates(user, thread.board.network_id):
        return _l("This thread is locked: it takes no new replies.")
    return None


def _edit_post(user: Any, post: Post) -> Reason | None:
    if not _signed_in(user):
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
    if not _signed_in(user):
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
    if not _signed_in(user):
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
    if not _signed_in(user):
        return _l("Log in to vote.")
    if post.author_id == user.id:
        return _l("You cannot vote for your own post.")
    if post.is_opening or post.is_deleted or post.is_hidden:
        return _l("Only replies that are still there take helpful votes.")
    return None


def _signed_in_or(reason: Reason) -> Policy:
    return lambda user, _target: None if _signed_in(user) else reason


def _report(user: Any, post: Post) -> Reason | None:
    if not _signed_in(user):
        return _l("Log in to report a post.")
    if post.author_id == user.id:
        return _l("You cannot report your own post.")
    return _read_post(user, post)


def _moderate(user: Any, network: Network) -> Reason | None:
    if not moderates(user, network.id):
        return _l("Only moderators of %(network)s can do that.", network=network.short_name)
    return None


def _move_thread(user: Any, move: tuple[Thread, Board]) -> Reason | None:
    thread, board = move
    if not moderates(user, thread.board.network_id):
        return _l("Only moderators of this network can move its threads.")
    if board.network_id != thread.board.network_id and not _is_admin(user):
        return _l("Moderators move threads within their network; only admins move them across.")
    return None


def _sanction(user: Any, target: tuple[User, Network | None]) -> Reason | None:
    member, network = target
    if network is None and not _is_admin(user):
        return _l("Only administrators can ban members from the whole forum.")
    if network is not None and not moderates(user, network.id):
        return _l(
            "Only moderators of %(network)s can suspend members there.", network=network.short_name
        )
    if member.is_admin:
        return _l("Administrators cannot be suspended or banned.")
    if _signed_in(user) and member.id == user.id:
        return _l("You cannot sanction yourself.")
    return None


def _administer(user: Any, _target: Any = None) -> Reason | None:
    return None if _is_admin(user) else _l("Only administrators can do that.")


def _edit_profile(user: Any, member: User) -> Reason | None:
    if not _signed_in(user) or user.id != member.id:
        return _l("You can only edit your own profile.")
    return None


def institution_network_ids(institution: Institution) -> frozenset[int]:
    """The networks an institution is in: read once per institution object (a page asks
    several questions of it)."""
    cached = institution.__dict__.get("_network_ids")
    if cached is None:
        cached = frozenset(
            db.session.scalars(
                select(InstitutionNetwork.network_id).where(
                    InstitutionNetwork.institution_id == institution.id
                )
            )
        )
        institution.__dict__["_network_ids"] = cached
    return cached


def _moderates_any(user: Any, network_ids: Iterable[int]) -> bool:
    return _is_admin(user) or bool(
        standing.of(user).moderated_network_ids.intersection(network_ids)
    )


def _create_institution(user: Any, network_ids: set[int]) -> Reason | None:
    """A moderator adds institutions to the networks they moderate; an admin anywhere."""
    if _is_admin(user):
        return None
    moderated = standing.of(user).moderated_network_ids if _signed_in(user) else frozenset()
    if not moderated:
        return _l("Only moderators and administrators can add institutions.")
    return _place_institution(user, network_ids)


def _place_institution(user: Any, network_ids: set[int]) -> Reason | None:
    """Who is in a network, and in what role (member, focal point...), is for its moderators."""
    if _is_admin(user) or set(network_ids) <= standing.of(user).moderated_network_ids:
        return None
    return _l("Only a network's moderators can add an institution to it or change its role there.")


def _edit_institution(user: Any, institution: Institution) -> Reason | None:
    if not _signed_in(user):
        return _l("Log in to edit institutions.")
    if institution.id in standing.of(user).managed_institution_ids:
        return None
    if _moderates_any(user, institution_network_ids(institution)):
        return None
    return _l(
        "Only the institution's managers, moderators of its networks and administrators can "
        "edit it."
    )


def _appoint_manager(user: Any, institution: Institution) -> Reason | None:
    if _moderates_any(user, institution_network_ids(institution)):
        return None
    return _l(
        "Only moderators of the institution's networks and administrators can choose its managers."
    )


def _claim_affiliation(user: Any, _institution: Institution) -> Reason | None:
    if not _signed_in(user):
        return _l("Log in to say where you work.")
    if standing.of(user).ban is not None:
        return _sanctioned(user, 0)
    return None


def _confirm_affiliation(user: Any, affiliation: Affiliation) -> Reason | None:
    if _signed_in(user) and affiliation.user_id == user.id:
        return _l("You cannot confirm your own affiliation: the institution's managers do.")
    return _edit_institution(user, affiliation.institution)


def _remove_affiliation(user: Any, affiliation: Affiliation) -> Reason | None:
    """A confirmed member taken off an institution's list (they left, or were confirmed by
    mistake): by those who confirm; a manager only by those who choose managers."""
    if _signed_in(user) and affiliation.user_id == user.id:
        return _l("To leave an institution, say that you no longer work there.")
    if affiliation.is_manager:
        return _appoint_manager(user, affiliation.institution)
    return _edit_institution(user, affiliation.institution)


POLICIES: dict[str, Policy] = {
    # what a suspension in a network (or a ban) stops there: _taking_part
    "start_thread": _taking_part(_start_thread),
    "reply": _taking_part(_reply),
    "edit_post": _taking_part(_edit_post),
    "manage_answer": _taking_part(_manage_answer),
    "accept_answer": _taking_part(_accept_answer),
    "vote": _taking_part(_vote),
    "unvote": _taking_part(_signed_in_or(_l("Log in to vote."))),
    "report": _taking_part(_report),
    "watch": _taking_part(_signed_in_or(_l("Log in to continue."))),  # a thread or board
    # what it leaves: reading, deleting one's own posts (and muting, which asks nothing)
    "delete_post": _delete_post,
    "view_thread": _view_thread,
    "read_post": _read_post,
    # an edited post's history: whoever may read the post; what a moderator's edit replaced,
    # only the network's moderators
    "read_history": _read_post,
    "read_redacted": _read_redacted,
    "moderate": _moderate,  # pin, lock, hide, restore, boards, reports, audit of a network
    "verify_expertise": _moderate,
    "move_thread": _move_thread,
    "sanction": _sanction,
    "administer": _administer,
    "edit_profile": _edit_profile,
    # institutions: target a set of network ids for the first two, else the institution
    "create_institution": _create_institution,
    "place_institution": _place_institution,
    "edit_institution": _edit_institution,
    "appoint_manager": _appoint_manager,
    "claim_affiliation": _claim_affiliation,
    "confirm_affiliation": _confirm_affiliation,  # and decline it
    "remove_affiliation": _remove_affiliation,
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
    if not _signed_in(user):
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
