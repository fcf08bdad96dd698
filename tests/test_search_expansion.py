"""The conformance suite's cases for query understanding: the same on both backends (its
fixtures run each test on Whoosh, and on PostgreSQL against FORUM_TEST_DATABASE_URL). The
concepts are the small set of tests/search_vocabulary.py, not the shipped data."""

from __future__ import annotations

import re

import pytest

from forum import search
from forum.search import expansion
from forum.search.query import parse
from tests.conftest import Person
from tests.search_helpers import Forum
from tests.search_vocabulary import small_vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("small_vocabulary")


@pytest.fixture
def app_config(search_backend: str) -> dict[str, object]:
    return {"SEARCH_BACKEND": search_backend}


def marks(result) -> list[str]:  # noqa: ANN001
    return [text for text, is_match in result.title + result.snippet if is_match]


def test_an_acronym_finds_the_words_it_stands_for_in_every_language(forum: Forum) -> None:
    forum.thread("Where to keep safety data sheets", "In the store room.", language="en")
    forum.thread("Fiche de données de sécurité", "Pour l'acétone.", language="fr")
    forum.thread("Ficha de datos de seguridad", "Para el tolueno.", language="es")
    forum.thread("صحيفة بيانات السلامة للأسيتون", "في المستودع.", language="ar")
    forum.thread("Ladder inspection", "Every week.", language="en")
    assert sorted(forum.titles("SDS")) == [
        "Ficha de datos de seguridad",
        "Fiche de données de sécurité",
        "Where to keep safety data sheets",
        "صحيفة بيانات السلامة للأسيتون",
    ]
    assert forum.titles("SDS", expand=False) == []


def test_a_query_in_one_language_finds_the_thread_in_another(forum: Forum) -> None:
    forum.thread("Fall protection on flat roofs", "Guardrails before anyone works at height.")
    forum.thread("Roof drainage", "Gutters and downpipes.")
    assert forum.titles("chute de hauteur") == ["Fall protection on flat roofs"]
    assert forum.titles("chutes de hauteur") == ["Fall protection on flat roofs"]  # inflected
    assert forum.titles("caida de altura") == ["Fall protection on flat roofs"]  # no accent
    assert forum.titles("chute de hauteur", expand=False) == []


def test_the_words_typed_rank_above_the_labels(forum: Forum) -> None:
    forum.thread("Safety data sheet for acetone", "Which section lists the exposure limits?")
    forum.thread("SDS for acetone", "Which section lists the exposure limits?")
    forum.thread("Stockage de l'acétone", "Gardez la fiche de données de sécurité.", language="fr")
    assert forum.titles("SDS") == [
        "SDS for acetone",
        "Safety data sheet for acetone",
        "Stockage de l'acétone",
    ]
    assert forum.titles("safety data sheet")[0] == "Safety data sheet for acetone"


def test_the_other_words_filters_and_exclusions_still_apply(forum: Forum) -> None:
    forum.thread(
        "SCBA cylinder refill", "Who refills the cylinders?", board="oic-oshnet/fire-safety"
    )
    forum.thread("Breathing apparatus checks", "Monthly cylinder checks.")
    forum.thread("Appareil respiratoire isolant", "Vérification mensuelle.", language="fr")
    forum.thread("Cylinder storage", "Chain the gas cylinders.")
    assert sorted(forum.titles("SCBA cylinder")) == [
        "Breathing apparatus checks",
        "SCBA cylinder refill",
    ]
    assert forum.titles("SCBA theme:fire-safety") == ["SCBA cylinder refill"]
    assert sorted(forum.titles("SCBA -refill")) == [
        "Appareil respiratoire isolant",
        "Breathing apparatus checks",
    ]
    assert forum.titles('"SCBA"') == ["SCBA cylinder refill"]  # quoted: exactly the words


def test_a_query_naming_no_concept_is_left_as_it_is(forum: Forum) -> None:
    for text in ("ladder inspection", "SDS OR ladder", '"fall from height"', "-SDS ladder", ""):
        query = parse(text)
        assert expansion.expand(query) is query
    named = expansion.expand(parse("working at height rescue"))
    assert [(e.first, e.last, e.concepts) for e in named.expansions] == [
        (0, 2, ("fall-from-height",))
    ]
    assert named.groups == parse("working at height rescue").groups


def test_snippets_mark_the_labels_in_the_posts_language(forum: Forum) -> None:
    forum.thread("Stockage", "Gardez la fiche de données de sécurité près du stock.", language="fr")
    forum.thread("Données", "Les données de la fiche de poste.", language="fr")
    found = forum.find("SDS").results.items
    assert [r.thread.title for r in found] == ["Stockage"]
    assert marks(found[0]) == ["fiche", "données", "sécurité"]
    # a label's words mark only where the whole label is: not "données" alone
    found = forum.find("données SDS").results.items
    assert [r.thread.title for r in found] == ["Stockage"]


def test_similar_threads_while_composing_use_the_concepts(forum: Forum) -> None:
    forum.thread("Fiche de données de sécurité de l'acétone", "Où la trouver ?", language="fr")
    forum.thread("Acetone storage", "Cabinet or shelf?")
    titles = [result.thread.title for result in search.similar("SDS for acetone")]
    assert titles[0] == "Fiche de données de sécurité de l'acétone"


