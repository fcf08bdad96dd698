"""The version numbers kept pages are checked against, and raising them as things change.

Every commit notes what it changed (`_note_flushed_changes`, `_note_statement_changes`) and,
last in its transaction, raises the numbers that follow it (`_raise_versions`): a row of a
thread (the thread, its posts, votes, revisions, accepted answer, attachments) raises that
thread's and its board's page_version and the lists' row; any other row the module cannot
place raises the site's row, which every page shows, so nothing is ever stale. What no page
but its owner's shows (PRIVATE_TABLES, PRIVATE_USER_COLUMNS) raises nothing, and neither
does a new member: they are on no page until they write something, nor a member's pending
affiliation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, bindparam, event, insert, literal, select, union_all, update
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BindParameter

from forum.extensions import db
from forum.models import (
    Affiliation,
    AffiliationStatus,
    Board,
    ContentVersion,
    Network,
    Post,
    Theme,
    Thread,
    User,
)

SITE, LISTS = 1, 2  # ContentVersion rows
SHOWS = frozenset({"site", "lists", "board", "thread"})

# Rows no visitor's page shows: changing them keeps every kept page.
PRIVATE_TABLES = frozenset(
    {"notifications", "watches", "search_outbox", "reports", "content_version", "audit_entries"}
    | {"login_sessions", "mail_outbox"}
    # a file's bytes and extracted text: pages show its attachment (a row of its thread),
    # which is written with it and goes with it
    | {"stored_files", "file_blobs"}
    # an event's registrations change its row's counts with them; a feed's token is private
    | {"event_registrations", "event_calendar_feeds"}
    # searches that found nothing, and the vocabulary's proposals: moderators' pages only
    | {"search_misses", "label_proposals"}
    # a member's API tokens (their last use is written as they are used)
    | {"api_tokens"}
)
# A member's own settings and secrets, which no page shows but theirs.
PRIVATE_USER_COLUMNS = frozenset(
    {"email", "password_hash", "session_version", "locale", "muted_kinds", "is_admin"}
    | {"email_confirmed_at", "pending_email", "mail_choices", "digest_every", "digest_sent_at"}
    | {"last_seen_at", "time_zone"}
)
# Rows shown only on pages of the lists' version (the network and theme pages' next events):
# a registration changes its event's counts, and moves those pages, not the whole site's.
LIST_TABLES = frozenset({"events"})
# Rows of one thread: the columns that name their thread, or their post.
SCOPED_ROWS = {
    "threads": (("id", "thread"),),
    "posts": (("thread_id", "thread"), ("id", "post")),
    "accepted_answers": (("thread_id", "thread"), ("post_id", "post")),
    "votes": (("post_id", "post"),),
    "post_revisions": (("post_id", "post"),),
    # a post's files: its thread's page and the Resources pages of its board and lists
    "attachments": (("post_id", "post"),),
    # a thread's topics: its page, and the topic pages that list it (the lists' version)
    "thread_topics": (("thread_id", "thread"),),
}
_OWN = "forum_versions"  # the execution option of this module's own statements

# Built once: pages read them on every request. Rows (id, number), sorted by id.
_SITE_ROW = select(ContentVersion.id, ContentVersion.number).where(ContentVersion.id == SITE)
_READ: dict[str, Select] = {
    "site": _SITE_ROW,
    "lists": select(ContentVersion.id, ContentVersion.number).where(
        ContentVersion.id.in_((SITE, LISTS))
    ),
    "thread": union_all(
        _SITE_ROW,
        select(literal(-1), Thread.page_version).where(Thread.id == bindparam("thread_id")),
    ),
    "board": union_all(
        _SITE_ROW,
        select(literal(-2), Board.page_version)
        .join(Network, Board.network_id == Network.id)
        .join(Theme, Board.theme_id == Theme.id)
        .where(Network.slug == bindparam("network_slug"), Theme.slug == bindparam("theme_slug")),
    ),
}
_NAMES = {
    "site": (),
    "lists": (),
    "thread": ("thread_id",),
    "board": ("network_slug", "theme_slug"),
}


def read(shows: str, kwargs: dict[str, Any]) -> tuple[int, ...]:
    """The versions a page is kept under, in one statement."""
    values = {name: kwargs[name] for name in _NAMES[shows]}
    # the connection's plain rows: every visitor's request asks, kept page or not
    rows = db.session.connection().execute(_READ[shows], values).all()
    return tuple(number for _id, number in sorted(rows))


@dataclass
class _Changes:
    site: bool = False
    lists: bool = False
    thread: set[int] = field(default_factory=set)
    post: set[int] = field(default_factory=set)
    board: set[int] = field(default_factory=set)

    def place(self, table: str, values: dict[str, Iterable[Any]]) -> None:
        """A change to a row of `table` whose columns hold `values`: its thread's, the lists'
        for LIST_TABLES, else the site's."""
        if table in LIST_TABLES:
            self.lists = True
            return
        for column, scope in SCOPED_ROWS.get(table, ()):
            ids = [value for value in values.get(column, ()) if value is not None]
            if ids:
                self.lists = True
                getattr(self, scope).update(ids)
                return
        self.site = True


_CHANGES = "forum_page_changes"


