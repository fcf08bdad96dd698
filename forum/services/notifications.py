"""Who hears about what: notifications are written in the event's own transaction and
delivered live once it commits (forum.realtime); nothing is lost if delivery fails.

Every function taking a session is called from inside a service's write transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import exists, false, insert, or_, select
from sqlalchemy.orm import Session

from forum.database import after_commit
from forum.mail import outbox
from forum.mail import settings as mail_settings
from forum.models import (
    Board,
    ExpertiseClaim,
    ExpertVerification,
    MailOutbox,
    NetworkMembership,
    Notification,
    NotificationKind,
    Post,
    Thread,
    ThreadKind,
    User,
    Watch,
)
from forum.models._time import utcnow

MENTION_LIMIT = 20  # a post naming 500 people notifies the first 20
Kind = NotificationKind
PRECEDENCE = {kind: rank for rank, kind in enumerate(NotificationKind)}


def on_reply(
    session: Session, actor: User, thread: Thread, post: Post, mentioned: Sequence[int]
) -> None:
    reasons: dict[int, Kind] = {}
    if thread.author_id:
        _add(reasons, [thread.author_id], Kind.reply_to_my_thread)
    _add(reasons, _watchers(session, thread_id=thread.id), Kind.reply_in_watched)
    muted = set(_watchers(session, thread_id=thread.id, watching=False))
    reasons = {user: kind for user, kind in reasons.items() if user not in muted}
    _add(reasons, mentioned[:MENTION_LIMIT], Kind.mention)
    _send(session, reasons, actor, thread, post)


def on_new_thread(
    session: Session, actor: User, thread: Thread, post: Post, mentioned: Sequence[int]
) -> None:
    board = thread.board
    reasons: dict[int, Kind] = {}
    if thread.kind == ThreadKind.question:
        _add(reasons, session.scalars(experts_for(board)), Kind.question_in_expertise)
    _add(reasons, _watchers(session, board_id=board.id), Kind.new_thread_watched)
    muted = set(_watchers(session, board_id=board.id, watching=False))
    reasons = {user: kind for user, kind in reasons.items() if user not in muted}
    _add(reasons, mentioned[:MENTION_LIMIT], Kind.mention)
    _send(session, reasons, actor, thread, post, data={"theme": board.theme.name})


def experts_for(board: Board):  # noqa: ANN201
    """Members who claim or are verified in the board's theme, within its network."""
    verified = exists().where(
        ExpertVerification.user_id == User.id,
        ExpertVerification.theme_id == board.theme_id,
        ExpertVerification.revoked_at.is_(None),
    )
    claimed = exists().where(
        ExpertiseClaim.user_id == User.id, ExpertiseClaim.theme_id == board.theme_id
    )
    in_network = or_(
        exists().where(
            NetworkMembership.user_id == User.id, NetworkMembership.network_id == board.network_id
        ),
        exists().where(
            ExpertVerification.user_id == User.id,
            ExpertVerification.network_id == board.network_id,
            ExpertVerification.revoked_at.is_(None),
        ),
    )
    return select(User.id).where(or_(verified, claimed), in_network)


def on_accepted(session: Session, actor: User, post: Post) -> None:
    _send(session, {post.author_id: Kind.answer_accepted}, actor, post.thread, post)


def on_vote(session: Session, voter: User, post: Post) -> None:
    """Votes on one reply gather in one unread notification with a count."""
    if voter.id == post.author_id or Kind.helpful_votes in _muted_kinds(
        session, [post.author_id]
    ).get(post.author_id, ()):
        return
    key = f"votes:{post.id}"
    current = session.scalar(
        select(Notification).where(
            Notification.recipient_id == post.author_id,
            Notification.group_key == key,
            Notification.read_at.is_(None),
        )
    )
    if current is None:
        _send(
            session,
            {post.author_id: Kind.helpful_votes},
            voter,
            post.thread,
            post,
            data={"count": 1},
            group_key=key,
        )
        return
    current.data = {**current.data, "count": current.data.get("count", 1) + 1}
    current.actor_id, current.created_at = voter.id, utcnow()
    _deliver_after_commit(session, [current])


def on_expertise(
    session: Session,
    actor: User | None,
    member_id: int,
    theme: str,
    network: str,
    *,
    verified: bool,
) -> None:
    kind = Kind.expertise_verified if verified else Kind.expertise_revoked
    _send(session, {member_id: kind}, actor, None, None, data={"theme": theme, "network": network})


def on_moderation(
    session: Session,
    actor: User,
    member_id: int,
    action: str,
    thread: Thread | None,
    post: Post | None,
    reason: str = "",
) -> None:
    """A moderator acted on the member's content (or on the member)."""
    _send(
        session,
        {member_id: Kind.moderation},
        actor,
        thread,
        post,
        data={"action": action, "reason": reason},
    )


