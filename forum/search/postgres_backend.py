"""PostgreSQL full-text search, for forums that run on PostgreSQL across several machines.

The index is a table of its own (derived data, like Whoosh's folder, so it is the backend's
to create and rebuild, not a migration's): one row per visible post with a weighted tsvector
(title above body) under a GIN index. A transaction-level advisory lock makes writers take
turns; a rebuild fills a new table and renames it into place inside one transaction.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    Select,
    Table,
    Text,
    cast,
    delete,
    false,
    func,
    literal,
    select,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY, REAL, REGCONFIG, TSVECTOR, insert
from sqlalchemy.engine import Connection

from forum.extensions import db
from forum.search import postgres_institutions as institution_table
from forum.search.backend import (
    ATTACHMENT_WEIGHT,
    MATCH_END,
    MATCH_START,
    SNIPPET_CHARS,
    TITLE_WEIGHT,
    Document,
    Hit,
    IndexBusy,
    InstitutionDocument,
    InstitutionHit,
    Snippet,
    chunks,
)
from forum.search.postgres_query import (
    CONFIGS,
    any_of,
    compile_query,
    labels_of,
    ranked_after,
    through_the_index,
)
from forum.search.query import SearchQuery

SCHEMA_VERSION = 4  # a change to the table below needs a new number: old tables are rebuilt
TABLE = f"search_posts_v{SCHEMA_VERSION}"
LOCK_KEY = 0x05E4_F0_12  # this forum's advisory lock for index writes
# ts_rank weights for D, C, B, A: the title (A) counts TITLE_WEIGHT times the body (B), the
# attachments (D) ATTACHMENT_WEIGHT times
RANK_WEIGHTS = "{%.2f,%.2f,%.2f,%.2f}" % (  # noqa: UP031
    0.1 * ATTACHMENT_WEIGHT,
    0.1,
    0.1,
    0.1 * TITLE_WEIGHT,
)
# the attachments column: name NAME_END name as words NAME_END text, for each attachment,
# between ATTACHMENT_ENDs
NAME_END, ATTACHMENT_END = "\x1d", "\x1c"

COLUMNS = """
    post_id integer PRIMARY KEY,
    thread_id integer NOT NULL,
    title text NOT NULL,
    body text NOT NULL,
    author text NOT NULL,
    network text NOT NULL,
    theme text NOT NULL,
    board text NOT NULL,
    kind text NOT NULL,
    answered boolean NOT NULL,
    accepted boolean NOT NULL,
    expert boolean NOT NULL,
    created_at timestamp NOT NULL,
    attachments text NOT NULL,
    config regconfig NOT NULL,
    document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector(config, title), 'A') ||
        setweight(to_tsvector(config, body), 'B') ||
        setweight(to_tsvector(config, attachments), 'D')
    ) STORED
