"""Institutions in full-text search, beside threads: one suite, both backends (Whoosh always,
PostgreSQL full-text against the PostgreSQL test database), as tests/test_search_conformance.py.
Institutions are made and edited through the real service, so the outbox is in every test."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from forum import search
from forum.extensions import db
from forum.models import Institution, SearchOutbox
from forum.search import outbox
from forum.services import institutions
from forum.services.institutions import DuplicateInstitution
from tests.conftest import Person, counting_queries
from tests.institution_helpers import niohs_fields
from tests.search_helpers import Forum

INRS = {
    "name": "Institut national de recherche et de sécurité",
    "acronym": "INRS",
    "country": "FR",
    "kind": "research",
    "other_names": {"en": "French National Research and Safety Institute"},
    "description": "Études et **formation** sur les risques professionnels.",
    "networks": {"ilo-global": "member"},
    "capacities": [("fire-safety", "training", "Formation des préventeurs à l'évacuation")],
}


@pytest.fixture
def app_config(search_backend: str) -> dict[str, object]:
    return {"SEARCH_BACKEND": search_backend, "SEARCH_RATE_LIMIT": "100000 per hour",
            "PAGE_CACHE_MB": 0}  # fmt: skip


@pytest.fixture
def forum(app: Flask) -> Iterator[Forum]:
    with app.test_request_context():
        search.backend().clear()
        yield Forum(app)
        db.session.remove()


@pytest.fixture
def cleared(app: Flask) -> None:
    """The PostgreSQL backend's tables outlive the test database's emptying."""
    with app.app_context():
        search.backend().clear()
        db.session.remove()


def make(**changes: object) -> Institution:
    return institutions.create(None, niohs_fields(**changes))


def found(text: str, shows: str = "all", per_page: int = 10) -> search.SearchPage:
    return search.search_page(search.parse(text), 1, per_page, shows=shows)


def slugs(text: str) -> list[str]:
    return [result.slug for result in found(text, shows="institutions").institutions.items]


NIOSH, INRS_SLUG = "niosh-my", "inrs-fr"


def test_an_acronym_finds_its_institution(forum: Forum) -> None:
    make()
    make(**INRS)
    assert slugs("NIOSH") == [NIOSH]
    assert slugs("niosh") == [NIOSH]
    assert slugs("inrs") == [INRS_SLUG]
    result = found("niosh", shows="institutions").institutions.items[0]
    assert result.name == [(
        "National Institute of Occupational Safety and Health", False
    )]  # fmt: skip
    assert result.acronym == [("NIOSH", True)]
    assert result.country == "Malaysia"
    assert result.kind == "National OSH institute or centre"
    french = found("recherche securite", shows="institutions").institutions.items[0]
    assert french.name == [("French National Research and Safety Institute", False)]  # in English


@pytest.mark.parametrize(
    "query",
    [
        "recherche securite",  # no accents
        "RECHERCHE SÉCURITÉ",  # capitals
        "institut recherche securite",
        "Recherche Sécurité",
        '"recherche et de securite"',
    ],
)
def test_a_french_name_is_found_whatever_its_accents_and_case(forum: Forum, query: str) -> None:
    make()
    make(**INRS)
    assert slugs(query) == [INRS_SLUG]


def test_a_name_written_without_accents_is_found_with_them(forum: Forum) -> None:
    make(name="Centre de Securite au Travail", acronym="", other_names={}, country="SN")
    assert slugs("sécurité travail") == ["centre-de-securite-au-travail-sn"]


@pytest.mark.parametrize(
    "query", ["cote ivoire", "CÔTE D’IVOIRE", "Côte", "hygiene publique", "HYGIÈNE"]
)
def test_words_no_stemmer_strips_the_accents_of_are_found_with_or_without(
    forum: Forum, query: str
) -> None:
    """Spanish Snowball drops most accents by itself; not "ô" (Côte), nor French's "è"."""
    make(name="Institut National d'Hygiène Publique", acronym="INHP", country="CI",
         other_names={}, capacities=[])  # fmt: skip
    make()
    assert slugs(query) == ["inhp-ci"]


