"""A member's inbox: what notifications say, reading and marking them, settings, watches."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Select, bindparam, func, select, update
from sqlalchemy.orm import Session, joinedload

from forum import permissions
from forum.database import write_transaction
from forum.extensions import db
from forum.languages import isolate
from forum.languages import lazy_gettext as _l
from forum.models import (
    Board,
    Notification,
    NotificationKind,
    Thread,
    User,
    Watch,
)
from forum.models._time import utcnow
from forum.services import slices
from forum.services.browsing import Page, paginate_built

Kind = NotificationKind

# --- showing ---------------------------------------------------------------------------

MODERATION_ACTIONS = {
    "post.hide": _l("A moderator hid your post in “%(title)s”. Reason: %(reason)s"),
    "post.unhide": _l("A moderator made your post in “%(title)s” visible again."),
    "post.edit": _l("A moderator edited your post in “%(title)s”."),
    "post.delete": _l("A moderator deleted your post in “%(title)s”."),
    "thread.delete": _l("A moderator deleted your thread “%(title)s”. Reason: %(reason)s"),
    "thread.move": _l("A moderator moved your thread “%(title)s”."),
    "user.suspension": _l("A moderator suspended you from posting. Reason: %(reason)s"),
}

# the other kinds: the sentence only, said with the actor, the title and the notification's data
SENTENCES = {
    Kind.mention: _l("%(actor)s mentioned you in “%(title)s”"),
    Kind.reply_to_my_thread: _l("%(actor)s replied to your thread “%(title)s”"),
    Kind.reply_in_watched: _l("%(actor)s replied in “%(title)s”"),
    Kind.new_thread_watched: _l("%(actor)s started “%(title)s” in a board you watch"),
    Kind.question_in_expertise: _l("New question in %(theme)s: “%(title)s”"),
    Kind.answer_accepted: _l("%(actor)s accepted your answer in “%(title)s”"),
}


EVENT_SENTENCES = {
    "new": _l("New event: “%(event)s”"),
    "place": _l("A place freed up: you are now registered for “%(event)s”"),
    "changed": _l("“%(event)s” has changed: check its time and place"),
    "cancelled": _l("“%(event)s” is cancelled"),
    "reminder": _l("Reminder: “%(event)s” starts tomorrow"),
}


def describe(notification: Notification) -> tuple[str, str]:
    """The sentence a member reads, and where following it leads."""
    return sentence(notification), destination(notification)


def sentence(notification: Notification) -> str:
    actor = isolate(notification.actor.username) if notification.actor else _("The forum")
    title = isolate(notification.thread.title) if notification.thread else ""
    data, kind = notification.data or {}, notification.kind
    # theme and network names are stored in English: the seed's are in the catalogues
    data = {key: _(value) if key in ("theme", "network") and value else value
            for key, value in data.items()}  # fmt: skip
    if kind == Kind.helpful_votes:
        text = ngettext(
            "%(num)s member found your reply in “%(title)s” helpful",
            "%(num)s members found your reply in “%(title)s” helpful",
            data.get("count", 1),
            title=title,
        )
    elif kind in (Kind.expertise_verified, Kind.expertise_revoked):
        text = (
            _("%(actor)s verified your expertise in %(theme)s (%(network)s).", actor=actor, **data)
            if kind == Kind.expertise_verified
            else _("Your verification in %(theme)s (%(network)s) was revoked.", **data)
        )
    elif kind == Kind.event:
        text = str(EVENT_SENTENCES.get(data.get("what", ""), EVENT_SENTENCES["changed"])) % {
            "event": isolate(data.get("event", ""))
        }
    elif kind == Kind.moderation:
        template = MODERATION_ACTIONS.get(
            data.get("action", ""), _l("A moderator acted on your content.")
        )
        text = str(template) % {"title": title, "reason": data.get("reason", "")}
    else:
        text = str(SENTENCES[kind]) % {"theme": "", **data, "actor": actor, "title": title}
    return text


def destination(notification: Notification) -> str:
    if notification.post_id:
        return url_for("threads.permalink", post_id=notification.post_id)
    if notification.thread_id:
        return url_for("threads.show", thread_id=notification.thread_id)
    if notification.kind == Kind.event and notification.data.get("event_id"):
        return url_for("events.page", event_id=notification.data["event_id"])
    return url_for("profiles.show", username=notification.recipient_username)


# --- reading and marking ---------------------------------------------------------------


# Built once, like standing._STANDING (which reads the count for page headers itself)
_UNREAD_COUNT = select(func.count(Notification.id)).where(
    Notification.recipient_id == bindparam("user_id"), Notification.read_at.is_(None)
)


def unread_count(user_id: int) -> int:
    return db.session.scalar(_UNREAD_COUNT, {"user_id": user_id}) or 0


# what a notification's sentence and address read: loaded with it
_SHOWN_WITH = (
    joinedload(Notification.actor),
    joinedload(Notification.thread),
    joinedload(Notification.recipient),
)
# built once, like _UNREAD_COUNT; the order is ix_notifications_listing's: a page is read from it
_INBOX_SIZE = select(func.count(Notification.id)).where(
    Notification.recipient_id == bindparam("user_id")
)
_INBOX_PAGE = (
    select(Notification)
    .where(Notification.recipient_id == bindparam("user_id"))
    .options(*_SHOWN_WITH)
    .order_by(
        Notification.read_at.is_not(None),
        Notification.created_at.desc(),
        Notification.id.desc(),
    )
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)


def listing(user_id: int, page: int, per_page: int) -> Page:
    """Unread first, then newest first."""
    return paginate_built(_INBOX_SIZE, _INBOX_PAGE, {"user_id": user_id}, page, per_page)


def newest_after(
    user_id: int, unread_only: bool, after: Sequence[int] | None, limit: int
) -> slices.Slice:
    """The API's list: newest first, read on after the last one sent."""
    query = select(Notification).where(Notification.recipient_id == user_id).options(*_SHOWN_WITH)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return slices.read(query, slices.NOTIFICATIONS, after, limit)