"""


def _table(name: str) -> Table:
    return Table(
        name,
        MetaData(),
        Column("post_id", Integer, primary_key=True),
        Column("thread_id", Integer),
        Column("title", Text),
        Column("body", Text),
        Column("author", Text),
        Column("network", Text),
        Column("theme", Text),
        Column("board", Text),
        Column("kind", Text),
        Column("answered", Boolean),
        Column("accepted", Boolean),
        Column("expert", Boolean),
        Column("created_at", DateTime),
        Column("attachments", Text),
        Column("config", REGCONFIG),
        Column("document", TSVECTOR),
    )


posts = _table(TABLE)


class PostgresBackend:
    name = "postgres"

    # Reads go through the request's own session: a search costs no second connection.

    def exists(self) -> bool:
        found = select(func.to_regclass(TABLE), func.to_regclass(institution_table.TABLE))
        return None not in db.session.execute(found).one()

    def create(self) -> None:
        with self.writer(timeout=30):
            pass  # the writer makes the table when it is missing

    def document_count(self) -> int:
        if not self.exists():
            return 0
        return db.session.scalar(select(func.count()).select_from(posts)) or 0

    def institution_count(self) -> int:
        if not self.exists():
            return 0
        counted = select(func.count()).select_from(institution_table.institutions)
        return db.session.scalar(counted) or 0

    def clear(self) -> None:
        with self.writer(timeout=30) as writer:
            writer.connection.execute(delete(posts))
            writer.connection.execute(delete(institution_table.institutions))

    def close(self) -> None:
        pass  # reads use the request's session: nothing of its own to let go

    @contextmanager
    def writer(self, timeout: float) -> Iterator[_Writer]:
        """The lock is asked for, not waited on: a writer waiting in pg_advisory_xact_lock
        would hold a pooled connection, and twenty of them starve the readers."""
        deadline = time.monotonic() + timeout
        while True:
            connection = db.engine.connect()
            transaction = connection.begin()
            if connection.scalar(select(func.pg_try_advisory_xact_lock(LOCK_KEY))):
                break
            transaction.rollback()
            connection.close()
            if time.monotonic() > deadline:
                raise IndexBusy(TABLE)
            time.sleep(0.02)
        try:
            _create_table(connection, TABLE)
            institution_table.create_table(connection, institution_table.TABLE)
            yield _Writer(connection, posts)
            transaction.commit()
        except BaseException:
            transaction.rollback()
            raise
        finally:
            connection.close()

    def rebuild(
        self,
        documents: Iterable[Document],
        replay: Callable[[Any], None],
        timeout: float,
        institutions: Iterable[InstitutionDocument] = (),
    ) -> None:
        name = f"search_posts_build_{secrets.token_hex(4)}"
        building = _table(name)
        institutions_name = f"search_institutions_build_{secrets.token_hex(4)}"
        with db.engine.begin() as connection:
            connection.execute(text(f"CREATE TABLE {name} ({COLUMNS})"))
            connection.execute(
                text(f"CREATE TABLE {institutions_name} ({institution_table.COLUMNS})")
            )
        try:
            for batch in chunks(documents, 2_000):
                with db.engine.begin() as connection:
                    connection.execute(insert(building), [_row(d) for d in batch])
            with db.engine.begin() as connection:
                made = [institution_table.row(d) for d in institutions]
                if made:
                    connection.execute(insert(institution_table.table(institutions_name)), made)
                institution_table.create_indexes(connection, institutions_name)
            with db.engine.begin() as connection:
                _create_indexes(connection, name)
                # a new table has no statistics until autovacuum (if it runs) gets to it:
                # without them a query matching half the forum is planned as matching a few
                # rows, and ranks every match (150 ms at 200,000 posts) instead of reading
                # the newest posts backwards until it has enough (1 ms)
                connection.execute(text(f"ANALYZE {name}"))
            # reads of the index go through the request's session: its transaction would
            # hold the tables the swap drops, and wait for the swap that waits for it
            db.session.commit()
            with self.writer(timeout) as writer:
                writer.connection.execute(text(f"DROP TABLE {TABLE}"))
                writer.connection.execute(text(f"ALTER TABLE {name} RENAME TO {TABLE}"))
                writer.connection.execute(text(f"DROP TABLE {institution_table.TABLE}"))
                writer.connection.execute(
                    text(f"ALTER TABLE {institutions_name} RENAME TO {institution_table.TABLE}")
                )
                replay(writer)
        finally:
            with db.engine.begin() as connection:
                connection.execute(text(f"DROP TABLE IF EXISTS {name}"))
                connection.execute(text(f"DROP TABLE IF EXISTS {institutions_name}"))

    # --- reading ----------------------------------------------------------------------------

    def hits(self, query: SearchQuery, limit: int) -> list[Hit]:
        if not self.exists():
            return []
        if not query.expansions:
            return [Hit(*row) for row in db.session.execute(hits_statement(query, limit))]
        with through_the_index(db.session):
            return [Hit(*row) for row in db.session.execute(hits_statement(query, limit))]

    def institution_hits(self, query: SearchQuery, limit: int) -> list[InstitutionHit]:
        if not self.exists():
            return []
        statement = institution_table.hits_statement(query, limit, compile_query)
        if statement is None:
            return []
        return [InstitutionHit(*found) for found in db.session.execute(statement)]

    def snippets(self, query: SearchQuery, titles: Mapping[int, str]) -> dict[int, Snippet]:
        """The titles are the index's copies (one statement for all): results.py shows a
        copy that an edit not yet indexed has changed without its marks."""
        if not titles or not self.exists():
            return {}
        words = any_of(list(query.positive_terms()))
        if (labels := labels_of(query)) is not None:  # marked in the post's language
            words = labels if words is None else words.op("||")(labels)
        marks = f'StartSel="{MATCH_START}", StopSel="{MATCH_END}"'
        options = f'{marks}, MaxFragments=2, MaxWords=35, MinWords=12, FragmentDelimiter=" … "'
        if words is not None:
            title = func.ts_headline(
                posts.c.config, posts.c.title, words, f"{marks}, HighlightAll=true"
            )
            passage = func.ts_headline(posts.c.config, posts.c.body, words, options)
        else:
            title, passage = posts.c.title, func.substr(posts.c.body, 1, SNIPPET_CHARS)
        statement = select(posts.c.post_id, title, passage).where(posts.c.post_id.in_(list(titles)))
        found = {
            post_id: Snippet(title, body) for post_id, title, body in db.session.execute(statement)
        }
        if words is not None:
            unmarked = [i for i, snippet in found.items() if MATCH_START not in snippet.body]
            for post_id, (name, passage) in _attachment_passages(unmarked, words, options).items():
                found[post_id] = found[post_id]._replace(body=passage, attachment=name)
        return found


def _attachment_passages(post_ids: list[int], words, options: str) -> dict[int, tuple]:  # noqa: ANN001
    """For posts whose own text does not hold the query's words: the first attachment that
    does (by its name or text), and its passage."""
    if not post_ids:
        return {}
    parts = (
        func.unnest(func.string_to_array(posts.c.attachments, ATTACHMENT_END))
        .table_valued("value", with_ordinality="position")
        .render_derived()
    )
    name = func.split_part(parts.c.value, NAME_END, 1)
    name_words = func.split_part(parts.c.value, NAME_END, 2)
    attached_text = func.split_part(parts.c.value, NAME_END, 3)
    statement = (
        select(
            posts.c.post_id,
            name,
            func.ts_headline(posts.c.config, attached_text, words, options),
            func.to_tsvector(posts.c.config, name_words).op("@@", return_type=Boolean)(words),
        )
        # a function in FROM sees the rows before it (as if LATERAL)
        .select_from(posts.join(parts, true()))
        .where(posts.c.post_id.in_(post_ids), posts.c.attachments != "")
        .order_by(posts.c.post_id, parts.c.position)
    )
    found: dict[int, tuple] = {}
    for post_id, attached_name, passage, name_matches in db.session.execute(statement):
        if post_id not in found and (MATCH_START in passage or name_matches):
            found[post_id] = (attached_name, passage)
    return found


def hits_statement(query: SearchQuery, limit: int) -> Select:
    """The newest `limit` matching posts, with their rank. The text search configurations are
    written into the statement, not bound: bound, PostgreSQL cannot read the query's words
    when it plans, takes a broad query for a narrow one, and ranks every match."""
    matching = compile_query(query)
    weights = cast(literal(RANK_WEIGHTS), ARRAY(REAL))
    conditions = _filters(query)
    if query.has_words:
        conditions.append(_matches(matching) if matching is not None else false())
    excluded = any_of(query.excluded) if query.excluded else None
    if excluded is not None:
        conditions.append(~_matches(excluded))
    if query.expansions:
        return ranked_after(posts, conditions, query, limit, weights)
    score = (
        func.ts_rank(weights, posts.c.document, matching) if matching is not None else literal(0.0)
    )
    statement = select(
        posts.c.post_id,
        posts.c.thread_id,
        posts.c.theme,
        posts.c.network,
        func.extract("epoch", posts.c.created_at).cast(Float),
        posts.c.accepted,
        posts.c.expert,
        score,
    ).where(*conditions)
    statement = statement.order_by(posts.c.created_at.desc(), posts.c.post_id.desc())
    return statement.limit(limit)


class _Writer:
    def __init__(self, connection: Connection, table: Table) -> None:
        self.connection = connection
        self.table = table

    def delete_thread(self, thread_id: int) -> None:
        self.connection.execute(delete(self.table).where(self.table.c.thread_id == thread_id))

    def delete_post(self, post_id: int) -> None:
        self.connection.execute(delete(self.table).where(self.table.c.post_id == post_id))

    def add(self, document: Document) -> None:
        row = _row(document)
        statement = insert(self.table).values(row)
        self.connection.execute(
            statement.on_conflict_do_update(index_elements=["post_id"], set_=row)
        )

    def delete_institution(self, institution_id: int) -> None:
        institution_table.remove(self.connection, institution_table.institutions, institution_id)

    def add_institution(self, document: InstitutionDocument) -> None:
        institution_table.add(self.connection, institution_table.institutions, document)


def _create_table(connection: Connection, name: str) -> None:
    if connection.scalar(select(func.to_regclass(name))) is None:
        connection.execute(text(f"CREATE TABLE {name} ({COLUMNS})"))
        _create_indexes(connection, name)
        for older in range(1, SCHEMA_VERSION):  # what an upgraded forum no longer reads
            connection.execute(text(f"DROP TABLE IF EXISTS search_posts_v{older}"))


def _create_indexes(connection: Connection, name: str) -> None:
    suffix = secrets.token_hex(4)  # index names outlive the table's rename: keep them unique
    connection.execute(
        text(f"CREATE INDEX search_document_{suffix} ON {name} USING gin (document)")
    )
    connection.execute(text(f"CREATE INDEX search_thread_{suffix} ON {name} (thread_id)"))
    connection.execute(text(f"CREATE INDEX search_created_{suffix} ON {name} (created_at)"))


def _row(document: Document) -> dict[str, Any]:
    return {
        "post_id": document.post_id,
        "thread_id": document.thread_id,
        "title": document.title,
        "body": document.body,
        "author": document.author,
        "network": document.network,
        "theme": document.theme,
        "board": document.board,
        "kind": document.kind,
        "answered": document.answered,
        "accepted": document.accepted,
        "expert": document.expert,
        "created_at": document.created_at,
        "attachments": ATTACHMENT_END.join(
            NAME_END.join((_plain(attached.name), attached.name_words, _plain(attached.text)))
            for attached in document.attachments
        ),
        "config": CONFIGS.get(document.language, CONFIGS["en"]),
    }


def _plain(text: str) -> str:
    return text.replace(NAME_END, " ").replace(ATTACHMENT_END, " ")


def _matches(tsquery):  # noqa: ANN001, ANN202
    return posts.c.document.op("@@", return_type=Boolean)(tsquery)


def _filters(query: SearchQuery) -> list:
    conditions = [
        column == value
        for column, value in (
            (posts.c.theme, query.theme),
            (posts.c.network, query.network),
            (posts.c.board, query.board),
            (posts.c.author, query.author),
            (posts.c.kind, query.kind),
        )
        if value
    ]
    if query.answered is not None:
        conditions += [posts.c.kind == "question", posts.c.answered.is_(query.answered)]
    if query.expert:
        conditions.append(posts.c.expert.is_(True))
    if query.after:
        conditions.append(posts.c.created_at >= datetime.combine(query.after, datetime.min.time()))
    if query.before:
        conditions.append(posts.c.created_at < datetime.combine(query.before, datetime.min.time()))
    return conditions
