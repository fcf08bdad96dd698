"""Attachments: a file is read by whoever may read its post (a hidden post's by its
network's moderators), and by no one once a moderator took it off the post; the network's
moderators (and admins) remove files and mark reviewed resources of the library."""

from __future__ import annotations

from typing import Any

from forum.languages import lazy_gettext as _l
from forum.models import Attachment
from forum.permissions.basics import Policy, Reason, moderates, signed_in
from forum.permissions.posts import POLICIES as POST_POLICIES


def _read_attachment(user: Any, attachment: Attachment) -> Reason | None:
    if attachment.is_removed:
        return _l("A moderator removed this attachment.")
    return POST_POLICIES["read_post"](user, attachment.post)


def _remove_attachment(user: Any, attachment: Attachment) -> Reason | None:
    if not signed_in(user):
        return _l("Log in to continue.")
    if not moderates(user, attachment.post.thread.board.network_id):
        return _l("Only the moderators of this network can remove its attachments.")
    if attachment.is_removed:
        return _l("This attachment was already removed.")
    return None


def _review_attachment(user: Any, attachment: Attachment) -> Reason | None:
    if not signed_in(user):
        return _l("Log in to continue.")
    if not moderates(user, attachment.post.thread.board.network_id):
        return _l("Only the moderators of this network can mark its reviewed resources.")
    if attachment.is_removed:
        return _l("This attachment was removed.")
    return None


POLICIES: dict[str, Policy] = {
    "read_attachment": _read_attachment,
    "remove_attachment": _remove_attachment,
    "review_attachment": _review_attachment,
}