def _changes(session: Session) -> _Changes:
    return session.info.setdefault(_CHANGES, _Changes())


def _note_flushed_changes(session: Session, _context: object) -> None:
    changes = _changes(session)
    for instance in (*session.new, *session.dirty, *session.deleted):
        table = instance.__table__.name
        if table in PRIVATE_TABLES:
            continue
        if isinstance(instance, User) and not _public_user_change(session, instance):
            continue
        if isinstance(instance, Affiliation) and not _public_affiliation_change(instance):
            continue
        columns = (column for column, _scope in SCOPED_ROWS.get(table, ()))
        changes.place(table, {column: [getattr(instance, column)] for column in columns})
        if isinstance(instance, Thread):
            changes.board.update(_values_of(instance, "board_id"))


def _public_user_change(session: Session, user: User) -> bool:
    if user in session.new:
        return False  # a new member is on no page until they write something
    if user in session.deleted:
        return True
    state = db.inspect(user)
    return any(
        attribute.history.has_changes()
        for attribute in state.attrs
        if attribute.key not in PRIVATE_USER_COLUMNS
    )


def _public_affiliation_change(affiliation: Affiliation) -> bool:
    """A request waiting for confirmation is on no visitor's page (claimed, withdrawn or
    declined, it moves nothing); a confirmed affiliation, before or after, is."""
    history = db.inspect(affiliation).attrs.status.history
    return AffiliationStatus.confirmed in {*history.added, *history.unchanged, *history.deleted}


def _values_of(instance: Any, key: str) -> list[int]:
    """A column's value now and, if it changed in this flush, before (a thread moved)."""
    history = db.inspect(instance).attrs[key].history
    return [value for value in (*history.added, *history.unchanged, *history.deleted) if value]


def _note_statement_changes(state: ORMExecuteState) -> None:
    """update(...) and delete(...) change rows without a flush: placed by what their WHERE
    says of the rows' thread or post (`Vote.post_id == 7`), else the site moves."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    if state.execution_options.get(_OWN):
        return
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if table not in PRIVATE_TABLES:
        where = getattr(state.statement, "whereclause", None)
        _changes(state.session).place(table or "", _equalities(where))


def _equalities(where: Any) -> dict[str, list[Any]]:
    """column name: values, from the conditions a WHERE requires (AND-ed `column == value`
    and `column IN (values)`); anything else narrows nothing."""
    if where is None:
        return {}
    conditions = where.clauses if getattr(where, "operator", None) is operators.and_ else [where]
    found: dict[str, list[Any]] = {}
    for condition in conditions:
        column, value = getattr(condition, "left", None), getattr(condition, "right", None)
        name = getattr(column, "key", None)
        if not isinstance(value, BindParameter) or name is None:
            continue
        if condition.operator is operators.eq:
            found[name] = [value.value]
        elif condition.operator is operators.in_op and value.expanding:
            found[name] = list(value.value or [])
    return found


def _raise_versions(session: Session) -> None:
    """Last in the transaction, so the rows every writer updates are held only briefly."""
    session.flush()
    changes: _Changes | None = session.info.pop(_CHANGES, None)
    if changes is None:
        return
    own = {_OWN: True, "synchronize_session": False}
    rows = [SITE, LISTS] if changes.site else [LISTS] if changes.lists else []
    if rows:
        raised = session.execute(
            update(ContentVersion)
            .where(ContentVersion.id.in_(rows))
            .values(number=ContentVersion.number + 1)
            .execution_options(**own)
        )
        if raised.rowcount < len(rows):  # a database made without the migrations' rows
            _add_missing_rows(session, rows, own)
    if changes.thread or changes.post:
        threads = select(Thread.id).where(Thread.id.in_(changes.thread))
        threads = threads.union(select(Post.thread_id).where(Post.id.in_(changes.post)))
        thread_ids = set(session.scalars(threads))
        session.execute(
            update(Thread)
            .where(Thread.id.in_(thread_ids))
            .values(page_version=Thread.page_version + 1)
            .execution_options(**own)
        )
        boards = select(Thread.board_id).where(Thread.id.in_(thread_ids))
        changes.board.update(session.scalars(boards))
    if changes.board:
        session.execute(
            update(Board)
            .where(Board.id.in_(changes.board))
            .values(page_version=Board.page_version + 1)
            .execution_options(**own)
        )


def _add_missing_rows(session: Session, rows: list[int], own: dict[str, Any]) -> None:
    present = set(session.scalars(select(ContentVersion.id).where(ContentVersion.id.in_(rows))))
    missing = [{"id": row, "number": 1} for row in rows if row not in present]
    if missing:
        session.execute(insert(ContentVersion).execution_options(**own), missing)


def _forget_changes(session: Session, *_args: object) -> None:
    session.info.pop(_CHANGES, None)


def init_app() -> None:
    # versions are raised whether or not this process keeps pages: other processes may
    if not event.contains(db.session, "before_commit", _raise_versions):
        event.listen(db.session, "after_flush", _note_flushed_changes)
        event.listen(db.session, "do_orm_execute", _note_statement_changes)
        event.listen(db.session, "before_commit", _raise_versions)
        event.listen(db.session, "after_rollback", _forget_changes)
