"""The search page and the composer's similar threads, as people and scripts use them."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forum.search import results
from tests.conftest import Person, counting_queries


def result_titles(response) -> list[str]:  # noqa: ANN001
    html = response.get_data(as_text=True)
    return [
        re.sub(r"<[^>]+>", "", title)
        for title in re.findall(r'<h2 class="thread-title"><a [^>]+>(.*?)</a>', html)
    ]


def test_every_page_leads_to_search(anonymous: Person) -> None:
    for page in ("/", "/themes", "/experts"):
        html = anonymous.get(page).get_data(as_text=True)
        assert '<li><a href="/search">Search</a></li>' in html


def test_an_empty_search_shows_the_form_and_no_results(anonymous: Person) -> None:
    response = anonymous.get("/search")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<label class="label" for="q">Search for</label>' in html
    assert "found" not in html


def test_searching_a_forum_with_nothing_indexed_yet_finds_nothing(
    app: Flask, anonymous: Person
) -> None:
    """A new forum's index exists and holds no document: a search says so, never a 500."""
    from forum.search import outbox

    with app.app_context():
        outbox.rebuild()
    response = anonymous.get("/search?q=oxygen")
    assert response.status_code == 200
    assert "0 threads found" in response.get_data(as_text=True)


def test_a_member_finds_a_thread_with_the_words_marked(member: Person) -> None:
    member.start_thread("Gas detector bump test", "Bump test the detector before each shift.")
    response = member.get("/search?q=bump+tests")
    html = response.get_data(as_text=True)
    assert result_titles(response) == ["Gas detector bump test"]
    assert "<mark>Bump</mark> <mark>test</mark>" in html
    assert "1 thread found" in html
    assert 'href="/posts/' in html  # straight to the matching post


def test_filters_typed_as_words_show_in_the_controls(member: Person) -> None:
    member.start_thread(
        "Extinguisher", "Monthly extinguisher checks.", board="oic-oshnet/fire-safety"
    )
    member.start_thread("Tank", "Monthly tank checks.")
    response = member.get(
        "/search?q=monthly+theme:fire-safety+is:expert+board:oic-oshnet/fire-safety"
    )
    html = response.get_data(as_text=True)
    assert result_titles(response) == []  # nobody is a verified expert yet
    assert '<option selected value="fire-safety">Fire safety</option>' in html
    assert '<option selected value="expert">' in html
    assert 'value="monthly board:oic-oshnet/fire-safety"' in html  # no control for boards

    response = member.get("/search?q=monthly&theme=fire-safety")
    assert result_titles(response) == ["Extinguisher"]


def test_facets_narrow_the_search(member: Person) -> None:
    member.start_thread("Evacuation drill", "Drill plan.", board="oic-oshnet/fire-safety")
    member.start_thread("Rescue drill", "Drill for rescue.", board="asean-oshnet/confined-spaces")
    html = member.get("/search?q=drill").get_data(as_text=True)
    assert re.search(
        r'href="/search\?q=drill&amp;theme=fire-safety">Fire safety</a> <span class="count">1', html
    )
    assert re.search(
        r'href="/search\?q=drill&amp;network=asean-oshnet">ASEAN-OSHNET</a> <span class="count">1',
        html,
    )
    assert result_titles(member.get("/search?q=drill&network=asean-oshnet")) == ["Rescue drill"]


def test_results_are_paginated_with_rel_links(member: Person) -> None:
    for number in range(12):
        member.start_thread(f"Scaffold inspection {number}", "Scaffold tag check.")
    first = member.get("/search?q=scaffold&sort=newest").get_data(as_text=True)
    assert 'rel="next" href="/search?q=scaffold&amp;sort=newest&amp;page=2"' in first
    second = member.get("/search?q=scaffold&sort=newest&page=2")
    assert 'rel="prev"' in second.get_data(as_text=True)
    assert result_titles(second) == ["Scaffold inspection 1", "Scaffold inspection 0"]
    assert member.get("/search?q=scaffold&page=3").status_code == 404


