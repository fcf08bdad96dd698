"""What the Whoosh index holds and how a SearchQuery is asked of it.

Documents go in through fields_of(); queries come out of matching() and filters(), built
from the parsed query's structure (never from text through Whoosh's own parser).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from whoosh import columns, fields, highlight
from whoosh import query as wq
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.lang.snowball.english import EnglishStemmer

from forum.search.backend import MATCH_END, MATCH_START, TITLE_WEIGHT, Document, Hit
from forum.search.query import SearchQuery, Term

SCHEMA_VERSION = 2  # a change to SCHEMA below needs a new number: old indexes are rebuilt
TITLE_MARK = "\x1f"  # the text field holds MARK title MARK body


class _TitleWeight(Filter):
    """Words between the two TITLE_MARKs weigh TITLE_WEIGHT times as much.

    Whoosh sums token boosts into each posting's weight, which BM25 reads as the term's
    frequency: one field ranks a title match above a body match, so a query needs one
    posting list per word instead of a union over title and body (a third faster).
    """

    def __call__(self, tokens: Iterator) -> Iterator:
        in_title = False
        for token in tokens:
            if token.text == TITLE_MARK:
                in_title = not in_title
                continue
            token.boost = TITLE_WEIGHT if in_title else 1.0
            yield token


# Snowball English, lower-case, common words dropped; two-letter words (CO, UV) are kept.
ANALYZER = (
    RegexTokenizer(rf"\w+(\.?\w+)*|{TITLE_MARK}")
    | _TitleWeight()
    | LowercaseFilter()
    | StopFilter(minsize=2)
    | StemFilter(stemfn=EnglishStemmer().stem, cachesize=50_000)
)

SCHEMA = fields.Schema(
    post_id=fields.ID(unique=True, stored=True),
    thread_id=fields.ID(),
    text=fields.TEXT(analyzer=ANALYZER),
    body=fields.STORED(),  # for snippets
    author=fields.ID(),
    network=fields.ID(),
    theme=fields.ID(),
    board=fields.ID(),
    kind=fields.ID(),
    answered=fields.BOOLEAN(),
    expert=fields.BOOLEAN(),
    created=fields.DATETIME(),
    # what grouping and facets need for every hit, packed in one column: one read per hit
    facts=fields.COLUMN(columns.PickleColumn(columns.VarBytesColumn())),
)


class Marker(highlight.Formatter):
    between = " … "

    def format_token(self, text: str, token, replace: bool = False) -> str:  # noqa: ANN001
        return f"{MATCH_START}{highlight.get_text(text, token, replace)}{MATCH_END}"


def fields_of(document: Document) -> dict:
    title = document.title.replace(TITLE_MARK, " ")
    flags = ("a" if document.accepted else "") + ("e" if document.expert else "")
    created = document.created_at.replace(tzinfo=UTC).timestamp()
    return {
        "post_id": str(document.post_id),
        "thread_id": str(document.thread_id),
        "text": f"{TITLE_MARK}{title}{TITLE_MARK} {document.body}",
        "body": document.body,
        "author": document.author,
        "network": document.network,
        "theme": document.theme,
        "board": document.board,
        "kind": document.kind,
        "answered": document.answered,
        "expert": document.expert,
        "created": document.created_at,
        "facts": (document.post_id, document.thread_id, document.theme, document.network,
                  created, flags),
    }  # fmt: skip


def hit_of(facts: tuple, score: float) -> Hit:
    post_id, thread_id, theme, network, created, flags = facts
    return Hit(post_id, thread_id, theme, network, created, "a" in flags, "e" in flags, score)


def term_query(term: Term) -> wq.Query | None:
    """A word or phrase in the title or the body (the title weighted at indexing)."""
    tokens = [token.text for token in ANALYZER(term.text, mode="query")]
    if not tokens:
        return None  # only common words
    if len(tokens) == 1:
        return wq.Term("text", tokens[0])
    if term.phrase:
        return wq.Phrase("text", tokens)
    return wq.And([wq.Term("text", t) for t in tokens])  # a word split in parts: first-aid


def matching(query: SearchQuery) -> wq.Query | None:
    """The words part; None when no document could match (only common words)."""
    if not query.has_words:
        return wq.Every()
    groups = []
    for group in query.groups:
        alternatives = [q for q in map(term_query, group) if q is not None]
        if alternatives:
            groups.append(wq.Or(alternatives) if len(alternatives) > 1 else alternatives[0])
    if not groups:
        return None
    return wq.And(groups) if len(groups) > 1 else groups[0]


def filters(query: SearchQuery) -> wq.Query | None:
    terms: list[wq.Query] = [
        wq.Term(field, value)
        for field, value in (
            ("theme", query.theme),
            ("network", query.network),
            ("board", query.board),
            ("author", query.author),
            ("kind", query.kind),
        )
        if value
    ]
    if query.answered is not None:
        terms += [wq.Term("kind", "question"), wq.Term("answered", query.answered)]
    if query.expert:
        terms.append(wq.Term("expert", True))
    if query.after or query.before:
        start = datetime.combine(query.after, datetime.min.time()) if query.after else None
        end = datetime.combine(query.before, datetime.min.time()) if query.before else None
        terms.append(wq.DateRange("created", start, end, endexcl=True))
    if not terms:
        return None
    return wq.And(terms) if len(terms) > 1 else terms[0]
