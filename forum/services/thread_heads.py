"""A thread as its page shows it, with its board, network and theme: plain data read in one
query, not four ORM objects (the ORM's work was a twelfth of a page made afresh). They have
the attributes the thread page, its template and the permissions read of a Thread, Board,
Network and Theme, and borrow those models' own properties (names in the reader's language,
is_deleted), so that each is still written once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select

from forum.extensions import db
from forum.models import Board, ControlLevel, Network, Theme, Thread, ThreadKind


@dataclass(frozen=True, slots=True)
class NetworkHead:
    id: int
    slug: str
    short_name: str

    display_short_name = Network.display_short_name


@dataclass(frozen=True, slots=True)
class ThemeHead:
    id: int
    slug: str
    name: str

    display_name = Theme.display_name


@dataclass(frozen=True, slots=True)
class BoardHead:
    id: int
    network_id: int
    theme_id: int
    custom_name: str
    is_archived: bool
    network: NetworkHead
    theme: ThemeHead

    name = Board.name


@dataclass(frozen=True, slots=True)
class ThreadHead:
    id: int
    board_id: int
    author_id: int
    kind: ThreadKind
    title: str
    reply_count: int
    is_pinned: bool
    is_locked: bool
    is_answered: bool
    deleted_at: datetime | None
    practice_country: str | None
    practice_sector: str | None
    practice_control: ControlLevel | None
    board: BoardHead

    is_deleted = Thread.is_deleted


# what a thread's page is made from: its head, or the Thread a reply refused is re-shown with
AnyThread = Thread | ThreadHead

_THREAD_FIELDS = (
    Thread.id,
    Thread.board_id,
    Thread.author_id,
    Thread.kind,
    Thread.title,
    Thread.reply_count,
    Thread.is_pinned,
    Thread.is_locked,
    Thread.is_answered,
    Thread.deleted_at,
    Thread.practice_country,
    Thread.practice_sector,
    Thread.practice_control,
)
_BOARD_FIELDS = (Board.id, Board.network_id, Board.theme_id, Board.custom_name, Board.is_archived)
_NETWORK_FIELDS = (Network.id, Network.slug, Network.short_name)
_THEME_FIELDS = (Theme.id, Theme.slug, Theme.name)
# built once: every thread page made afresh reads it
_HEAD = (
    select(*_THREAD_FIELDS, *_BOARD_FIELDS, *_NETWORK_FIELDS, *_THEME_FIELDS)
    .join(Board, Board.id == Thread.board_id)
    .join(Network, Network.id == Board.network_id)
    .join(Theme, Theme.id == Board.theme_id)
    .where(Thread.id == bindparam("thread_id"))
)
_ENDS = (
    len(_THREAD_FIELDS),
    len(_THREAD_FIELDS) + len(_BOARD_FIELDS),
    len(_THREAD_FIELDS) + len(_BOARD_FIELDS) + len(_NETWORK_FIELDS),
)


def head(thread_id: int) -> ThreadHead | None:
    """The thread, deleted or not (who may see it is the caller's to ask)."""
    # plain rows: the connection's, without the session's ORM work
    row = db.session.connection().execute(_HEAD, {"thread_id": thread_id}).first()
    if row is None:
        return None
    thread_end, board_end, network_end = _ENDS
    board = BoardHead(
        *row[thread_end:board_end],
        network=NetworkHead(*row[board_end:network_end]),
        theme=ThemeHead(*row[network_end:]),
    )
    return ThreadHead(*row[:thread_end], board=board)
