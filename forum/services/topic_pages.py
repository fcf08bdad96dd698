"""What the topic pages show: the vocabulary's concepts by theme, and one concept across
networks and languages (its labels, neighbours, threads, good practices, experts and
institutions), each read in a fixed number of queries whatever the rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased

from forum import search, vocabulary
from forum.extensions import db
from forum.languages import LANGUAGES
from forum.models import Post, Theme, Thread, ThreadKind, ThreadTopic
from forum.search.query import SearchQuery, Term
from forum.services import browsing, experts, institution_directory, slices
from forum.services.browsing import Page
from forum.vocabulary import Concept, Labels

PRACTICES_SHOWN = 10
FOUND_SHOWN = 10  # threads the search finds for the labels, beside the tagged ones
EXPERTS_SHOWN = 8
INSTITUTIONS_SHOWN = 6
SEARCHED_LABELS = 40  # of a concept's labels in every language, the first this many


@dataclass(frozen=True)
class IndexEntry:
    concept: Concept
    label: str  # in the reader's language
    threads: int  # tagged with it, still there


@dataclass(frozen=True)
class IndexGroup:
    theme: Theme | None  # None: the cross-cutting concepts
    entries: list[IndexEntry]


@dataclass(frozen=True)
class TopicPage:
    concept: Concept
    label: str
    labels: list[tuple[str, str, Labels]]  # (code, the language's name, its labels)
    broader: list[Concept]
    narrower: list[Concept]
    themes: list[Theme]
    threads: Page  # tagged, not good practices, latest activity first
    practices: list[Thread]  # tagged good practices, latest first
    found: list[Any]  # search results for its labels, threads not tagged with it (page 1)
    experts: Page  # verified in its themes
    expertise: dict
    institutions: list[institution_directory.InstitutionCard]
    institution_total: int


def index(language: str) -> list[IndexGroup]:
    """Every concept under its first theme (the file it is written in), the themes in their
    order and the cross-cutting concepts last, labels in the reader's language."""
    counts = dict(
        db.session.execute(
            select(ThreadTopic.concept_id, func.count())
            .join(Thread, Thread.id == ThreadTopic.thread_id)
            .where(_shown_to_all())
            .group_by(ThreadTopic.concept_id)
        ).all()
    )
    themes = {theme.slug: theme for theme in browsing.all_themes()}
    grouped: dict[str | None, list[IndexEntry]] = {}
    for concept in vocabulary.load().concepts.values():
        home = next((slug for slug in concept.themes if slug in themes), None)
        entry = IndexEntry(concept, concept.label(language), counts.get(concept.id, 0))
        grouped.setdefault(home, []).append(entry)
    order = [*themes, None]
    return [
        IndexGroup(themes[slug] if slug else None, sorted(entries, key=_by_label))
        for slug, entries in sorted(grouped.items(), key=lambda pair: order.index(pair[0]))
    ]


def topic_page(concept_id: str, page: int, per_page: int, language: str) -> TopicPage | None:
    """None for an id the vocabulary does not know; a page past the end of the tagged
    threads is a PageOutOfRange (404)."""
    words = vocabulary.load()
    concept = words.concepts.get(concept_id)
    if concept is None:
        return None
    themes = [theme for theme in browsing.all_themes() if theme.slug in concept.themes]
    threads = browsing.paginate(
        _tagged(concept.id).where(Thread.kind != ThreadKind.good_practice), page, per_page
    )
    practices = []
    found: list[Any] = []
    if page == 1:
        practices = list(
            db.session.scalars(
                _tagged(concept.id)
                .where(Thread.kind == ThreadKind.good_practice)
                .limit(PRACTICES_SHOWN)
            ).unique()
        )
        found = _found_by_labels(concept)
    members = _experts(themes)
    institutions = _institutions(themes, language)
    return TopicPage(
        concept=concept,
        label=concept.label(language),
        labels=[
            (code, name, concept.labels[code])
            for code, name in LANGUAGES.items()
            if code in concept.labels
        ],  # fmt: skip
        broader=words.broader_of(concept.id),
        narrower=sorted(words.narrower_of(concept.id), key=lambda c: c.label(language).casefold()),
        themes=themes,
        threads=threads,
        practices=practices,
        found=found,
        experts=members,
        expertise=experts.expertise_of([member.id for member in members.items])
        if members.items
        else {},
        institutions=institutions.items,
        institution_total=institutions.total,
    )


def _shown_to_all() -> Any:
    """A thread listed for everyone: not deleted, its opening post neither deleted nor hidden."""
    opening = aliased(Post)
    hidden_opening = (
        exists()
        .where(
            opening.thread_id == Thread.id,
            opening.is_opening.is_(True),
            (opening.deleted_at.is_not(None)) | (opening.hidden_at.is_not(None)),
        )
        .correlate(Thread)
    )
    return Thread.deleted_at.is_(None) & ~hidden_opening


def _tagged(concept_id: str):  # noqa: ANN202
    query = (
        select(Thread)
        .join(ThreadTopic, ThreadTopic.thread_id == Thread.id)
        .where(ThreadTopic.concept_id == concept_id, _shown_to_all())
    )
    return browsing.with_list_details(query).order_by(*slices.order_by(slices.THREADS))


def _found_by_labels(concept: Concept) -> list[Any]:
    """Threads the search finds for any label in any language (older threads have no tags),
    without those tagged with it: they are listed above."""
    labels = vocabulary.labels_of([concept])[:SEARCHED_LABELS]
    query = SearchQuery(groups=(tuple(Term(label, phrase=" " in label) for label in labels),))
    results = search.search(query, 1, FOUND_SHOWN + PRACTICES_SHOWN).results.items
    if not results:
        return []
    tagged = set(
        db.session.scalars(
            select(ThreadTopic.thread_id).where(
                ThreadTopic.concept_id == concept.id,
                ThreadTopic.thread_id.in_([result.thread.id for result in results]),
            )
        )
    )
    return [result for result in results if result.thread.id not in tagged][:FOUND_SHOWN]


def _experts(themes: list[Theme]) -> Page:
    if not themes:
        return Page([], 1, EXPERTS_SHOWN, 0)
    criteria = experts.DirectoryFilter(themes=tuple(themes), verified_only=True)
    return experts.directory(criteria, 1, EXPERTS_SHOWN)


def _institutions(themes: list[Theme], language: str) -> Page:
    if not themes:
        return Page([], 1, INSTITUTIONS_SHOWN, 0)
    criteria = institution_directory.InstitutionFilter(themes=tuple(themes))
    found, _facets = institution_directory.directory(criteria, 1, INSTITUTIONS_SHOWN, language)
    return found


def _by_label(entry: IndexEntry) -> str:
    return entry.label.casefold()
