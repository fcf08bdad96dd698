"""What a thread page shows, gathered before it is rendered: its posts, the accepted answer,
the authors' expertise, what the reader may do with each post and their watch of it; each
post as a card of plain data (forum/services/post_cards.py) that the template only places."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import and_, bindparam, distinct, func, select

from forum.extensions import db
from forum.models import ExpertVerification, Report, ReportReason, ReportStatus
from forum.services import (
    attachment_pages,
    experts,
    inbox,
    qa,
    slices,
    thread_posts,
    topics,
)
from forum.services.browsing import Page
from forum.services.post_cards import PostCard, PostCards
from forum.services.thread_heads import AnyThread
from forum.services.thread_posts import ThreadPost
from forum.vocabulary import Concept


@dataclass(frozen=True)
class ThreadPage:
    thread: AnyThread
    posts: Page
    cards: list[PostCard]  # the page's posts, in its order
    accepted: PostCard | None
    watch_state: str  # "watch", "mute" or "none"
    by_votes: bool
    # the accepted answer shown apart under the question: only when other replies follow
    feature_accepted: bool
    topics: list[Concept] = field(default_factory=list)  # the vocabulary's, its author chose


# a caution on a post: open unsafe-advice reports by this many members, or by one verified
# expert in the thread's theme
CAUTION_REPORTS = 3


def thread_page(
    reader: Any, thread: AnyThread, page: int | None, per_page: int, by_votes: bool
) -> ThreadPage:
    """A page of the thread's posts as `reader` sees it (page None: the last); a page past
    the end is a PageOutOfRange (404)."""
    posts = thread_posts.page_of(thread, page, per_page, by_votes)
    shown = _shown(reader, thread, posts, by_votes, inbox.thread_watch(reader, thread.id))
    return replace(shown, topics=topics.concepts_of(topics.of_thread(thread.id)))


def posts_after(
    reader: Any, thread: AnyThread, order: slices.Order, key: Sequence[Any] | None, limit: int
) -> tuple[ThreadPage, slices.Slice]:
    """The API's posts of a thread in `order` (slices.POSTS or POSTS_BY_VOTES) as `reader`
    sees them, after a cursor's post; and the slice they were read in (whether more follow)."""
    found = thread_posts.after(thread, order, key, limit)
    posts = Page(found.items, 1, limit, len(found.items))
    by_votes = order == slices.POSTS_BY_VOTES
    return _shown(reader, thread, posts, by_votes, watch_state="none"), found


def one_post(reader: Any, thread: AnyThread, post_id: int) -> ThreadPage | None:
    """One post as `reader` sees it on its thread's page (None: not in that thread): a live
    thread adds a new reply to an open page (views.threads.post_fragment)."""
    post = thread_posts.one(thread, post_id)
    if post is None:
        return None
    return _shown(reader, thread, Page([post], 1, 1, 1), by_votes=False, watch_state="none")


def _shown(
    reader: Any, thread: AnyThread, posts: Page, by_votes: bool, watch_state: str
) -> ThreadPage:
    cards = post_cards(reader, thread, posts.items, thread_posts.accepted(thread))
    accepted = cards.accepted
    return ThreadPage(
        thread=thread,
        posts=posts,
        cards=[cards.card(post) for post in posts.items],
        accepted=cards.card(accepted) if accepted is not None else None,
        watch_state=watch_state,
        by_votes=by_votes,
        feature_accepted=accepted is not None and thread.reply_count > 1,
    )


def post_cards(
    reader: Any, thread: AnyThread, posts: list[ThreadPost], accepted: ThreadPost | None
) -> PostCards:
    """What makes the cards of these posts of `thread` (and of its accepted answer): the
    reader's votes, and for the posts that have them, their authors' expertise, their
    cautions and their attachments, each read in one query for the page. The one way a post
    of a thread is shown, a whole page of them or a single new reply."""
    shown = [*posts, accepted] if accepted is not None else list(posts)
    theme_id = thread.board.theme_id
    experts_shown = sorted({post.author_id for post in shown if post.author_has_expertise})
    return PostCards(
        reader,
        thread,
        accepted=accepted,
        my_votes=qa.votes_by(reader, posts),
        expertise=experts.expertise_of(experts_shown, theme_id),
        cautioned=reported_unsafe([post.id for post in shown if post.reported_unsafe], theme_id),
        attachments=attachment_pages.cards_for(post.id for post in shown if post.has_files),
    )


def reported_unsafe(post_ids: list[int], theme_id: int) -> frozenset[int]:
    """Which of these posts carry open unsafe-advice reports from CAUTION_REPORTS members or
    from an expert verified in the theme (in any network): one query for the page."""
    if not post_ids:
        return frozenset()
    # plain rows: the connection's, without the session's ORM work
    rows = db.session.connection().execute(
        _REPORTED_UNSAFE, {"post_ids": post_ids, "theme_id": theme_id}
    )
    return frozenset(rows.scalars())


# built once: every thread page asks it
_REPORTED_UNSAFE = (
    select(Report.post_id)
    .outerjoin(
        ExpertVerification,
        and_(
            ExpertVerification.user_id == Report.reporter_id,
            ExpertVerification.theme_id == bindparam("theme_id"),
            ExpertVerification.revoked_at.is_(None),
        ),
    )
    .where(
        Report.post_id.in_(bindparam("post_ids", expanding=True)),
        Report.status == ReportStatus.open,
        Report.reason == ReportReason.unsafe_advice,
    )
    .group_by(Report.post_id)
    .having(
        (func.count(distinct(Report.reporter_id)) >= CAUTION_REPORTS)
        | (func.count(ExpertVerification.user_id) > 0)
    )
)
