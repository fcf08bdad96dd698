"""Lists read after a row (keyset pagination), for the API's cursors: a slice is the rows that
follow the last one a caller saw, in the list's order. A row added before the seam (a thread
started, a thread's new reply) neither repeats nor skips one there, as a page number would.
A row whose own place changes while a caller reads (a thread's latest activity, a post's
votes) can: it is met again, or not at all. NEWEST never moves.

The orders are the lists' own (the pages sort by them too), each ending in the id, so that
every row has a place of its own in them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, or_

from forum.extensions import db
from forum.models import Event, Institution, Notification, Post, Thread

Order = tuple[tuple[Any, bool], ...]  # (column, descending), the last one unique

THREADS: Order = ((Thread.last_activity_at, True), (Thread.id, True))
PINNED_FIRST: Order = ((Thread.is_pinned, True), *THREADS)  # one board's list
NEWEST: Order = ((Thread.id, True),)  # the threads started last first
POSTS: Order = ((Post.id, False),)
POSTS_BY_VOTES: Order = ((Post.is_opening, True), (Post.vote_count, True), (Post.id, False))
# newest first by when each was made: a notification read, or gathering more votes, stays put
NOTIFICATIONS: Order = ((Notification.id, True),)
COMING_EVENTS: Order = ((Event.starts_at, False), (Event.id, False))  # soonest first
PAST_EVENTS: Order = ((Event.starts_at, True), (Event.id, True))  # latest first
INSTITUTIONS: Order = ((Institution.name_key, False), (Institution.id, False))  # by name


@dataclass(frozen=True)
class Slice:
    items: list[Any]
    has_more: bool


def order_by(order: Order) -> list[ColumnElement]:
    return [column.desc() if descending else column.asc() for column, descending in order]


def key_of(row: Any, order: Order) -> list[Any]:
    """Where `row` stands in `order`: what a cursor holds to read on after it."""
    return [getattr(row, column.key) for column, _descending in order]


def after(order: Order, key: Sequence[Any]) -> ColumnElement[bool]:
    """The rows that come after `key` in `order`: past it on the first column, or level with
    it there and past it on the next, and so on."""
    condition = _past(*order[-1], key[-1])
    for (column, descending), value in zip(order[-2::-1], key[-2::-1], strict=True):
        condition = or_(_past(column, descending, value), and_(column == value, condition))
    return condition


def _past(column: Any, descending: bool, value: Any) -> ColumnElement[bool]:
    if isinstance(value, bool):  # SQLAlchemy takes no < or > with True and False
        return column.is_(not value) if value == descending else false()
    return column < value if descending else column > value


def read(
    query: Select, order: Order, key: Sequence[Any] | None, limit: int, *, plain_rows: bool = False
) -> Slice:
    """Up to `limit` rows of `query` after `key` (from the first when None), in `order`: its
    ORM entities, or with plain_rows its rows of columns."""
    if key is not None:
        query = query.where(after(order, key))
    query = query.order_by(*order_by(order)).limit(limit + 1)
    if plain_rows:
        rows = db.session.connection().execute(query).all()
    else:
        rows = db.session.scalars(query).unique().all()
    return Slice(list(rows[:limit]), has_more=len(rows) > limit)
