"""Search that does what it says (issue #23): filters alone, links without false errors,
titles marked, who started a thread, and similar threads that are similar. On both backends,
as tests/test_search_conformance.py runs them: Whoosh always, PostgreSQL full-text when
FORUM_TEST_DATABASE_URL names a PostgreSQL database (CI's second run)."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from flask import Flask

from forum import search
from forum.extensions import db
from forum.search import results
from forum.search.backend import MATCH_END, MATCH_START
from forum.services import qa
from tests.conftest import Person, errors_in, make_person
from tests.search_helpers import Forum
from tests.test_search_page import result_titles


@pytest.fixture
def app_config(search_backend: str) -> dict[str, object]:
    return {
        "SEARCH_BACKEND": search_backend,
        "SEARCH_RATE_LIMIT": "100000 per hour",
        "PAGE_CACHE_MB": 0,
    }


@pytest.fixture(autouse=True)
def empty_index(app: Flask) -> None:
    """PostgreSQL's index is a table the database wipe between tests does not know."""
    with app.app_context():
        search.backend().clear()
        db.session.remove()


def write(app: Flask, fill) -> None:  # noqa: ANN001
    """Write content in an app context of its own, then let go of its session (each call
    registers the members it names: name new ones in a later call)."""
    with app.app_context():
        fill(Forum(app))
        db.session.remove()


def titles_html(response) -> list[str]:  # noqa: ANN001
    """Each result's title as the page writes it, marks included."""
    html = response.get_data(as_text=True)
    return re.findall(r'<h2 class="thread-title"><a [^>]+><bdi>(.*?)</bdi></a>', html)


def some_questions(forum: Forum) -> None:
    answered = forum.thread("Gas detector bump test", "How often?")
    qa.accept(forum.member("amina"), forum.reply(answered, "Every day.", author="siti"))
    forum.thread("Tripod for a manhole", "Which tripod?")
    forum.thread("Permit for a wet well", "Who signs?")
    forum.thread("Fire watch", "Sixty minutes.", kind="good_practice")
    forum.thread("Heat stress and shifts", "Earlier hours?", kind="discussion")


# --- 1. filters alone -----------------------------------------------------------------------


def test_is_unanswered_alone_is_a_search() -> None:
    assert not search.parse("is:unanswered").is_empty
    assert search.parse("is:unanswered").has_filters


def test_is_unanswered_alone_finds_the_open_questions_newest_first(
    app: Flask, anonymous: Person
) -> None:
    write(app, some_questions)
    open_questions = ["Permit for a wet well", "Tripod for a manhole"]
    response = anonymous.get("/search?q=is:unanswered")
    assert result_titles(response) == open_questions
    assert "2 threads found" in response.get_data(as_text=True)
    assert result_titles(anonymous.get("/search?q=is:answered")) == ["Gas detector bump test"]


@pytest.mark.parametrize(
    "address",
    [
        "/search?show=unanswered",
        # as the form sends it: every control, the words left empty
        "/search?q=&theme=&network=&kind=&show=unanswered&author=&after=&before=&sort=relevance",
        "/search?q=&kind=question&show=unanswered",
    ],
)
def test_show_unanswered_with_no_words_lists_the_open_questions(
    app: Flask, anonymous: Person, address: str
) -> None:
    write(app, some_questions)
    response = anonymous.get(address)
    assert result_titles(response) == ["Permit for a wet well", "Tripod for a manhole"]
    assert errors_in(response) == ""
    assert '<option selected value="unanswered">' in response.get_data(as_text=True)


