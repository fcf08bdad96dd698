"""What moderators do to threads and posts, and the reports that bring them there."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from forum import permissions
from forum.database import write_transaction
from forum.extensions import db
from forum.languages import lazy_gettext as _l
from forum.models import (
    Board,
    Post,
    Report,
    ReportReason,
    ReportStatus,
    Thread,
    User,
)
from forum.models._time import utcnow
from forum.services import ServiceError, notifications
from forum.services.audit import record

REASON_MAX = 1_000

# thread flag actions: (attribute, value)
THREAD_FLAGS = {
    "pin": ("is_pinned", True),
    "unpin": ("is_pinned", False),
    "lock": ("is_locked", True),
    "unlock": ("is_locked", False),
}


def on_the_record(
    session: Session,
    actor: User,
    action: str,
    content: Post | Thread,
    *,
    reason: str = "",
    before: dict | None = None,
    after: dict | None = None,
    network_id: int | None = None,
) -> None:
    """A moderator acted on a member's content: the author is told, the audit log keeps it."""
    thread = content if isinstance(content, Thread) else content.thread
    post = content if isinstance(content, Post) else None
    notifications.on_moderation(session, actor, content.author_id, action, thread, post, reason)
    record(
        session,
        actor,
        action,
        content,
        network_id=network_id or thread.board.network_id,
        label=thread.title,
        reason=reason,
        before=before,
        after=after,
    )


def clean_reason(reason: str, *, required: bool = True) -> str:
    reason = " ".join((reason or "").split())
    if required and not reason:
        raise ServiceError(_l("Give a reason: the member and the audit log will see it."), "reason")
    if len(reason) > REASON_MAX:
        raise ServiceError(_l("Keep the reason under %(n)d characters.", n=REASON_MAX), "reason")
    return reason


def set_thread_flag(actor: User, thread: Thread, action: str) -> None:
    """Pin, unpin, lock or unlock."""
    permissions.require(actor, "moderate", thread.board.network)
    attribute, value = THREAD_FLAGS[action]
    if getattr(thread, attribute) == value:
        return
    with write_transaction() as session:
        setattr(thread, attribute, value)
        record(
            session,
            actor,
            f"thread.{action}",
            thread,
            network_id=thread.board.network_id,
            label=thread.title,
        )


def move_thread(actor: User, thread: Thread, board: Board, reason: str = "") -> None:
    permissions.require(actor, "move_thread", (thread, board))
    reason = clean_reason(reason, required=False)
    if board.id == thread.board_id:
        return
    if board.is_archived:
        raise ServiceError(_l("That board is archived."), "board")
    before = {"board": f"{thread.board.network.slug}/{thread.board.theme.slug}"}
    with write_transaction() as session:
        thread.board_id = board.id
        # a report belongs to its post's network: the new one's moderators review it now
        session.execute(
            update(Report)
            .where(Report.post_id.in_(select(Post.id).where(Post.thread_id == thread.id)))
            .values(network_id=board.network_id)
        )
        on_the_record(
            session,
            actor,
            "thread.move",
            thread,
            reason=reason,
            before=before,
            after={"board": f"{board.network.slug}/{board.theme.slug}"},
            network_id=board.network_id,
        )
    thread.board = board


def delete_thread(actor: User, thread: Thread, reason: str) -> None:
    permissions.require(actor, "moderate", thread.board.network)
    reason = clean_reason(reason)
    with write_transaction() as session:
        thread.deleted_at, thread.deleted_by_id = utcnow(), actor.id
        on_the_record(session, actor, "thread.delete", thread, reason=reason)


def restore_thread(actor: User, thread: Thread) -> None:
    permissions.require(actor, "moderate", thread.board.network)
    with write_transaction() as session:
        thread.deleted_at = thread.deleted_by_id = None
        record(
            session,
            actor,
            "thread.restore",
            thread,
            network_id=thread.board.network_id,
            label=thread.title,
        )


def hide_post(actor: User, post: Post, reason: str) -> None:
    """Members see a placeholder; moderators still see the text, and why it is hidden."""
    network = post.thread.board.network
    permissions.require(actor, "moderate", network)
    reason = clean_reason(reason)
    with write_transaction() as session:
        _hide(session, actor, post, reason)


def _hide(session, actor: User, post: Post, reason: str) -> None:  # noqa: ANN001
    post.hidden_at, post.hidden_by_id, post.hidden_reason = utcnow(), actor.id, reason
    on_the_record(session, actor, "post.hide", post, reason=reason)
    recount_replies(session, post.thread)


def unhide_post(actor: User, post: Post) -> None:
    permissions.require(actor, "moderate", post.thread.board.network)
    with write_transaction() as session:
        before = {"reason": post.hidden_reason}
        post.hidden_at = post.hidden_by_id = None
        post.hidden_reason = ""
        on_the_record(session, actor, "post.unhide", post, before=before)
        recount_replies(session, post.thread)


