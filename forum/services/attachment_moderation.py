"""Moderators and attachments: taking one off its post, marking one a reviewed resource.

A removed attachment keeps its row (who removed it, when: the thread can say so) and so its
StoredFile row, which that row names; when no attachment still on a post uses the file, its
content goes: the bytes and thumbnail from the storage after the commit, the extracted text
in the same transaction. `forum clean-uploads` removes the rows no attachment names any more.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum import permissions
from forum.attachments import storage
from forum.database import after_commit, write_transaction
from forum.languages import lazy_gettext as _l
from forum.models import Attachment, StoredFile, TextState, User
from forum.models._time import utcnow
from forum.services import audit_sentences
from forum.services.audit import record
from forum.services.audit_sentences import bdi
from forum.services.moderation import clean_reason, on_the_record


def remove_attachment(moderator: User, attachment: Attachment, reason: str) -> None:
    """Take the attachment off its post, for the record; its file goes if no post uses it."""
    permissions.require(moderator, "remove_attachment", attachment)
    reason = clean_reason(reason)
    with write_transaction() as session:
        attachment.removed_at, attachment.removed_by_id = utcnow(), moderator.id
        on_the_record(
            session,
            moderator,
            "attachment.remove",
            attachment.post,
            reason=reason,
            after={"attachment": attachment.id, "name": attachment.name},
        )
        session.flush()
        if not still_used(session, attachment.file_sha256):
            _forget_text(attachment.file)
            after_commit(ForgetBytes(attachment.file_sha256))


def mark_reviewed(moderator: User, attachment: Attachment) -> None:
    """A moderator vouches for the document: listed first, with the date of the review."""
    _set_reviewed(moderator, attachment, reviewed=True)


def unmark_reviewed(moderator: User, attachment: Attachment) -> None:
    _set_reviewed(moderator, attachment, reviewed=False)


def _set_reviewed(moderator: User, attachment: Attachment, *, reviewed: bool) -> None:
    permissions.require(moderator, "review_attachment", attachment)
    with write_transaction() as session:
        # marked again: the date of this review, the latest
        attachment.reviewed_at = utcnow() if reviewed else None
        attachment.reviewed_by_id = moderator.id if reviewed else None
        record(
            session,
            moderator,
            "attachment.review" if reviewed else "attachment.unreview",
            attachment.post,
            network_id=attachment.post.thread.board.network_id,
            label=attachment.post.thread.title,
            after={"attachment": attachment.id, "name": attachment.name},
        )


def lock_file(session: Session, sha256: str) -> None:
    session.execute(select(StoredFile.sha256).where(StoredFile.sha256 == sha256).with_for_update())


def still_used(session: Session, sha256: str) -> bool:
    return (
        session.scalar(
            select(Attachment.id)
            .where(Attachment.file_sha256 == sha256, Attachment.removed_at.is_(None))
            .limit(1)
        )
        is not None
    )


def _forget_text(stored: StoredFile) -> None:
    """What was read out of the file goes with it (it may be why it was removed)."""
    stored.text = ""
    stored.text_state = TextState.none
    stored.has_thumbnail = False


class ForgetBytes:
    """After the commit: the file's bytes and thumbnail leave the storage, unless a post took
    the file up again meanwhile (asked again now, after the commit)."""

    def __init__(self, sha256: str) -> None:
        self.sha256 = sha256

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ForgetBytes) and other.sha256 == self.sha256

    def __hash__(self) -> int:
        return hash(self.sha256)

    def __call__(self) -> None:
        with write_transaction() as session:
            # under the file's row lock: a post attaching it again waits, then keeps the bytes
            # again (services/attachments.attach); or it went first, and the file stays
            lock_file(session, self.sha256)
            if still_used(session, self.sha256):
                return
            files = storage.current()
            files.delete(self.sha256)
            files.delete(storage.thumbnail_key(self.sha256))


# How these entries read in the audit log (forum.services.audit_sentences): the attachment's
# name as it was, the post's author and thread as that module finds them for the page.
audit_sentences.SENTENCES.update(
    {
        "attachment.remove": lambda v: _l(
            "%(actor)s removed the attachment %(name)s from a post by %(author)s in %(thread)s.",
            actor=v.actor,
            name=bdi((v.entry.after or {}).get("name", "")),
            author=v.author,
            thread=v.thread,
        ),
        "attachment.review": lambda v: _l(
            "%(actor)s marked %(name)s in %(thread)s as a reviewed resource.",
            actor=v.actor,
            name=bdi((v.entry.after or {}).get("name", "")),
            thread=v.thread,
        ),
        "attachment.unreview": lambda v: _l(
            "%(actor)s withdrew the review of %(name)s in %(thread)s.",
            actor=v.actor,
            name=bdi((v.entry.after or {}).get("name", "")),
            thread=v.thread,
        ),
    }
)