# --- the search page says what it searched besides the words ------------------------------


def test_the_page_says_what_else_it_searched_and_offers_the_words_alone(
    forum: Forum, anonymous: Person
) -> None:
    forum.thread("Fiche de données de sécurité", "Pour l'acétone.", language="fr")
    forum.thread("Acetone drums", "Where to keep them?", board="oic-oshnet/fire-safety")
    html = anonymous.get("/search?q=SDS").get_data(as_text=True)
    also = re.search(r'<p class="search-also"[^>]*>(.*?)</p>', html).group(1)
    # the reader's language, and the language of the result found through it
    assert (
        "Also searched: <bdi>safety data sheet</bdi>, <bdi>fiche de données de sécurité</bdi>."
        in also
    )
    assert 'href="/search?q=SDS&amp;words=typed"' in also
    assert "1 thread found" in html

    html = anonymous.get("/search?q=SDS&words=typed").get_data(as_text=True)
    assert "0 threads found" in html
    assert "Only the words typed were searched." in html
    assert 'href="/search?q=SDS"' in html  # related terms again

    # facets and pages keep the choice, and so does the form, sent again with other filters
    html = anonymous.get("/search?q=acetone+SDS+OR+drums&words=typed").get_data(as_text=True)
    assert (
        "words=typed&amp;theme=fire-safety" in html or "theme=fire-safety&amp;words=typed" in html
    )
    for address, carried in (("/search?q=SDS&words=typed", True), ("/search?q=SDS", False)):
        html = anonymous.get(address).get_data(as_text=True)
        form = re.search(r'<form method="get"[^>]*role="search">(.*?)</form>', html, re.S)
        assert ('<input type="hidden" name="words" value="typed">' in form.group(1)) is carried


def test_a_query_naming_no_concept_says_nothing_more(forum: Forum, anonymous: Person) -> None:
    forum.thread("Acetone drums", "Where to keep them?")
    html = anonymous.get("/search?q=acetone").get_data(as_text=True)
    assert "1 thread found" in html
    assert "search-also" not in html


def test_the_page_says_it_searched_more_when_the_words_are_a_label(
    forum: Forum, anonymous: Person
) -> None:
    forum.thread("Safety data sheet for acetone", "Section 8.")
    html = anonymous.get("/search?q=safety+data+sheet").get_data(as_text=True)
    assert "Also searched: <bdi>fiche de données de sécurité</bdi>." in html


def test_a_label_holding_a_shorter_label_is_not_searched_again(forum: Forum) -> None:
    """ "material safety data sheet" holds "safety data sheet": searching it as well would
    find nothing more, at the cost of a phrase read."""
    forum.thread("Binder for the store room", "The material safety data sheet for toluene.")
    forum.thread("Ladder inspection", "Every week.")
    assert forum.titles("SDS") == ["Binder for the store room"]
    with forum.app.app_context():
        labels = {label.text for label in expansion.expand(parse("SDS")).expansions[0].labels}
    assert "safety data sheet" in labels
    assert "material safety data sheet" not in labels


def test_only_labels_holding_a_shorter_one_word_for_word_as_written_are_left_out() -> None:
    """PostgreSQL keeps a common word's place in a phrase: "politique de santé et de sécurité
    au travail" does not hold "politique santé sécurité" there, though the analysed words
    (Whoosh's) would."""
    found = [
        expansion.Label("politique santé sécurité", "fr"),
        expansion.Label("politique de santé et de sécurité au travail", "fr"),
        expansion.Label("safety data sheet", "en"),
        expansion.Label("Material Safety Data Sheet", "en"),
        expansion.Label("SDS", expansion.ACRONYM),
        expansion.Label("SDS register", "en"),
        expansion.Label("fiche de données de sécurité", "fr"),
        expansion.Label("données de sécurité", "es"),  # another language: not compared
    ]
    assert [label.text for label in expansion._without_longer(found)] == [
        "politique santé sécurité",
        "politique de santé et de sécurité au travail",
        "safety data sheet",
        "SDS",
        "fiche de données de sécurité",
        "données de sécurité",
    ]


def test_a_label_is_left_out_only_for_a_shorter_one_also_searched(monkeypatch) -> None:  # noqa: ANN001
    """With the shipped vocabulary: each concept's labels within the bound, as searched
    before labels holding others were left out, are each still found through one searched
    now ("risk assessment" still finds a post saying "évaluation des risques
    professionnels", whose shorter "évaluation des risques" comes past the bound)."""
    from forum.vocabulary import load

    shipped = load()
    monkeypatch.setattr(expansion, "vocabulary", lambda: shipped)
    for concept in shipped.concepts.values():
        typed = concept.labels["en"].pref
        named = expansion.expand(parse(typed)).expansions
        if not named or named[0].concepts != (concept.id,):
            continue
        before = expansion.labels(concept, named[0].typed[0])[: expansion.MAX_LABELS]
        searched = named[0].labels
        for label in before:
            assert any(
                other.language in (label.language, expansion.ACRONYM)
                and expansion._holds(expansion._written(label.text), expansion._written(other.text))
                for other in searched
            ), (concept.id, label)
