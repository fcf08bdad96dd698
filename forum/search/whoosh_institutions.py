"""Institutions in Whoosh: an index of their own, named INDEX_NAME, in each generation's
folder beside the posts' (so a rebuild and its swap cover both), read by the same analysis."""

from __future__ import annotations

from whoosh import fields
from whoosh import query as wq

from forum.languages import LANGUAGES
from forum.search.backend import InstitutionDocument, InstitutionHit
from forum.search.institutions import folded, themes_and_networks
from forum.search.query import SearchQuery
from forum.search.whoosh_analysis import ANALYZER, LANGUAGE_MARK, TITLE_MARK
from forum.search.whoosh_schema import TextWithPairs, excluding, matching

INDEX_NAME = "institutions"

SCHEMA = fields.Schema(
    institution_id=fields.ID(unique=True, stored=True),
    text=TextWithPairs(analyzer=ANALYZER),
    network=fields.KEYWORD(),
    theme=fields.KEYWORD(),
)


def fields_of(document: InstitutionDocument) -> dict:
    """The folded words once in each language's reading (its names are in several)."""
    text = " ".join(
        f"{LANGUAGE_MARK}{language} {TITLE_MARK}{document.names}{TITLE_MARK} {document.text}"
        for language in LANGUAGES
    )
    return {
        "institution_id": str(document.institution_id),
        "text": text,
        "network": " ".join(document.networks),
        "theme": " ".join(document.themes),
    }


def searched(query: SearchQuery) -> wq.Query | None:
    query = folded(query)
    wanted = matching(query)
    if wanted is None or isinstance(wanted, wq.Every):
        return None
    theme, network = themes_and_networks(query)
    kept = [
        wq.Term(name, value) for name, value in (("theme", theme), ("network", network)) if value
    ]
    if kept:
        wanted = wq.And([wanted, wq.ConstantScoreQuery(wq.And(kept), 0.0)])
    excluded = excluding(query)
    return wq.AndNot(wanted, excluded) if excluded is not None else wanted


def hits(searcher, query: SearchQuery, limit: int) -> list[InstitutionHit]:  # noqa: ANN001
    wanted = searched(query)
    if wanted is None:
        return []
    found = [
        InstitutionHit(int(hit["institution_id"]), hit.score)
        for hit in searcher.search(wanted, limit=limit)
    ]
    return sorted(found, key=lambda hit: (-hit.score, hit.institution_id))
