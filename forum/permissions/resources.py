"""The resource library: who may take an attachment off its post, and who may mark one a
reviewed resource. The network's moderators and administrators only."""

from __future__ import annotations

from typing import Any

from forum.languages import lazy_gettext as _l
from forum.models import Attachment
from forum.permissions.basics import Policy, Reason, moderates, signed_in


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
    "remove_attachment": _remove_attachment,
    "review_attachment": _review_attachment,
}
