"""What people type, parsed: words, phrases, OR, exclusions and filters; nothing breaks it."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forum.search.query import MAX_QUERY_CHARS, MAX_TERMS, SearchQuery, Term, parse


def test_words_phrases_or_and_exclusions() -> None:
    query = parse('gas "bump test" blower OR fan -welding -"hot work"')
    assert query.groups == ((Term("gas"),), (Term("bump test", phrase=True),),
                            (Term("blower"), Term("fan")))  # fmt: skip
    assert query.excluded == (Term("welding"), Term("hot work", phrase=True))
    assert query.words() == 'gas "bump test" blower OR fan -welding -"hot work"'


def test_filters_are_taken_out_of_the_words() -> None:
    query = parse(
        "ventilation theme:Confined-Spaces network:oic-oshnet board:asean-oshnet/fire-safety "
        "author:@Amina kind:good-practice is:answered is:expert after:2024-06 before:2025"
    )
    assert query.words() == "ventilation"
    assert (query.theme, query.network, query.board) == (
        "confined-spaces",
        "oic-oshnet",
        "asean-oshnet/fire-safety",
    )
    assert (query.author, query.kind, query.answered, query.expert) == (
        "amina",
        "good_practice",
        True,
        True,
    )
    assert (query.after, query.before) == (date(2024, 6, 1), date(2025, 1, 1))
    assert query.notices == ()


@pytest.mark.parametrize(
    ("typed", "notice"),
    [
        ("theme:", "“theme:” needs a value"),
        ("is:maybe", "“is:maybe” is not something we can filter by"),
        ("kind:poem", "“kind:poem” is not something we can filter by"),
        ("before:yesterday", "Write dates as YYYY-MM-DD"),
        ("after:2024-02-30", "Write dates as YYYY-MM-DD"),
        ("colour:red", "“colour:” is not a filter; it was searched as words"),
        ("x" * (MAX_QUERY_CHARS + 50), f"Only the first {MAX_QUERY_CHARS} characters"),
        (" ".join(f"w{n}" for n in range(MAX_TERMS + 5)), f"Only the first {MAX_TERMS} words"),
    ],
)
def test_what_cannot_be_used_is_said(typed: str, notice: str) -> None:
    shown = [
        message.replace("\u2066", "").replace("\u2069", "") for message in parse(typed).notices
    ]
    assert any(notice in message for message in shown)


@pytest.mark.parametrize(
    ("typed", "isolated"),
    [("theme:", "theme:"), ("kind:poem", "kind:poem"), ("colour:red", "colour:")],
)
def test_what_was_typed_keeps_its_colon_in_place_in_any_direction(
    typed: str, isolated: str
) -> None:
    """A left-to-right isolate around the filter: in an Arabic sentence "kind:poem" would
    otherwise read "poem:kind"."""
    assert any(f"\u2066{isolated}\u2069" in message for message in parse(typed).notices)


def test_a_link_is_words_not_an_unknown_filter() -> None:
    query = parse("https://osha.europa.eu/guide")
    assert query.notices == ()
    assert query.has_words


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("OR", ""),
        ("OR ladder OR", "ladder"),
        ("-", ""),
        ('"', ""),
        ('"unbalanced quote runs to the end', '"unbalanced quote runs to the end"'),
        ('a"b c"', 'a "b c"'),
        ('""', ""),
        ('"-abc" "OR" "theme:x"', '"-abc" "OR" "theme:x"'),  # quoted: words, whatever they say
        ("or and not", "or and not"),  # only upper-case OR joins
        ("*?+[](){}^$|\\", "*?+[](){}^$|\\"),
    ],
)
def test_stray_operators_and_quotes(typed: str, words: str) -> None:
    assert parse(typed).words() == words


def test_an_empty_query_has_nothing() -> None:
    assert parse("   ").is_empty
    assert parse("theme:fire-safety").has_filters
    assert not parse("theme:fire-safety").has_words


@given(st.text(max_size=400))
def test_any_text_parses_and_its_words_parse_back_the_same(text: str) -> None:
    query = parse(text)
    assert isinstance(query, SearchQuery)
    assert len(query.positive_terms()) + len(query.excluded) <= MAX_TERMS
    again = parse(query.words())
    assert (again.groups, again.excluded) == (query.groups, query.excluded)
