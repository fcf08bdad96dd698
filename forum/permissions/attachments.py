"""Attachments: a file is read by whoever may read its post (a hidden post's by its
network's moderators), and by no one once a moderator took it off the post."""

from __future__ import annotations

from typing import Any

from forum.languages import lazy_gettext as _l
from forum.models import Attachment
from forum.permissions.basics import Policy, Reason
from forum.permissions.posts import POLICIES as POST_POLICIES


def _read_attachment(user: Any, attachment: Attachment) -> Reason | None:
    if attachment.is_removed:
        return _l("A moderator removed this attachment.")
    return POST_POLICIES["read_post"](user, attachment.post)


POLICIES: dict[str, Policy] = {
    "read_attachment": _read_attachment,
}
