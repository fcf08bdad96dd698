"""A phrase ("safety data sheet") read from the pairs of words the index holds besides the
words ("safety data", "data sheet": forum.search.whoosh_analysis._Pairs).

Whoosh's Phrase steps through every post holding all of the phrase's words (on "safety data
sheet", every post saying "safety") and checks each by building a Span object for every
position of every word: most of a search's time, and all of it for a concept's label whose
words are common but never stand together. A pair's posting list holds only the posts where
two words stand together: a two-word phrase is one term; a longer one is read from its
pairs, rarest first, and checked where they follow one another (each post's positions
intersected as sets). A found post is scored by its words, as Whoosh scores a phrase.
"""

from __future__ import annotations

import itertools

from whoosh import matching
from whoosh import query as wq
from whoosh.matching import mcore

from forum.search.whoosh_analysis import pair


class Phrase(wq.Phrase):
    """Words next to each other in this order; no slop (the forum never asks for any)."""

    def matcher(self, searcher, context=None):  # noqa: ANN001, ANN201
        if len(self.words) == 1:
            return wq.Term(self.fieldname, self.words[0], boost=self.boost).matcher(
                searcher, context
            )
        reader = searcher.reader()
        field = searcher.schema[self.fieldname]
        try:
            pairs = [field.to_bytes(pair(a, b)) for a, b in itertools.pairwise(self.words)]
        except ValueError:  # as Whoosh's Phrase: a word the field cannot hold (half a surrogate)
            return matching.NullMatcher()
        if not pairs or any((self.fieldname, term) not in reader for term in pairs):
            return matching.NullMatcher()
        found = [wq.Term(self.fieldname, term).matcher(searcher, context) for term in pairs]
        counts = {
            id(matcher): reader.doc_frequency(self.fieldname, term)
            for matcher, term in zip(found, pairs, strict=True)
        }
        words = [wq.Term(self.fieldname, word).matcher(searcher, context) for word in self.words]
        phrase = _Adjacent(found, sorted(found, key=lambda matcher: counts[id(matcher)]), words)
        return matching.WrappingMatcher(phrase, boost=self.boost) if self.boost != 1.0 else phrase


class _Adjacent(mcore.Matcher):
    """The posts holding every pair where they follow one another, scored as Whoosh scores
    a phrase: by its words (a pair, rarer than its words, would weigh more than the same
    words typed apart)."""

    def __init__(self, terms: list, rarest_first: list, words: list) -> None:
        self.terms = terms  # in the phrase's order
        self.rarest_first = rarest_first
        self.words = words
        self._active = True
        self._settle()

    def _settle(self) -> None:
        """From where the rarest pair stands, on to the first post holding every pair in a
        row (each pair skipped ahead to the post the others stand at)."""
        rarest, *others = self.rarest_first
        while rarest.is_active():
            post = rarest.id()
            for term in others:
                if term.is_active() and term.id() < post:
                    term.skip_to(post)
                if not term.is_active():  # also a pair whose posts are all deleted
                    self._active = False
                    return
                if term.id() > post:
                    rarest.skip_to(term.id())
                    break
            else:
                if self._in_a_row():
                    return
                rarest.next()
        self._active = False

    def _in_a_row(self) -> bool:
        if len(self.terms) == 1:
            return True
        starts = set(self.terms[0].value_as("positions"))
        for offset, term in enumerate(self.terms[1:], start=1):
            starts.intersection_update(p - offset for p in term.value_as("positions"))
            if not starts:
                return False
        return True

    def is_active(self) -> bool:
        return self._active

    def id(self) -> int:
        return self.rarest_first[0].id()

    def next(self) -> None:
        self.rarest_first[0].next()
        self._settle()

    def skip_to(self, id: int) -> None:  # noqa: A002 (Whoosh's name)
        if self._active and self.id() < id:
            self.rarest_first[0].skip_to(id)
            self._settle()

    def score(self) -> float:
        post = self.id()
        for word in self.words:
            if word.id() < post:
                word.skip_to(post)
        return sum(word.score() for word in self.words)

    def children(self) -> list:
        return self.terms

    def copy(self):  # noqa: ANN201
        copies = {id(term): term.copy() for term in self.terms}
        return self.__class__(
            [copies[id(term)] for term in self.terms],
            [copies[id(term)] for term in self.rarest_first],
            [word.copy() for word in self.words],
        )

    def replace(self, minquality: float = 0):  # noqa: ANN201
        return self if self._active else matching.NullMatcher()

    def supports_block_quality(self) -> bool:
        return False

    def max_quality(self) -> float:
        """Whoosh's top-N search asks it of every part, once its heap is full."""
        return sum(word.max_quality() for word in self.words)
