"""What a thread page shows, gathered before it is rendered: its posts, the accepted answer,
the authors' expertise, what the reader may do with each post and their watch of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, distinct, func, select

from forum import permissions
from forum.extensions import db
from forum.models import ExpertVerification, Post, Report, ReportReason, ReportStatus, Thread
from forum.services import browsing, experts, inbox, qa
from forum.services.browsing import Page
from forum.services.experts import Expertise


@dataclass(frozen=True)
class ThreadPage:
    thread: Thread
    posts: Page
    accepted: Post | None
    actions: dict[int, permissions.PostActions]  # by post id
    expertise: dict[int, list[Expertise]]  # by author id
    watch_state: str  # "watch", "mute" or "none"
    by_votes: bool
    # the accepted answer shown apart under the question: only when other replies follow
    feature_accepted: bool
    cautioned: frozenset[int]  # posts reported as unsafe, awaiting a moderator


# a caution on a post: open unsafe-advice reports by this many members, or by one verified
# expert in the thread's theme
CAUTION_REPORTS = 3


def thread_page(
    reader: Any, thread: Thread, page: int | None, per_page: int, by_votes: bool
) -> ThreadPage:
    """A page of the thread's posts as `reader` sees it (page None: the last); a page past
    the end is a PageOutOfRange (404)."""
    posts = browsing.thread_posts(thread, page, per_page, by_votes)
    return _shown(reader, thread, posts, by_votes, inbox.thread_watch(reader, thread.id))


def one_post(reader: Any, thread: Thread, post: Post) -> ThreadPage:
    """One post as `reader` sees it on its thread's page, with what the page shows beside it:
    a live thread adds a new reply to an open page (views.threads.post_fragment)."""
    return _shown(reader, thread, Page([post], 1, 1, 1), by_votes=False, watch_state="none")


def _shown(
    reader: Any, thread: Thread, posts: Page, by_votes: bool, watch_state: str
) -> ThreadPage:
    accepted = qa.accepted_post(thread)
    authors = {post.author_id for post in posts.items}
    if accepted is not None:
        authors.add(accepted.author_id)
    my_votes = qa.votes_by(reader, posts.items)
    actions = {
        post.id: permissions.post_actions(post, thread, accepted, my_votes) for post in posts.items
    }
    return ThreadPage(
        thread=thread,
        posts=posts,
        accepted=accepted,
        actions=actions,
        expertise=experts.expertise_of(sorted(authors), thread.board.theme_id),
        watch_state=watch_state,
        by_votes=by_votes,
        feature_accepted=accepted is not None and thread.reply_count > 1,
        cautioned=reported_unsafe([post.id for post in posts.items], thread.board.theme_id),
    )


def reported_unsafe(post_ids: list[int], theme_id: int) -> frozenset[int]:
    """Which of these posts carry open unsafe-advice reports from CAUTION_REPORTS members or
    from an expert verified in the theme (in any network): one query for the page."""
    if not post_ids:
        return frozenset()
    expert = and_(
        ExpertVerification.user_id == Report.reporter_id,
        ExpertVerification.theme_id == theme_id,
        ExpertVerification.revoked_at.is_(None),
    )
    rows = db.session.execute(
        select(Report.post_id)
        .outerjoin(ExpertVerification, expert)
        .where(
            Report.post_id.in_(post_ids),
            Report.status == ReportStatus.open,
            Report.reason == ReportReason.unsafe_advice,
        )
        .group_by(Report.post_id)
        .having(
            (func.count(distinct(Report.reporter_id)) >= CAUTION_REPORTS)
            | (func.count(ExpertVerification.user_id) > 0)
        )
    )
    return frozenset(rows.scalars())