@pytest.mark.parametrize(
    "query", ["المعهد الوطني", "المَعْهَد الوَطَنِي", "المعهـــد", "السلامة والصحة المهنية"]
)
def test_an_arabic_name_is_found_whatever_its_diacritics_or_tatweel(
    forum: Forum, query: str
) -> None:
    make()
    assert slugs(query) == [NIOSH]


def test_capacities_description_country_and_type_are_searched(forum: Forum) -> None:
    make()
    make(**INRS)
    assert slugs("silica") == [NIOSH]  # a capacity's note
    assert slugs("7500") == [NIOSH]
    assert slugs("silica laboratory Malaysia") == [NIOSH]
    assert slugs("Malaisie") == [NIOSH]  # the country as French names it
    assert slugs("chemical safety laboratory") == [NIOSH]  # the capacity's theme and kind
    assert slugs("évacuation") == [INRS_SLUG]
    assert slugs("formation") == [INRS_SLUG]
    assert slugs("research institute France") == [INRS_SLUG]
    assert slugs("silica -malaysia") == []
    assert slugs("elephant") == []


def test_the_snippet_marks_the_words_found(forum: Forum) -> None:
    make()
    result = found("silica", shows="institutions").institutions.items[0]
    assert ("silica", True) in result.snippet
    assert "".join(text for text, _ in result.snippet).endswith("crystalline silica, NIOSH 7500")


def test_an_edited_institution_is_found_by_its_new_name_not_its_old(forum: Forum) -> None:
    institution = make()
    assert slugs("occupational") == [NIOSH]
    changed = niohs_fields(name="Malaysian Workplace Health Agency", acronym="MWHA",
                           other_names={}, capacities=[])  # fmt: skip
    assert institutions.update(None, db.session.get(Institution, institution.id), changed)
    assert slugs("occupational") == []
    assert slugs("NIOSH") == []
    assert slugs("silica") == []  # its capacity went with the edit
    assert slugs("workplace agency") == [NIOSH]
    assert slugs("mwha") == [NIOSH]


def test_the_outbox_row_is_written_with_the_institution_or_not_at_all(forum: Forum) -> None:
    institution = make()
    rows = db.session.scalars(select(SearchOutbox).where(SearchOutbox.institution_id.is_not(None)))
    assert [(row.institution_id, row.thread_id, row.indexed_at is not None) for row in rows] == [
        (institution.id, None, True)
    ]
    with pytest.raises(DuplicateInstitution):
        make(acronym="DUP")
    assert db.session.scalar(select(SearchOutbox).where(SearchOutbox.id > rows_max())) is None
    assert slugs("dup") == []


def rows_max() -> int:
    return max(db.session.scalars(select(SearchOutbox.id)))


def test_a_change_the_index_missed_is_caught_up_by_the_next_drain(
    forum: Forum, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox, "drain_committed", lambda: 0)  # the index was busy
    make()
    assert slugs("niosh") == []
    assert outbox.has_pending()
    outbox.drain()
    assert slugs("niosh") == [NIOSH]


def test_a_rebuild_and_the_start_up_check_include_institutions(forum: Forum) -> None:
    institution = make()
    with search.backend().writer(timeout=5) as writer:  # lost from the index
        writer.delete_institution(institution.id)
    assert slugs("niosh") == []
    assert outbox.ensure_current() == "stale"
    assert slugs("niosh") == [NIOSH]
    search.backend().clear()
    assert outbox.rebuild() == 0  # posts
    assert search.backend().institution_count() == 1
    assert slugs("niosh") == [NIOSH]


def test_themes_and_networks_narrow_institutions_thread_only_filters_find_none(
    forum: Forum,
) -> None:
    make()
    make(**INRS)
    assert slugs("institute theme:chemical-safety") == [NIOSH]
    assert slugs("institute theme:fire-safety") == [INRS_SLUG]
    assert slugs("institute network:asean-oshnet") == [NIOSH]
    assert slugs("institute board:asean-oshnet/chemical-safety") == [NIOSH]
    assert slugs("institute board:ilo-global/chemical-safety") == []
    assert slugs("niosh network:ilo-global") == []
    for thread_only in ("author:amina", "kind:question", "is:unanswered", "after:2020"):
        assert slugs(f"niosh {thread_only}") == []
    assert slugs("theme:chemical-safety") == []  # institutions are found by words


