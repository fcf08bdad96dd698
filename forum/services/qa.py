"""Questions and answers: accepted answers, helpful votes, and questions routed to experts."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, bindparam, case, delete, select, union, update
from sqlalchemy.exc import IntegrityError

from forum import permissions
from forum.database import write_transaction
from forum.extensions import db
from forum.models import (
    AcceptedAnswer,
    Board,
    ExpertiseClaim,
    ExpertVerification,
    Post,
    Thread,
    ThreadKind,
    User,
    Vote,
)
from forum.services import notifications
from forum.services.browsing import Page, paginate, with_list_details


def accept(actor: User, post: Post) -> None:
    """Mark a reply as the question's answer, replacing any earlier choice."""
    permissions.require(actor, "accept_answer", post)
    thread = post.thread
    with write_transaction() as session:
        current = session.get(AcceptedAnswer, thread.id)
        if current is None:
            session.add(
                AcceptedAnswer(thread_id=thread.id, post_id=post.id, accepted_by_id=actor.id)
            )
        else:
            current.post_id, current.accepted_by_id = post.id, actor.id
        thread.is_answered = True
        notifications.on_accepted(session, actor, post)


def unaccept(actor: User, thread: Thread) -> None:
    permissions.require(actor, "manage_answer", thread)
    with write_transaction() as session:
        session.execute(delete(AcceptedAnswer).where(AcceptedAnswer.thread_id == thread.id))
        thread.is_answered = False


def vote(voter: User, post: Post) -> bool:
    """Count the member's helpful vote once; False when it was already counted."""
    permissions.require(voter, "vote", post)
    try:
        with write_transaction() as session:
            if session.get(Vote, (post.id, voter.id)) is not None:
                return False
            session.add(Vote(post_id=post.id, user_id=voter.id))
            session.flush()
            _count_vote(session, post, +1)
            notifications.on_vote(session, voter, post)
    except IntegrityError:  # the same member voting twice at the same moment
        return False
    return True


def unvote(voter: User, post: Post) -> bool:
    permissions.require(voter, "unvote", post)
    with write_transaction() as session:
        removed = session.execute(
            delete(Vote).where(Vote.post_id == post.id, Vote.user_id == voter.id)
        ).rowcount
        if removed:
            _count_vote(session, post, -1)
    return bool(removed)


def _count_vote(session, post: Post, change: int) -> None:  # noqa: ANN001
    session.execute(
        update(Post).where(Post.id == post.id).values(vote_count=Post.vote_count + change)
    )


# built once: every thread page a member reads asks it
_VOTES_BY = select(Vote.post_id).where(
    Vote.user_id == bindparam("user_id"), Vote.post_id.in_(bindparam("post_ids", expanding=True))
)


def votes_by(user: User, posts: Sequence[Post]) -> set[int]:
    """Which of these posts the member found helpful (one query, none for visitors)."""
    if not user.is_authenticated or not posts:
        return set()
    # plain rows: the connection's, without the session's ORM work
    found = db.session.connection().execute(
        _VOTES_BY, {"user_id": user.id, "post_ids": [p.id for p in posts]}
    )
    return set(found.scalars())


def unanswered_for(user: User) -> Select:
    """Open questions in boards of the member's themes: verified themes first, oldest first.

    A query, not a list: the routing of new questions to experts reuses it.
    """
    verified = select(ExpertVerification.theme_id).where(
        ExpertVerification.user_id == user.id, ExpertVerification.revoked_at.is_(None)
    )
    claimed = select(ExpertiseClaim.theme_id).where(ExpertiseClaim.user_id == user.id)
    return (
        select(Thread)
        .join(Board, Board.id == Thread.board_id)
        .where(
            Board.theme_id.in_(union(verified, claimed).scalar_subquery()),
            Thread.kind == ThreadKind.question,
            Thread.is_answered.is_(False),
            Thread.is_locked.is_(False),
            Thread.deleted_at.is_(None),
            Thread.author_id != user.id,
        )
        .order_by(case((Board.theme_id.in_(verified), 0), else_=1), Thread.created_at, Thread.id)
    )


def unanswered_page(user: User, page: int, per_page: int) -> Page:
    return paginate(with_list_details(unanswered_for(user)), page, per_page)
