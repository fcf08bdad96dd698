"""The search's phrases, read from the pairs of words the index holds, find the same posts
with the same scores as Whoosh's Phrase reading each word's positions: on a corpus indexed as
the forum indexes posts, where the phrases' words stand together, apart, reversed and
repeated, whole and read a slice at a time (as the search reads a segment backwards)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from whoosh import fields, index
from whoosh import query as wq

from forum.search.whoosh_analysis import ANALYZER, pair, words_of
from forum.search.whoosh_phrase import Phrase
from forum.search.whoosh_schema import TextWithPairs

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
    made = index.create_in(folder, fields.Schema(text=TextWithPairs(analyzer=ANALYZER)))
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


def posts(searcher, query: wq.Query, start: int = 0) -> list[int]:  # noqa: ANN001
    return [post for post, _ in matches(searcher, query, start)]


def indexed(words: list[str]) -> list[str]:
    """The words as the index holds them (stemmed)."""
    return [next(iter(words_of(word, "en")), word) for word in words]


@pytest.mark.parametrize("words", PHRASES, ids=" ".join)
@pytest.mark.parametrize("boost", [1.0, 0.4])
def test_the_same_posts_and_scores_as_whooshs_phrase(searcher, words, boost) -> None:  # noqa: ANN001
    said = words[-1] not in ("missing", "\udc80")
    words = indexed(words)
    found = matches(searcher, Phrase("text", words, boost=boost))
    assert found == matches(searcher, wq.Phrase("text", words, boost=boost))
    if said:
        assert len(found) > 10, "the corpus says each phrase often"
    for start in (1, 150, 599):  # skipping ahead to a post, as a slice is read
        assert posts(searcher, Phrase("text", words), start) == posts(
            searcher, wq.Phrase("text", words), start
        )


def test_within_a_query_as_the_search_builds_it(searcher) -> None:  # noqa: ANN001
    def either(phrase: type[wq.Phrase]) -> wq.Query:
        return wq.Or(
            [wq.Term("text", "watch"), phrase("text", indexed(["safety", "data", "sheet"]))]
        )

    assert matches(searcher, either(Phrase)) == matches(searcher, either(wq.Phrase))


def test_pairs_are_indexed_but_count_in_no_length_nor_query(tmp_path: Path) -> None:
    """A post is as long as its words (BM25 weighs a match in a long post less); a query's
    words are read without pairs."""
    made = index.create_in(tmp_path, fields.Schema(text=TextWithPairs(analyzer=ANALYZER)))
    with made.writer() as writer:
        writer.add_document(text="The hot work permit for the crew")
    with made.searcher() as searcher:
        assert searcher.doc_field_length(0, "text") == 4  # hot work permit crew
        assert ("text", pair("work", "permit")) in searcher.reader()
        assert ("text", pair("permit", "crew")) in searcher.reader()  # over the common word
    assert words_of("safety data sheet", "en") == ["safeti", "data", "sheet"]


def test_a_pair_whose_posts_are_all_deleted_finds_nothing(tmp_path: Path) -> None:
    """Whoosh keeps a deleted post's terms in its segment until a merge: a pair of deleted
    posts only is in the index, with no post to step through (an edit deletes and adds)."""
    schema = fields.Schema(id=fields.ID(unique=True), text=TextWithPairs(analyzer=ANALYZER))
    made = index.create_in(tmp_path, schema)
    with made.writer() as writer:
        writer.add_document(id="0", text="We keep every safety data binder here")
        writer.add_document(id="1", text="Where is the data sheet")
    with made.writer() as writer:
        writer.delete_by_term("id", "1")
    with made.searcher() as searcher:
        for words in (["safeti", "data", "sheet"], ["data", "sheet"]):
            assert matches(searcher, Phrase("text", words)) == []
            assert matches(searcher, Phrase("text", words).copy()) == []
        assert posts(searcher, Phrase("text", ["safeti", "data"])) == [0]


def test_whooshs_own_search_of_the_best_few(searcher) -> None:  # noqa: ANN001
    """Whoosh's top-N search (the institutions' search) asks each part's best score."""
    ours = searcher.search(
        wq.Or([wq.Term("text", "crew"), Phrase("text", indexed(["fire", "watch"]))]), limit=5
    )
    theirs = searcher.search(
        wq.Or([wq.Term("text", "crew"), wq.Phrase("text", indexed(["fire", "watch"]))]), limit=5
    )
    assert [hit.docnum for hit in ours] == [hit.docnum for hit in theirs]
    assert ours.scored_length() == 5