def test_the_facet_counts_each_type_of_result(forum: Forum) -> None:
    make()
    make(**INRS)
    make(name="Department of Occupational Safety and Health", acronym="DOSH",
         kind="inspectorate", other_names={}, capacities=[])  # fmt: skip
    forum.thread("Safety institute visit", "Which one did you visit?")
    everything = found("safety")
    assert everything.institution_total == 3
    assert everything.results.total == 1
    assert len(everything.institutions.items) == search.INSTITUTIONS_BESIDE
    assert [r.thread.title for r in everything.results.items] == ["Safety institute visit"]
    only = found("safety", shows="institutions", per_page=2)
    assert only.institution_total == 3
    assert only.institutions.total == 3
    assert len(only.institutions.items) == 2
    assert only.results.total == 1  # counted for the facet, not shown
    assert only.results.items == []
    threads = found("safety", shows="threads")
    assert threads.institution_total == 3
    assert not threads.institutions.items
    assert found("occupational").institution_total == 2


def test_thread_results_and_their_ranking_do_not_change(forum: Forum) -> None:
    forum.thread("Silica sampling", "Respirable crystalline silica, NIOSH 7500.")
    forum.thread("Laboratory in Malaysia", "Which laboratory tests silica in Malaysia?")
    forum.thread("Safety institute", "The national institute trains inspectors.")
    queries = ["silica", "silica laboratory malaysia", "niosh", "national institute", "safety"]

    def threads() -> list:
        return [
            [(r.thread.title, r.post.id, round(r.score, 9)) for r in search.search(
                search.parse(query), 1, 10).results.items]
            for query in queries
        ]  # fmt: skip

    before = threads()
    make()
    make(**INRS)
    assert slugs("silica") == [NIOSH]
    assert threads() == before
    assert [r.thread.title for r in found("silica").results.items] == [
        title for title, _, _ in before[0]
    ]


# --- the page -----------------------------------------------------------------------------


def test_the_page_shows_institutions_beside_threads_with_the_facet(
    app: Flask, cleared: None, anonymous: Person, member: Person
) -> None:
    with app.test_request_context():
        make()
        make(**INRS)
        db.session.remove()
    member.start_thread("NIOSH 7500 method", "Silica by XRD.")
    html = anonymous.get("/search?q=niosh").get_data(as_text=True)
    assert "1 thread found" in html
    assert "Type of result" in html
    assert re.search(r'href="/search\?q=niosh&amp;type=institutions">Institutions</a> '
                     r'<span class="count">1</span>', html)  # fmt: skip
    assert 'href="/institutions/niosh-my"' in html
    assert "<mark>NIOSH</mark>" in html
    assert "Malaysia" in html
    assert "National OSH institute" in html

    only = anonymous.get("/search?q=niosh&type=institutions").get_data(as_text=True)
    assert "1 institution found" in only
    assert 'href="/institutions/niosh-my"' in only
    assert "7500 method" not in only
    assert "thread found" not in only

    threads = anonymous.get("/search?q=niosh&type=threads").get_data(as_text=True)
    assert 'href="/institutions/niosh-my"' not in threads
    assert "7500 method" in threads

    nothing = anonymous.get("/search?q=elephant").get_data(as_text=True)
    assert "Type of result" not in nothing  # no institution found: the page as it was
    assert anonymous.get("/search?q=niosh&type=poems").status_code == 200
    assert anonymous.get("/search?q=niosh&type=institutions&page=9").status_code == 404


def test_the_page_costs_the_same_queries_for_one_institution_or_many(
    app: Flask, cleared: None, anonymous: Person
) -> None:
    def add(word: str, count: int) -> None:
        with app.test_request_context():
            for number in range(count):
                make(name=f"{word} Centre {number}", acronym=f"{word[:3]}{number}", other_names={})
            db.session.remove()

    for word, shows in (("Safety", "all"), ("Health", "institutions")):
        add(word, 1)
        with counting_queries(app) as one:
            html = anonymous.get(f"/search?q={word}+centre&type={shows}").get_data(as_text=True)
        assert html.count('class="result result-institution"') == 1
        add(f"Other {word}", 11)
        with counting_queries(app) as many:
            html = anonymous.get(f"/search?q={word}+centre&type={shows}").get_data(as_text=True)
        assert html.count('class="result result-institution"') > 1
        assert one.count == many.count