def recount_replies(session: Session, thread: Thread) -> None:
    """The thread's reply count and last activity from the replies everyone can read, in the
    caller's transaction: a hidden or deleted reply counts for no one (its moderators see it
    on the page, not in the count)."""
    session.flush()
    visible = (Post.thread_id == thread.id, Post.deleted_at.is_(None), Post.hidden_at.is_(None))
    thread.reply_count = (
        session.scalar(select(func.count(Post.id)).where(*visible, Post.is_opening.is_(False))) or 0
    )
    latest = session.execute(
        select(Post.created_at, Post.author_id).where(*visible).order_by(Post.id.desc()).limit(1)
    ).first()
    if latest is None:  # nothing left to read: the thread's own start
        latest = (thread.created_at, thread.author_id)
    thread.last_activity_at, thread.last_poster_id = latest


def _thread_page_changes(session: Session, post: Post) -> None:
    """Reports are private, but an unsafe-advice report may put a caution on the thread's
    page, and its resolution take it off: that page is made again for visitors too."""
    session.execute(
        update(Thread)
        .where(Thread.id == post.thread_id)
        .values(page_version=Thread.page_version + 1)
    )


def report_post(reporter: User, post: Post, reason: ReportReason, details: str) -> Report:
    permissions.require(reporter, "report", post)
    details = clean_reason(details, required=reason == ReportReason.other)
    try:
        with write_transaction() as session:
            if session.scalar(
                select(Report.id).where(
                    Report.post_id == post.id, Report.reporter_id == reporter.id
                )
            ):
                raise ServiceError(_l("You have already reported this post."), "reason")
            report = Report(
                post_id=post.id,
                reporter_id=reporter.id,
                reason=reason,
                details=details,
                network_id=post.thread.board.network_id,
            )
            session.add(report)
            if reason == ReportReason.unsafe_advice:
                _thread_page_changes(session, post)
    except IntegrityError as error:  # the same report sent twice at once
        raise ServiceError(_l("You have already reported this post."), "reason") from error
    return report


def dismiss_report(actor: User, report: Report, note: str = "") -> None:
    _resolve(actor, report, ReportStatus.dismissed, "report.dismiss", note)


def hide_reported_post(actor: User, report: Report, reason: str) -> None:
    """Hide the post, and close every open report on it as acted upon."""
    reason = clean_reason(reason)
    _resolve(actor, report, ReportStatus.actioned, "report.hide_post", reason, hide=True)


def _resolve(
    actor: User, report: Report, status: ReportStatus, action: str, note: str, *, hide: bool = False
) -> None:
    post = report.post
    permissions.require(actor, "moderate", post.thread.board.network)
    note = clean_reason(note, required=False)
    with write_transaction() as session:
        if hide and not post.is_hidden:
            _hide(session, actor, post, note)
        targets = [Report.post_id == post.id] if hide else [Report.id == report.id]
        session.execute(
            update(Report)
            .where(*targets, Report.status == ReportStatus.open)
            .values(status=status, resolved_by_id=actor.id, resolved_at=utcnow())
        )
        _thread_page_changes(session, post)
        record(
            session,
            actor,
            action,
            report,
            network_id=report.network_id,
            label=post.thread.title,
            reason=note,
            after={"status": status.value, "report_reason": report.reason.value},
        )


def get_report(report_id: int) -> Report | None:
    return db.session.scalar(
        select(Report)
        .where(Report.id == report_id)
        .options(
            joinedload(Report.post).joinedload(Post.thread).joinedload(Thread.board),
            joinedload(Report.reporter),
        )
    )


def queue(network_id: int, status: ReportStatus, page: int, per_page: int):  # noqa: ANN201
    """A network's reports: unsafe advice first, then the oldest."""
    from forum.services.browsing import paginate

    unsafe_first = (Report.reason != ReportReason.unsafe_advice).asc()
    query = (
        select(Report)
        .where(Report.network_id == network_id, Report.status == status)
        .options(
            joinedload(Report.post).joinedload(Post.author),
            # the page reads each post through permissions "read_post"
            joinedload(Report.post).joinedload(Post.thread).joinedload(Thread.board),
            joinedload(Report.reporter),
        )
        .order_by(unsafe_first, Report.created_at, Report.id)
    )
    return paginate(query, page, per_page)


def open_report_count(network_ids: frozenset[int]) -> int:
    if not network_ids:
        return 0
    return (
        db.session.scalar(
            select(func.count(Report.id)).where(
                Report.network_id.in_(network_ids), Report.status == ReportStatus.open
            )
        )
        or 0
    )
