"""The search's own phrase matcher finds the same posts, with the same scores, as Whoosh's
Phrase: on a corpus where the phrases' words stand together, apart, reversed and repeated,
whole and read a slice at a time (as the search reads a segment backwards)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from whoosh import fields, index
from whoosh import query as wq

from forum.search.whoosh_phrase import Phrase

WORDS = ["safety", "data", "sheet", "fire", "watch", "hot", "work", "permit", "crew", "site"]
PHRASES = [
    ["safety", "data", "sheet"],
    ["data", "sheet"],
    ["sheet", "data"],
    ["fire", "watch"],
    ["hot", "work", "permit"],
    ["work", "work"],  # a word twice
    ["permit", "missing"],  # a word no post holds
    ["permit", "\udc80"],  # half a surrogate pair: no word the field can hold
]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    rng = random.Random(11)
    folder = Path(tmp_path_factory.mktemp("phrase"))
    made = index.create_in(folder, fields.Schema(text=fields.TEXT(stored=False)))
    writer = made.writer()
    for _ in range(600):
        words = [rng.choice(WORDS) for _ in range(rng.randint(1, 30))]
        if rng.random() < 0.3:  # some posts say a phrase outright
            at = rng.randint(0, len(words))
            words[at:at] = rng.choice(PHRASES[:5])
        writer.add_document(text=" ".join(words))
    writer.commit()
    with made.searcher() as opened:
        yield opened


def matches(searcher, query: wq.Query, start: int = 0) -> list[tuple[int, float]]:  # noqa: ANN001
    matcher = query.matcher(searcher, searcher.context())
    if matcher.is_active() and start:
        matcher.skip_to(start)
    found = []
    while matcher.is_active():
        found.append((matcher.id(), round(matcher.score(), 9)))
        matcher.next()
    return found


@pytest.mark.parametrize("words", PHRASES, ids=" ".join)
@pytest.mark.parametrize("boost", [1.0, 0.4])
def test_the_same_posts_and_scores_as_whooshs_phrase(searcher, words, boost) -> None:  # noqa: ANN001
    theirs = matches(searcher, wq.Phrase("text", words, boost=boost))
    ours = matches(searcher, Phrase("text", words, boost=boost))
    assert ours == theirs
    if words[-1] not in ("missing", "\udc80"):
        assert len(ours) > 10, "the corpus says each phrase often"
    for start in (1, 150, 599):  # skipping ahead to a post, as a slice is read
        assert matches(searcher, Phrase("text", words), start) == matches(
            searcher, wq.Phrase("text", words), start
        )


def test_within_a_query_as_the_search_builds_it(searcher) -> None:  # noqa: ANN001
    def either(phrase: type[wq.Phrase]) -> wq.Query:
        return wq.Or([wq.Term("text", "watch"), phrase("text", ["safety", "data", "sheet"])])

    assert matches(searcher, either(Phrase)) == matches(searcher, either(wq.Phrase))