# --- 2. links show no false errors ----------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "/search?q=permit",  # a shared ?q=
        "/search?q=permit&theme=confined-spaces",  # a theme facet
        "/search?q=permit&network=oic-oshnet",  # a network facet
        "/search?q=permit&kind=&show=",
        "/search?q=permit+is:unanswered",
        "/search?q=permit&sort=newest",
    ],
)
def test_a_search_opened_from_a_link_shows_no_errors(
    app: Flask, anonymous: Person, address: str
) -> None:
    write(app, some_questions)
    response = anonymous.get(address)
    assert response.status_code == 200
    assert errors_in(response) == ""
    assert "Not a valid choice" not in response.get_data(as_text=True)
    assert result_titles(response) == ["Permit for a wet well"]


def test_every_facet_link_on_a_results_page_opens_without_errors(
    app: Flask, anonymous: Person
) -> None:
    write(app, some_questions)
    html = anonymous.get("/search?q=gas+OR+permit+OR+tripod").get_data(as_text=True)
    facets = re.findall(r'<li><a href="(/search\?[^"]+)"', html)
    assert len(facets) >= 2
    for facet in facets:
        response = anonymous.get(facet.replace("&amp;", "&"))
        assert errors_in(response) == "", facet
        assert result_titles(response), facet


@pytest.mark.parametrize(("name", "value"), [("kind", "poem"), ("show", "<script>x</script>")])
def test_an_unknown_choice_is_left_out_and_says_so(
    app: Flask, anonymous: Person, name: str, value: str
) -> None:
    write(app, some_questions)
    response = anonymous.get(f"/search?q=permit&{name}={quote(value)}")
    html = response.get_data(as_text=True)
    assert "<script>x</script>" not in html
    shown = value.replace("<", "&lt;").replace(">", "&gt;")
    assert errors_in(response) == (
        f"“{shown}” is not one of these choices, so this filter was left out."
    )
    assert result_titles(response) == ["Permit for a wet well"]


# --- 3. title words are marked --------------------------------------------------------------


def test_title_words_are_marked_like_body_words(app: Flask, anonymous: Person) -> None:
    write(app, lambda forum: forum.thread("Gas detector bump test", "Before each shift."))
    # the words typed only: "bump test" names a concept whose labels would be marked too
    response = anonymous.get("/search?q=bump+tests&words=typed")
    assert titles_html(response) == ["Gas detector <mark>bump</mark> <mark>test</mark>"]
    # a title matching only in part, and its text escaped around the marks
    write(app, lambda forum: forum.thread("Shoring <b>trenches</b> & pits", "Dig.", author="siti"))
    assert titles_html(anonymous.get("/search?q=trench")) == [
        "Shoring &lt;b&gt;<mark>trenches</mark>&lt;/b&gt; &amp; pits"
    ]


def test_without_words_titles_are_shown_unmarked(app: Flask, anonymous: Person) -> None:
    write(app, some_questions)
    shown = titles_html(anonymous.get("/search?q=is:unanswered"))
    assert shown == ["Permit for a wet well", "Tripod for a manhole"]


def test_a_title_the_index_has_not_caught_up_with_is_shown_as_it_is() -> None:
    marked = f"Old {MATCH_START}title{MATCH_END}"
    assert results._title("New title", marked) == [("New title", False)]
    assert results._title("Old title", marked) == [("Old ", False), ("title", True)]


# --- 4. who started the thread --------------------------------------------------------------


def test_a_result_says_who_started_the_thread(app: Flask, anonymous: Person) -> None:
    def fill(forum: Forum) -> None:
        thread = forum.thread("Trench shoring", "Which boxes?", author="amina")
        forum.reply(thread, "Hydraulic shores: secretword.", author="kemal")

    write(app, fill)
    html = anonymous.get("/search?q=secretword").get_data(as_text=True)
    byline = re.search(r'<p class="thread-byline">(.*?)</p>', html, re.S).group(1)
    text = " ".join(re.sub(r"<[^>]+>", "", byline).split())
    assert text.startswith("Started by amina on ")
    assert 'href="/u/amina"' in byline
    assert "best match in a reply by kemal" in text

    html = anonymous.get("/search?q=trench").get_data(as_text=True)
    byline = re.search(r'<p class="thread-byline">(.*?)</p>', html, re.S).group(1)
    text = " ".join(re.sub(r"<[^>]+>", "", byline).split())
    assert text.startswith("Started by amina on ")
    assert "reply by" not in text


