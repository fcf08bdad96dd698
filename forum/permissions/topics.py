"""Topics: tagging a thread with concepts, and the vocabulary's upkeep (the searches that
found nothing, proposals for new labels)."""

from __future__ import annotations

from typing import Any

from forum import standing
from forum.languages import lazy_gettext as _l
from forum.models import Thread
from forum.permissions.basics import Policy, Reason, is_admin, moderates, signed_in


def _tag_thread(user: Any, thread: Thread) -> Reason | None:
    """Whoever may edit the thread's opening post chooses its topics; when it is started, its
    author (the board's "start_thread" is asked first)."""
    if not signed_in(user):
        return _l("Log in to choose a thread's topics.")
    if thread.author_id != user.id and not moderates(user, thread.board.network_id):
        return _l("Only the author or a moderator can choose a thread's topics.")
    return None


def _review_searches(user: Any, _target: Any = None) -> Reason | None:
    if not _moderates_somewhere(user):
        return _l("Only moderators and administrators can see what searches found nothing.")
    return None


def _decide_proposals(user: Any, _target: Any = None) -> Reason | None:
    if not is_admin(user):
        return _l("Only administrators review proposals for the vocabulary.")
    return None


def _moderates_somewhere(user: Any) -> bool:
    return is_admin(user) or (signed_in(user) and bool(standing.of(user).moderated_network_ids))


POLICIES: dict[str, Policy] = {
    "tag_thread": _tag_thread,
    "review_searches": _review_searches,  # the zero-result report, and proposing labels
    "decide_proposals": _decide_proposals,
}