def test_a_broad_search_says_it_counts_only_recent_matches(
    member: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    for number in range(3):
        member.start_thread(f"Scaffold inspection {number}", "Tag the scaffold.")
    monkeypatch.setattr(results, "MOST_POSTS", 2)
    html = member.get("/search?q=scaffold").get_data(as_text=True)
    assert "these 2 threads hold the most recent 2 of them" in html
    assert "threads found" not in html
    assert result_titles(member.get("/search?q=scaffold&sort=newest")) == [
        "Scaffold inspection 2",
        "Scaffold inspection 1",
    ]
    monkeypatch.setattr(results, "MOST_POSTS", 3)
    # another address: the first one's results are kept, and nothing in the forum changed
    html = member.get("/search?q=scaffold&sort=relevance").get_data(as_text=True)
    assert "3 threads found" in html
    assert "Many posts match" not in html


def test_text_from_posts_is_escaped_in_snippets(member: Person) -> None:
    member.start_thread("Escaping", "Quote: <script>alert(1)</script> uniqueword <b>bold</b>")
    html = member.get("/search?q=uniqueword").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>uniqueword</mark>" in html


def test_hidden_posts_do_not_show_in_search(app: Flask, member: Person) -> None:
    from tests.conftest import make_person, reply_ids, thread_id_from

    thread_id = thread_id_from(member.start_thread("Trenches", "Shoring."))
    make_person(app, "other").reply(thread_id, "Dig without shoring: secretword.")
    moderator = make_person(app, "moderator", moderates=("oic-oshnet",))
    assert result_titles(member.get("/search?q=secretword")) == ["Trenches"]
    post_id = reply_ids(app, thread_id)[0]
    assert moderator.post(f"/mod/posts/{post_id}/hide", {"reason": "Unsafe"}).status_code == 302
    assert result_titles(member.get("/search?q=secretword")) == []
    assert result_titles(moderator.get("/search?q=secretword")) == []


HOSTILE_QUERIES = [
    '"unbalanced',
    "OR",
    "-",
    "theme:",
    "is:",
    "theme:nonexistent ladder",
    "network:<script>",
    "board:a/b/c",
    "author:' OR 1=1 --",
    "before:2024-13-45",
    "after:99999",
    "x" * 10_000,
    "(*) [a-z]+ ^$ \\d{3} ?*",
    "'; DROP TABLE posts; --",
    "🦺🔥 ⚠️",
    "سلامة الأماكن المغلقة \u202e reversed",
    "\u200f\u200e\u2066isolate\u2069",
    "%00 %s %(name)s {0}",
    "a" * 300 + " OR " * 50,
]


@pytest.mark.parametrize("typed", HOSTILE_QUERIES)
def test_hostile_queries_get_results_or_a_message(anonymous: Person, typed: str) -> None:
    response = anonymous.get("/search?q=" + quote(typed))
    assert response.status_code == 200
    assert "found" in response.get_data(as_text=True)


def test_unknown_names_are_said_not_ignored(anonymous: Person) -> None:
    html = anonymous.get("/search?q=ladder+theme:welding-robots").get_data(as_text=True)
    assert "There is no theme “welding-robots”." in html
    assert "0 threads found" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("q=ladder&after=not-a-date", "Not a valid date value."),
        ("q=ladder&theme=%3Cscript%3E", "Not a valid choice."),
        ("q=ladder&kind=poem", "“poem” is not one of these choices, so this filter was left out."),
    ],
)
def test_bad_controls_are_marked_and_the_rest_still_searches(
    member: Person, query: str, message: str
) -> None:
    member.start_thread("Ladder angle", "Ladder at 75 degrees.")
    response = member.get("/search?" + query)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert result_titles(response) == ["Ladder angle"]


def test_nul_bytes_in_a_query_are_refused(anonymous: Person) -> None:
    assert anonymous.get("/search?q=a%00b").status_code == 400


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.dictionaries(
        st.sampled_from(["q", "theme", "network", "kind", "show", "author", "after", "before",
                         "sort", "page", "type"]),
        # no NUL (refused with 400, tested apart) and no lone surrogates (no URL can hold one)
        st.text(
            alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
            max_size=60,
        ),
    )
)  # fmt: skip
def test_no_combination_of_parameters_breaks_the_page(anonymous: Person, params: dict) -> None:
    response = anonymous.get("/search", query_string=params)
    assert response.status_code in (200, 404), response.status_code


def test_the_page_costs_the_same_queries_for_two_results_or_ten(app: Flask, member: Person) -> None:
    for number in range(2):
        member.start_thread(f"Forklift {number}", "Forklift seat belt.")
    with counting_queries(app) as few:
        assert len(result_titles(member.get("/search?q=forklift"))) == 2
    for number in range(2, 10):
        member.start_thread(f"Forklift {number}", "Forklift seat belt.")
    with counting_queries(app) as many:
        assert len(result_titles(member.get("/search?q=forklift"))) == 10
    assert few.count == many.count
    assert many.count <= 10


def test_similar_threads_for_a_title_being_typed(member: Person) -> None:
    member.start_thread("Gas testing before entering a wet well", "Which order?")
    member.start_thread("Noise at the press shop", "85 dB(A).")
    found = member.get("/search/similar?title=testing+gas+in+a+sewer").get_json()
    assert [thread["title"] for thread in found["threads"]] == [
        "Gas testing before entering a wet well"
    ]
    assert found["threads"][0]["url"].startswith("/threads/")
    assert member.get("/search/similar?title=").get_json() == {"threads": []}
    assert member.get("/search/similar?title=" + quote('"(*' * 500)).status_code == 200


@pytest.fixture
def app_config() -> dict[str, object]:
    # TestRateLimit checks the limit itself; query counts measure the page, not the cache
    return {"SEARCH_RATE_LIMIT": "100000 per hour", "PAGE_CACHE_MB": 0}


class TestRateLimit:
    @pytest.fixture
    def app_config(self) -> dict[str, object]:
        return {"SEARCH_RATE_LIMIT": "3 per minute"}

    def test_searches_are_limited_per_client_with_a_time_to_retry(self, anonymous: Person) -> None:
        for _ in range(3):
            assert anonymous.get("/search?q=ladder").status_code == 200
        refused = anonymous.get("/search?q=ladder")
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) > 0
        assert anonymous.get("/search/similar?title=ladder").status_code == 429


def test_results_say_which_language_each_post_is_in(member: Person, anonymous: Person) -> None:
    member.start_thread("Ventilation des égouts", "Avant d'entrer dans les égouts, ventilez.")
    member.start_thread("Sewer ventilation", "Ventilate the sewer before entry.")
    html = anonymous.get("/search?q=ventilation").get_data(as_text=True)
    assert '<span class="content-language" lang="fr">Français</span>' in html
    assert '<span class="content-language" lang="en">English</span>' in html
    assert '<p class="snippet" dir="auto" lang="fr">' in html
