"""Searches that found nothing: counted per day, language and words, so moderators see
which words people use that the vocabulary (or the forum) does not answer yet. Who searched
is never kept; counts older than KEPT_DAYS are pruned (`forum prune-search-misses`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from forum.database import write_transaction
from forum.extensions import db
from forum.languages import LANGUAGES
from forum.models import SearchMiss
from forum.models._time import utcnow
from forum.models.topics import MISS_QUERY_MAX
from forum.search import SearchPage

KEPT_DAYS = 180
PERIODS = (30, 90)  # the report's choices, in days
MOST_SHOWN = 25  # queries per language in the report


def normalised(words: str) -> str:
    """Lower case, one space between words, bounded: the same search counted once."""
    return " ".join(words.lower().split())[:MISS_QUERY_MAX].strip()


def record_if_nothing(found: SearchPage, language: str) -> None:
    """Count this search if it had words (not only filters) and found nothing at all."""
    query = found.query
    if not query.has_words or query.unmatchable:
        return
    if found.results.total or found.institution_total:
        return
    text = normalised(query.words())
    if not text or language not in LANGUAGES:
        return
    with write_transaction() as session:
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        statement = dialect.insert(SearchMiss).values(
            day=utcnow().date(), language=language, query=text, count=1
        )
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["day", "language", "query"],
                set_={"count": SearchMiss.count + 1},
            )
        )


@dataclass(frozen=True)
class Miss:
    query: str
    searches: int
    days: int  # on how many days it was searched


def report(days: int) -> dict[str, list[Miss]]:
    """The most frequent searches that found nothing over the last `days`, per language (in
    the forum's order of languages), in one query."""
    since = utcnow().date() - timedelta(days=days)
    total = func.sum(SearchMiss.count)
    ranked = (
        select(
            SearchMiss.language,
            SearchMiss.query,
            total.label("searches"),
            func.count().label("days"),
            func.row_number()
            .over(partition_by=SearchMiss.language, order_by=(total.desc(), SearchMiss.query))
            .label("rank"),
        )
        .where(SearchMiss.day >= since)
        .group_by(SearchMiss.language, SearchMiss.query)
        .subquery()
    )
    rows = db.session.execute(
        select(ranked.c.language, ranked.c.query, ranked.c.searches, ranked.c.days)
        .where(ranked.c.rank <= MOST_SHOWN)
        .order_by(ranked.c.language, ranked.c.rank)
    )
    found: dict[str, list[Miss]] = {code: [] for code in LANGUAGES}
    for language, text, searches, on_days in rows:
        if language in found:
            found[language].append(Miss(text, int(searches), int(on_days)))
    return found


def prune(days: int = KEPT_DAYS) -> int:
    """Forget counts older than `days`; how many rows went."""
    with write_transaction() as session:
        gone = session.execute(
            delete(SearchMiss).where(SearchMiss.day < utcnow().date() - timedelta(days=days))
        )
    return gone.rowcount or 0