# --- 5. similar threads while composing -----------------------------------------------------


def a_small_forum(forum: Forum) -> None:
    forum.thread(
        "Gas testing sequence before entering a wastewater wet well",
        "Our draft tests for oxygen, flammables (LEL) and H2S at the top, middle and bottom.",
        author="kemal",
    )
    forum.thread(
        "Respirable crystalline silica monitoring frequency in small quarries",
        "How often do you sample? Levels vary a lot with wet or dry cutting.",
        board="ilo-global/mining",
    )
    c190 = forum.thread(
        "Applying ILO Convention 190 on violence and harassment in small enterprises",
        "How are small enterprises putting C190 into practice? Is gas station staff covered?",
        board="ilo-global/psychosocial-risks",
        kind="discussion",
    )
    forum.reply(c190, "A short yearly conversation with each worker worked well for us.")
    forum.thread(
        "Audiometric testing for workers exposed below 85 dB(A)",
        "Is it worth including them in the annual programme?",
        board="oic-oshnet/occupational-health-services",
    )


def similar_titles(person: Person, draft: str) -> list[str]:
    found = person.get("/search/similar?title=" + quote(draft)).get_json()
    return [thread["title"] for thread in found["threads"]]


def test_a_wet_well_gas_question_suggests_the_gas_thread_only(
    app: Flask, anonymous: Person
) -> None:
    write(app, a_small_forum)
    assert similar_titles(anonymous, "gas testing in a wet well") == [
        "Gas testing sequence before entering a wastewater wet well"
    ]
    assert similar_titles(anonymous, "Silica sampling in quarries") == [
        "Respirable crystalline silica monitoring frequency in small quarries"
    ]


def test_weak_matches_are_not_suggested(app: Flask, anonymous: Person) -> None:
    write(app, a_small_forum)
    # words found only in the text of threads, never in a title: nothing rather than noise
    assert similar_titles(anonymous, "it worked for us") == []
    assert similar_titles(anonymous, "dry cutting of tiles") == []


def test_one_common_word_of_a_longer_draft_is_no_suggestion(app: Flask, anonymous: Person) -> None:
    def fill(forum: Forum) -> None:
        a_small_forum(forum)
        forum.thread(
            "Heat stress on construction sites: shifting working hours",
            "What WBGT threshold moves heavy work to the early morning?",
            board="ilo-global/construction",
            kind="discussion",
            author="li.wei",
        )
        forum.thread(
            "Worker participation in risk assessment under ISO 45001",
            "What evidence do auditors accept?",
            board="ilo-global/osh-management-systems",
            author="li.wei",
        )

    write(app, fill)
    assert similar_titles(anonymous, "heat stress for outdoor workers") == [
        "Heat stress on construction sites: shifting working hours"
    ]


def test_threads_sharing_as_many_title_words_are_all_suggested(
    app: Flask, anonymous: Person
) -> None:
    def fill(forum: Forum) -> None:
        a_small_forum(forum)
        forum.thread("Wet well ventilation", "Blower sizing.", author="siti")

    write(app, fill)
    assert similar_titles(anonymous, "ventilating a wet well") == [
        "Wet well ventilation",
        "Gas testing sequence before entering a wastewater wet well",
    ]


def test_the_composer_still_gets_its_suggestions_as_a_member(app: Flask) -> None:
    member = make_person(app, "fatou")
    write(app, a_small_forum)
    found = member.get("/search/similar?title=wet+well+gas").get_json()
    assert [thread["title"] for thread in found["threads"]] == [
        "Gas testing sequence before entering a wastewater wet well"
    ]
    assert found["threads"][0]["url"].startswith("/threads/")
