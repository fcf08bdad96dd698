"""From a backend's institution hits to results: the same for every backend.

The database has the last word: results are made from the institutions as they are now,
in two queries for a page (the institutions, their capacities' notes), whatever its size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from forum import markup, reference
from forum.extensions import db
from forum.languages import current
from forum.models import Capacity, Institution
from forum.search import institutions
from forum.search.backend import SNIPPET_CHARS, SearchBackend
from forum.search.query import SearchQuery
from forum.search.results import segments as split
from forum.search.whoosh_analysis import passage
from forum.services import browsing
from forum.services.browsing import Page

MOST_INSTITUTIONS = 1_000


@dataclass
class InstitutionResult:
    slug: str
    name: list[tuple[str, bool]]  # (text, is a match), in the reader's language
    acronym: list[tuple[str, bool]]
    country: str  # its name in the reader's language
    kind: str
    snippet: list[tuple[str, bool]] = field(default_factory=list)


def count_and_page(
    backend: SearchBackend, query: SearchQuery, page: int, per_page: int, fetch: bool = True
) -> tuple[int, Page]:
    """How many institutions match, and the page of them asked for (fetch False: empty)."""
    if not institutions.applies(query):
        return 0, Page([], 1, per_page, 0)
    hits = backend.institution_hits(query, MOST_INSTITUTIONS)
    browsing.check_page(page, len(hits), per_page)
    window = hits[(page - 1) * per_page : page * per_page] if fetch else []
    shown = _fetch(query, [hit.institution_id for hit in window])
    return len(hits), Page(shown, page, per_page, len(hits))


def _fetch(query: SearchQuery, ids: list[int]) -> list[InstitutionResult]:
    if not ids:
        return []
    found = {
        institution.id: institution
        for institution in db.session.scalars(select(Institution).where(Institution.id.in_(ids)))
    }
    notes: dict[int, list[str]] = defaultdict(list)
    for institution_id, note in db.session.execute(
        select(Capacity.institution_id, Capacity.note)
        .where(Capacity.institution_id.in_(ids), Capacity.note != "")
        .order_by(Capacity.id)
    ):
        notes[institution_id].append(note)
    words = institutions.query_words(query)
    language = current()
    results = []
    for institution_id in ids:
        institution = found.get(institution_id)
        if institution is None:  # gone since it was indexed
            continue
        text = " · ".join(
            part
            for part in (markup.html_to_text(institution.description_html), *notes[institution_id])
            if part
        )
        name = institution.name_in(language)
        results.append(
            InstitutionResult(
                slug=institution.slug,
                name=segments(name, institutions.matches(name, words)) or [(name, False)],
                acronym=segments(
                    institution.acronym, institutions.matches(institution.acronym, words)
                ),
                country=reference.country_name(institution.country),
                kind=str(reference.INSTITUTION_KIND_LABELS[institution.kind]),
                snippet=_snippet(text, words),
            )
        )
    return results


def _snippet(text: str, words: set[tuple[str, str]]) -> list[tuple[str, bool]]:
    marked = passage(text, institutions.matches(text, words))
    if marked is None:
        shown = text[:SNIPPET_CHARS]
        return [(shown + (" …" if len(text) > len(shown) else ""), False)] if shown else []
    return split(marked)


def segments(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    pieces, at = [], 0
    for start, stop in spans:
        if start > at:
            pieces.append((text[at:start], False))
        pieces.append((text[start:stop], True))
        at = stop
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces
