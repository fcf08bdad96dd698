"""What the home page shows, gathered before it is rendered: recent activity across every
network (newest questions, fresh good practices, open questions in the reader's language
first), then each network with only the boards that have threads.

Four queries whatever the forum holds: the threads of every activity list in one statement
and their rows in one more, then the boards and their thread counts.
The page is kept for visitors under the "lists" and "site" versions (forum.page_cache):
every thread, post and answer moves the lists; names, boards and networks move the site.
So it shows dates, never "3 minutes ago", which would go stale in a kept page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, and_, literal, select, union_all
from sqlalchemy.orm import joinedload

from forum.extensions import db
from forum.models import Board, Network, Post, Thread, ThreadKind
from forum.services import browsing
from forum.services.browsing import BoardStats

ROWS_PER_LIST = 4


@dataclass(frozen=True)
class RecentActivity:
    questions: Sequence[Thread]  # newest first
    practices: Sequence[Thread]  # newest first
    unanswered: Sequence[Thread]  # no accepted answer: the reader's language first, then newest


@dataclass(frozen=True)
class NetworkSummary:
    network: Network
    boards: list[Board]  # those with threads, in the network's order
    more_boards: int  # the empty ones, listed on the network's page


@dataclass(frozen=True)
class HomePage:
    activity: RecentActivity
    networks: list[NetworkSummary]
    stats: dict[int, BoardStats]


def home_page(language: str) -> HomePage:
    overviews = browsing.networks_with_boards()
    ids = [board.id for overview in overviews for board in overview.boards]
    stats = browsing.board_stats(ids, with_latest=False)  # the activity shows what is new
    networks = []
    for overview in overviews:
        shown = [board for board in overview.boards if _has_threads(stats.get(board.id))]
        networks.append(NetworkSummary(overview.network, shown, len(overview.boards) - len(shown)))
    return HomePage(recent_activity(language), networks, stats)


def _has_threads(stats: BoardStats | None) -> bool:
    return stats is not None and stats.thread_count > 0


def recent_activity(language: str, rows: int = ROWS_PER_LIST) -> RecentActivity:
    """What anyone may read: threads not deleted whose opening post is neither deleted nor
    hidden. Open questions only where they can still be answered: not locked, and not in an
    archived board (permissions: an archived board takes no replies)."""
    questions = _newest(Thread.kind == ThreadKind.question)
    practices = _newest(Thread.kind == ThreadKind.good_practice)
    open_questions = and_(
        Thread.kind == ThreadKind.question,
        Thread.is_answered.is_(False),
        Thread.is_locked.is_(False),
        Thread.board_id.in_(select(Board.id).where(Board.is_archived.is_(False))),
    )
    statements = (
        questions,
        practices,
        _newest(open_questions, Post.language == language),
        _newest(open_questions),
    )
    chosen = union_all(
        *(_numbered(number, statement.limit(rows)) for number, statement in enumerate(statements))
    )
    ids: list[list[int]] = [[] for _ in statements]
    for number, thread_id in db.session.execute(chosen):
        ids[number].append(thread_id)
    threads = _threads_by_id({thread_id for found in ids for thread_id in found})

    def listed(number: int) -> list[Thread]:
        # a UNION keeps no order of its own: each list is sorted again here
        found = (threads[thread_id] for thread_id in ids[number] if thread_id in threads)
        return sorted(found, key=lambda thread: (thread.created_at, thread.id), reverse=True)

    newest_questions, newest_practices, in_language, any_language = map(listed, range(4))
    unanswered = in_language + [t for t in any_language if t not in in_language]
    return RecentActivity(newest_questions, newest_practices, unanswered[:rows])


def _numbered(number: int, statement: Select) -> Select:
    """Which list a row of the UNION belongs to, and its thread's id."""
    listed = statement.subquery()
    return select(literal(number).label("list"), listed.c.id)


def _newest(*conditions: object) -> Select:
    """Thread ids, newest first (ix_threads_kind_created), that anyone may read."""
    return (
        select(Thread.id)
        .join(Post, and_(Post.thread_id == Thread.id, Post.is_opening.is_(True)))
        .where(
            *conditions,
            Thread.deleted_at.is_(None),
            Post.deleted_at.is_(None),
            Post.hidden_at.is_(None),
        )
        .order_by(Thread.created_at.desc(), Thread.id.desc())
    )


def _threads_by_id(ids: set[int]) -> dict[int, Thread]:
    if not ids:
        return {}
    found = db.session.scalars(
        select(Thread)
        .where(Thread.id.in_(ids))
        .options(joinedload(Thread.author), joinedload(Thread.board))
    ).unique()
    return {thread.id: thread for thread in found}
