"""A SearchQuery as a PostgreSQL tsquery: its words read in every language's configuration,
and the labels of the concepts it names (forum.search.expansion) each in its own."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace

from sqlalchemy import Float, Select, Table, cast, func, literal, select
from sqlalchemy.dialects.postgresql import REGCONFIG
from sqlalchemy.orm import Session

from forum.search.expansion import Expansion, Label, slots
from forum.search.query import SearchQuery, Term

# each post's words are read by its language's text search configuration (Snowball all four;
# Arabic's also strips diacritics and tatweel and writes every alef one way)
CONFIGS = {"en": "english", "fr": "french", "es": "spanish", "ar": "arabic"}
# what a hit needs of each post kept before it is ranked, and its words to rank
KEPT = ("post_id", "thread_id", "theme", "network", "created_at", "accepted", "expert", "document")


def _config(config: str):  # noqa: ANN202
    return cast(literal(config, literal_execute=True), REGCONFIG)


def term_query(term: Term, config: str):  # noqa: ANN202
    to_query = func.phraseto_tsquery if term.phrase else func.plainto_tsquery
    return to_query(_config(config), term.text)


def either(left, right):  # noqa: ANN001, ANN202
    if left is None or right is None:  # None: nothing to add
        return right if left is None else left
    return left.op("||")(right)


def both(left, right):  # noqa: ANN001, ANN202
    if left is None or right is None:
        return right if left is None else left
    return left.op("&&")(right)


def any_in(terms: Sequence[Term], config: str):  # noqa: ANN202
    combined = None
    for term in terms:
        combined = either(combined, term_query(term, config))
    return combined


def any_of(terms: Sequence[Term]):  # noqa: ANN202
    """Any of the terms, read in every language."""
    combined = None
    for config in CONFIGS.values():
        combined = either(combined, any_in(terms, config))
    return combined


def compile_query(query: SearchQuery):  # noqa: ANN202
    """Every group (any of its terms) must match, the query read in one language or another
    (a word common in one language drops out of that reading only); the groups naming a
    concept match by their words or any of its labels in that language. None without words."""
    combined = None
    for language, config in CONFIGS.items():
        reading = None
        for groups, expansion in slots(query):
            part = None
            for group in groups:
                part = both(part, any_in(group, config))
            if expansion is not None:
                part = either(part, _labels_in(expansion, language))
            reading = both(reading, part)
        if reading is not None:
            combined = either(combined, reading)
    return combined


def labels_of(query: SearchQuery):  # noqa: ANN202
    """Any label of the concepts the query names, each in its language (acronyms in every
    one); None when it names none."""
    combined = None
    for expansion in query.expansions:
        for language in CONFIGS:
            combined = either(combined, _labels_in(expansion, language))
    return combined


def _labels_in(expansion: Expansion, language: str):  # noqa: ANN202
    """Any of the labels read in this language: one to_tsquery of quoted phrases (each read
    as phraseto_tsquery reads it), not one call per label: with thirty labels, building and
    rendering those calls cost more than the search."""
    labels = expansion.labels_in(language)
    if not labels:
        return None
    # written into the statement, as the configurations are: PostgreSQL plans with the words
    phrases = literal(" | ".join(_quoted(label) for label in labels), literal_execute=True)
    return func.to_tsquery(_config(CONFIGS[language]), phrases)


def _quoted(label: Label) -> str:
    """A label as a quoted phrase of tsquery syntax (the vocabulary's own text, never a
    member's, and nothing in it that could end the quotes)."""
    return "'" + label.text.replace("\\", " ").replace("'", "''") + "'"


def ranked_after(posts: Table, conditions: list, query: SearchQuery, limit: int, weights) -> Select:  # noqa: ANN001
    """A query naming concepts: the newest `limit` matching posts first, then their rank,
    the words typed weighing most and any of the labels less (the expansion's weight).
    Ranked in the same statement, PostgreSQL would rank every match before keeping the
    newest: with the labels' long query, more than the search itself costs."""
    kept = (
        select(*(posts.c[name] for name in KEPT))
        .where(*conditions)
        .order_by(posts.c.created_at.desc(), posts.c.post_id.desc())
        .limit(limit)
        .subquery()
    )
    typed = compile_query(replace(query, expansions=()))
    weight = max(expansion.weight for expansion in query.expansions)
    score = func.ts_rank(weights, kept.c.document, typed) + weight * func.ts_rank(
        weights, kept.c.document, labels_of(query)
    )
    return select(
        kept.c.post_id,
        kept.c.thread_id,
        kept.c.theme,
        kept.c.network,
        func.extract("epoch", kept.c.created_at).cast(Float),
        kept.c.accepted,
        kept.c.expert,
        score,
    ).order_by(kept.c.created_at.desc(), kept.c.post_id.desc())


@contextmanager
def through_the_index(session: Session) -> Iterator[None]:
    """The statement run inside reads the text index (a bitmap scan), then the planner's
    settings are as they were for the rest of the transaction. The labels' long query makes
    the planner cost the text index above reading every row, by the table or by date, and
    reading every row checks that query on each: 200 ms at 50,000 posts where the index
    answers in 20."""
    names = ("enable_seqscan", "enable_indexscan")
    previous = session.execute(select(*(func.current_setting(name) for name in names))).one()
    session.execute(select(*(func.set_config(name, "off", True) for name in names)))
    try:
        yield
    finally:
        session.execute(
            select(*(func.set_config(n, v, True) for n, v in zip(names, previous, strict=True)))
        )