def send_event_notice(
    session: Session,
    reasons: dict[int, Kind],
    actor: User | None,
    data: dict[str, Any],
) -> None:
    """An event's notice (forum.services.events_notices), with the event's id and title."""
    _send(session, reasons, actor, None, None, data=data, group_key=None)


def _add(reasons: dict[int, Kind], user_ids: Iterable[int], kind: Kind) -> None:
    for user_id in user_ids:
        if user_id not in reasons or PRECEDENCE[kind] < PRECEDENCE[reasons[user_id]]:
            reasons[user_id] = kind


def _watchers(
    session: Session,
    *,
    thread_id: int | None = None,
    board_id: int | None = None,
    watching: bool = True,
) -> list[int]:
    column = Watch.thread_id if thread_id is not None else Watch.board_id
    return list(
        session.scalars(
            select(Watch.user_id).where(
                column == (thread_id or board_id), Watch.watching.is_(watching)
            )
        )
    )


def _muted_kinds(session: Session, user_ids: Iterable[int]) -> dict[int, list[str]]:
    return dict(
        session.execute(select(User.id, User.muted_kinds).where(User.id.in_(list(user_ids)))).all()
    )


def _send(
    session: Session,
    reasons: dict[int, Kind],
    actor: User | None,
    thread: Thread | None,
    post: Post | None,
    *,
    data: dict[str, Any] | None = None,
    group_key: str | None = None,
) -> None:
    """One notification per member: never to the actor, never about what they cannot see."""
    if actor is not None:
        reasons.pop(actor.id, None)
    about_moderation = set(reasons.values()) == {Kind.moderation}
    gone = (thread is not None and thread.is_deleted) or (
        post is not None and (post.is_hidden or post.is_deleted)
    )
    if gone and not about_moderation:
        return
    recipients = _recipients(session, reasons, thread)
    created = [
        Notification(
            recipient_id=user_id,
            kind=kind,
            actor_id=actor.id if actor else None,
            thread_id=thread.id if thread else None,
            post_id=post.id if post else None,
            data=data or {},
            group_key=group_key,
        )
        for user_id, kind in reasons.items()
        if user_id in recipients and kind.value not in recipients[user_id].muted_kinds
    ]
    session.add_all(created)
    _deliver_after_commit(session, created)
    _mail_after_delay(session, created, recipients)


def _recipients(session: Session, reasons: dict[int, Kind], thread: Thread | None) -> dict:
    """Per member, in one query: muted kinds, mail choices, whether their address is
    confirmed and whether they are a verified expert of the thread's theme."""
    if not reasons:
        return {}
    if thread is not None and Kind.question_in_expertise in reasons.values():
        theme = select(Board.theme_id).where(Board.id == thread.board_id).scalar_subquery()
        verified = exists().where(
            ExpertVerification.user_id == User.id,
            ExpertVerification.theme_id == theme,
            ExpertVerification.revoked_at.is_(None),
        )
    else:
        verified = false()
    rows = session.execute(
        select(
            User.id,
            User.muted_kinds,
            User.mail_choices,
            User.email_confirmed_at.is_not(None).label("confirmed"),
            verified.label("verified"),
        ).where(User.id.in_(list(reasons)))
    )
    return {row.id: row for row in rows}


def _mail_after_delay(session: Session, created: list[Notification], recipients: dict) -> None:
    """A message for each notification its member wants at once, sent after MAIL_UNREAD_DELAY
    if still unread then (forum.mail.notification_letters); queued in this transaction, in
    one statement however many members (what outbox.queue does, for many rows)."""
    delay = current_app.config["MAIL_UNREAD_DELAY"]
    due_at = utcnow() + timedelta(seconds=delay)
    rows = []
    for notification in created:
        member = recipients[notification.recipient_id]
        wanted = mail_settings.choice(
            member.mail_choices, notification.kind.value, verified_expert=bool(member.verified)
        )
        if not member.confirmed or wanted != mail_settings.NOW:
            continue
        user_id, thread_id = notification.recipient_id, notification.thread_id
        rows.append(
            {
                "kind": "notification",
                "user_id": user_id,
                "data": {"notification_id": notification.id},
                "group_key": f"n{user_id}-t{thread_id}" if thread_id else None,
                "due_at": due_at,
            }
        )
    if not rows:
        return
    session.execute(insert(MailOutbox), rows)
    if delay <= 0:
        after_commit(outbox.send_due)


def _deliver_after_commit(session: Session, notifications: list[Notification]) -> None:
    if not notifications:
        return
    session.flush()
    ids = [n.id for n in notifications]

    def deliver_now() -> None:
        from forum.realtime import deliver

        deliver(ids)

    after_commit(deliver_now)
