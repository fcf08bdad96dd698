"""Institutions on PostgreSQL: a table of their own beside the posts' (derived data, the
backend's to create and rebuild), its folded words read by every language's configuration,
names (A) above the rest (D), under a GIN index."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Integer,
    MetaData,
    Select,
    Table,
    Text,
    any_,
    cast,
    delete,
    func,
    literal,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, REAL, TSVECTOR, insert
from sqlalchemy.engine import Connection

from forum.search.backend import InstitutionDocument
from forum.search.institutions import folded, themes_and_networks
from forum.search.query import SearchQuery

SCHEMA_VERSION = 1
TABLE = f"search_institutions_v{SCHEMA_VERSION}"
CONFIGS = ("english", "french", "spanish", "arabic")
RANK_WEIGHTS = "{0.1,0.1,0.1,0.3}"  # names (A) count as a thread's title does


def _vector(column: str, weight: str) -> str:
    return " || ".join(
        f"setweight(to_tsvector('{config}'::regconfig, {column}), '{weight}')" for config in CONFIGS
    )


COLUMNS = f"""
    institution_id integer PRIMARY KEY,
    names text NOT NULL,
    body text NOT NULL,
    networks text[] NOT NULL,
    themes text[] NOT NULL,
    document tsvector GENERATED ALWAYS AS ({_vector("names", "A")} || {_vector("body", "D")}) STORED
"""


def table(name: str) -> Table:
    return Table(
        name,
        MetaData(),
        Column("institution_id", Integer, primary_key=True),
        Column("names", Text),
        Column("body", Text),
        Column("networks", ARRAY(Text)),
        Column("themes", ARRAY(Text)),
        Column("document", TSVECTOR),
    )


institutions = table(TABLE)


def create_table(connection: Connection, name: str) -> None:
    if connection.scalar(select(func.to_regclass(name))) is None:
        connection.execute(text(f"CREATE TABLE {name} ({COLUMNS})"))
        create_indexes(connection, name)


def create_indexes(connection: Connection, name: str) -> None:
    suffix = secrets.token_hex(4)
    connection.execute(
        text(f"CREATE INDEX search_institution_{suffix} ON {name} USING gin (document)")
    )


def row(document: InstitutionDocument) -> dict[str, Any]:
    return {
        "institution_id": document.institution_id,
        "names": document.names,
        "body": document.text,
        "networks": list(document.networks),
        "themes": list(document.themes),
    }


def add(connection: Connection, into: Table, document: InstitutionDocument) -> None:
    values = row(document)
    statement = insert(into).values(values)
    connection.execute(
        statement.on_conflict_do_update(index_elements=["institution_id"], set_=values)
    )


def remove(connection: Connection, into: Table, institution_id: int) -> None:
    connection.execute(delete(into).where(into.c.institution_id == institution_id))


def hits_statement(query: SearchQuery, limit: int, compile_words) -> Select | None:  # noqa: ANN001
    """compile_words: the posts' own compiler of a query's words into a tsquery, so both
    tables read a query alike."""
    query = folded(query)
    matching = compile_words(query)
    if matching is None:
        return None
    document = institutions.c.document
    weights = cast(literal(RANK_WEIGHTS), ARRAY(REAL))
    score = func.ts_rank(weights, document, matching)
    statement = select(institutions.c.institution_id, score).where(
        document.op("@@", return_type=Boolean)(matching)
    )
    theme, network = themes_and_networks(query)
    if theme:
        statement = statement.where(literal(theme) == any_(institutions.c.themes))
    if network:
        statement = statement.where(literal(network) == any_(institutions.c.networks))
    if query.excluded:
        excluded = compile_words(SearchQuery(groups=(query.excluded,)))
        if excluded is not None:
            statement = statement.where(~document.op("@@", return_type=Boolean)(excluded))
    return statement.order_by(score.desc(), institutions.c.institution_id).limit(limit)
