"""How the Whoosh index reads text: words, their language's common words and stems, title
weight; and the passage of a post that shows a query's words."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import STOP_WORDS, Filter, LowercaseFilter, RegexTokenizer
from whoosh.lang import stemmer_for_language, stopwords_for_language

from forum.languages import DEFAULT
from forum.search import arabic
from forum.search.backend import (
    ATTACHMENT_WEIGHT,
    MATCH_END,
    MATCH_START,
    SNIPPET_CHARS,
    TITLE_WEIGHT,
)

# the text field holds LANGUAGE_MARK code, then TITLE_MARK title TITLE_MARK body, then
# (when the post has attachments) ATTACHMENT_MARK and their names and text
TITLE_MARK, LANGUAGE_MARK, ATTACHMENT_MARK = "\x1f", "\x1e", "\x1d"
PAIR_MARK = "\x1c"  # between the two words of an indexed pair (_Pairs)


class _TitleWeight(Filter):
    """Words between the two TITLE_MARKs weigh TITLE_WEIGHT times as much, words after the
    ATTACHMENT_MARK ATTACHMENT_WEIGHT times (below the post's own words).

    Whoosh sums token boosts into each posting's weight, which BM25 reads as the term's
    frequency: one field ranks a title match above a body match, so a query needs one
    posting list per word instead of a union over title and body (a third faster).
    """

    def __call__(self, tokens: Iterator) -> Iterator:
        in_title = in_attachments = False
        for token in tokens:
            if token.text == TITLE_MARK:
                in_title = not in_title
                continue
            if token.text == ATTACHMENT_MARK:
                in_attachments = True
                continue
            token.boost = TITLE_WEIGHT if in_title else ATTACHMENT_WEIGHT if in_attachments else 1.0
            yield token


class _ArabicNormaliser(Filter):
    def __call__(self, tokens: Iterator) -> Iterator:
        for token in tokens:
            token.text = arabic.normalise(token.text)
            if token.text:
                yield token


# each language's common words and stemmer: Snowball for English, French and Spanish
_LANGUAGE_RULES = {
    "en": (STOP_WORDS, stemmer_for_language("en")),
    "fr": (stopwords_for_language("fr") | {"les"}, stemmer_for_language("fr")),
    "es": (stopwords_for_language("es"), stemmer_for_language("es")),
    "ar": (arabic.STOP_WORDS, arabic.light_stem),
}
_STEMS = {code: lru_cache(50_000)(stem) for code, (_, stem) in _LANGUAGE_RULES.items()}


class _ByLanguage(Filter):
    """Drops common words and stems the rest by the text's language: the LANGUAGE_MARK
    token that opens a document or query, else the default. One-letter words go too;
    two-letter ones (CO, UV) stay. Positions close up over dropped words, as StopFilter's."""

    def __init__(self, default: str) -> None:
        self.default = default

    def __call__(self, tokens: Iterator) -> Iterator:
        stops, stem = _LANGUAGE_RULES[self.default][0], _STEMS[self.default]
        position = None
        for token in tokens:
            if token.text[0] == LANGUAGE_MARK:
                code = token.text[1:] if token.text[1:] in _LANGUAGE_RULES else self.default
                stops, stem = _LANGUAGE_RULES[code][0], _STEMS[code]
                continue
            if len(token.text) < 2 or token.text in stops:
                if not token.removestops:  # highlighting keeps them in place
                    token.stopped = True
                    yield token
                continue
            if token.positions:
                position = token.pos if position is None else position + 1
                token.pos = position
            token.stopped = False
            token.text = stem(token.text)
            yield token


class _Pairs(Filter):
    """When a document is indexed, after each word also the pair it makes with the word
    before ("data sheet", as one term, at the first word's position): a phrase is then read
    from its pairs' posting lists, which hold only the posts where its words stand together,
    instead of from every post holding each of its words (forum.search.whoosh_phrase)."""

    def __call__(self, tokens: Iterator) -> Iterator:
        before = None
        for token in tokens:
            if token.mode != "index" or token.stopped:
                yield token
                continue
            word, position, boost = token.text, token.pos, token.boost
            yield token
            if before is not None:
                token.text = pair(before[0], word)
                token.pos, token.boost = before[1], min(before[2], boost)
                yield token
            before = (word, position, boost)


def pair(first: str, second: str) -> str:
    """The term two words in a row are indexed as, besides each word."""
    return f"{first}{PAIR_MARK}{second}"


# letters, with the Arabic marks (harakat, tatweel) that \w alone would split words at
_WORD = r"[\w\u0610-\u061a\u0640\u064b-\u065f\u0670\u06d6-\u06ed]+"


def _analyzer(default: str):  # noqa: ANN202
    return (
        RegexTokenizer(
            rf"{_WORD}(\.?{_WORD})*|{TITLE_MARK}|{ATTACHMENT_MARK}|{LANGUAGE_MARK}[a-z]{{2}}"
        )
        | _TitleWeight()
        | LowercaseFilter()
        | _ArabicNormaliser()
        | _ByLanguage(default)
        | _Pairs()
    )


ANALYZER = _analyzer(DEFAULT)  # documents and queries name their language with LANGUAGE_MARK


def plain(text: str) -> str:
    return text.replace(TITLE_MARK, " ").replace(LANGUAGE_MARK, " ").replace(ATTACHMENT_MARK, " ")


def words_of(text: str, language: str) -> list[str]:
    """The indexed forms of a query's words, read as the given language."""
    return [token.text for token in ANALYZER(f"{LANGUAGE_MARK}{language} {plain(text)}")]


_TOKEN = re.compile(rf"{_WORD}(?:\.?{_WORD})*")
SNIPPET_LEAD = 60  # characters shown before a passage's first match


def marked_passage(text: str, words: set[str], language: str) -> str | None:
    """The SNIPPET_CHARS of a post's text that hold the most of the query's words, each
    between MATCH_START and MATCH_END; None when none is there. Words are read as the index
    reads them (the same tokens, normalising, common words and stems), in one pass: Whoosh's
    highlighter builds a token object for every word and is three times slower."""
    return passage(text, _matches(text, words, language))


def passage(text: str, spans: list[tuple[int, int]]) -> str | None:
    """The SNIPPET_CHARS of the text that hold the most of these matches, marked."""
    if not spans:
        return None
    # begin a little before the match with the most matches within reach after it
    ends = [end for _, end in spans]
    first = max(
        range(len(spans)),
        key=lambda i: bisect_right(ends, spans[i][0] - SNIPPET_LEAD + SNIPPET_CHARS) - i,
    )
    begin = max(0, spans[first][0] - SNIPPET_LEAD)
    if begin and not text[begin - 1].isspace():  # at a word's start
        space = text.find(" ", begin, spans[first][0])
        begin = space + 1 if space >= 0 else spans[first][0]
    end = min(len(text), begin + SNIPPET_CHARS)
    if end < len(text):  # at a word's end
        space = text.rfind(" ", spans[first][1], end)
        end = space if space >= 0 else end
    pieces, at = ["… " if begin else ""], begin
    for start, stop in spans:
        if start >= begin and stop <= end:
            pieces += [text[at:start], MATCH_START, text[start:stop], MATCH_END]
            at = stop
    pieces += [text[at:end], " …" if end < len(text) else ""]
    return "".join(pieces)


def marked(text: str, words: set[str], language: str) -> str:
    """The whole text (a title) with every one of the query's words marked."""
    pieces, at = [], 0
    for start, stop in _matches(text, words, language):
        pieces += [text[at:start], MATCH_START, text[start:stop], MATCH_END]
        at = stop
    return "".join([*pieces, text[at:]])


def _matches(text: str, words: set, language: str) -> list[tuple[int, int]]:
    """Where the query's words are in a text, each read as the index reads it. A tuple of
    words among them is a phrase (a concept's label): marked only where all of it is."""
    stops, stem = (
        _LANGUAGE_RULES.get(language, _LANGUAGE_RULES[DEFAULT])[0],
        _STEMS.get(language, _STEMS[DEFAULT]),
    )
    spans, read = [], []  # read: (stem, span) of each word the index keeps
    for found in _TOKEN.finditer(text):
        token = arabic.normalise(found.group().lower())
        if len(token) > 1 and token not in stops:
            read.append((stem(token), found.span()))
            if read[-1][0] in words:
                spans.append(found.span())
    phrases = [phrase for phrase in words if isinstance(phrase, tuple)]
    if phrases:
        stems = [word for word, _ in read]
        for phrase in phrases:
            for start in range(len(stems) - len(phrase) + 1):
                if tuple(stems[start : start + len(phrase)]) == phrase:
                    spans += [span for _, span in read[start : start + len(phrase)]]
        spans = sorted(set(spans))
    return spans