def load(ids: Sequence[int]) -> Sequence[Notification]:
    return db.session.scalars(
        select(Notification).where(Notification.id.in_(ids)).options(*_SHOWN_WITH)
    ).all()


def get_own(user: User, notification_id: int) -> Notification | None:
    """A member's own notification; anyone else's is as good as missing."""
    return db.session.scalar(
        select(Notification).where(
            Notification.id == notification_id, Notification.recipient_id == user.id
        )
    )


def mark_read(user: User, notification_ids: Sequence[int] | None = None) -> int:
    """Mark some (or, None, all) of the member's notifications read.

    Read first: a write transaction (a write lock on SQLite) only when one of them is unread,
    since a socket can ask this again and again of what is read already, or not theirs.
    """
    unread = [Notification.recipient_id == user.id, Notification.read_at.is_(None)]
    if notification_ids is not None:
        unread.append(Notification.id.in_(notification_ids))
    if db.session.scalar(select(Notification.id).where(*unread).limit(1)) is None:
        return 0
    with write_transaction() as session:
        query = update(Notification).where(*unread).values(read_at=utcnow())
        return session.execute(query).rowcount


def set_muted_kinds(user: User, muted: Iterable[str]) -> None:
    known = {kind.value for kind in NotificationKind}
    with write_transaction():
        user.muted_kinds = sorted(set(muted) & known)


def set_watch(
    user: User, *, thread: Thread | None = None, board: Board | None = None, state: str
) -> None:
    """state: "watch", "mute" or "none"."""
    if state == "watch":
        permissions.require(user, "watch", thread if thread is not None else board)
    with write_transaction() as session:
        _set_watch(session, user.id, thread=thread, board=board, state=state)


def watch_if_new(session: Session, user_id: int, thread: Thread) -> None:
    """Start watching a thread one takes part in, unless one has muted it."""
    if (
        session.scalar(
            select(Watch.id).where(Watch.user_id == user_id, Watch.thread_id == thread.id)
        )
        is None
    ):
        session.add(Watch(user_id=user_id, thread_id=thread.id, watching=True))


def _set_watch(
    session: Session, user_id: int, *, thread: Thread | None, board: Board | None, state: str
) -> None:
    column, target = (Watch.thread_id, thread) if thread is not None else (Watch.board_id, board)
    current = session.scalar(select(Watch).where(Watch.user_id == user_id, column == target.id))
    if state == "none":
        if current is not None:
            session.delete(current)
        return
    if current is None:
        current = Watch(
            user_id=user_id,
            thread_id=thread.id if thread else None,
            board_id=board.id if board else None,
        )
        session.add(current)
    current.watching = state == "watch"


# built once, like _UNREAD_COUNT: every thread and board page a member reads asks
_THREAD_WATCH = select(Watch.watching).where(
    Watch.user_id == bindparam("user_id"), Watch.thread_id == bindparam("thread_id")
)
_BOARD_WATCH = select(Watch.watching).where(
    Watch.user_id == bindparam("user_id"), Watch.board_id == bindparam("board_id")
)


def thread_watch(user: User, thread_id: int) -> str:
    """The member's watch of a thread: "watch", "mute" or "none"."""
    return _watch(user, _THREAD_WATCH, thread_id=thread_id)


def board_watch(user: User, board_id: int) -> str:
    """The member's watch of a board: "watch", "mute" or "none"."""
    return _watch(user, _BOARD_WATCH, board_id=board_id)


def _watch(user: User, statement: Select, **target: object) -> str:
    if not user.is_authenticated:
        return "none"
    watching = db.session.scalar(statement, {"user_id": user.id, **target})
    return "none" if watching is None else ("watch" if watching else "mute")
