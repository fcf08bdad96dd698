"""What the Whoosh index holds and how a SearchQuery is asked of it.

Documents go in through fields_of(); queries come out of searched() (words, filters and
exclusions as one), built from the parsed query's structure (never from text through
Whoosh's own parser), and are read newest first by newest_matches().
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime

from whoosh import columns, fields
from whoosh import query as wq

from forum.languages import LANGUAGES
from forum.search.backend import Document, Hit
from forum.search.expansion import Expansion, slots
from forum.search.query import SearchQuery, Term

# Whoosh pickles the schema, analyzer included, into each index by class path: indexes written
# before the analysis had its own module name its filters (the three _ names) as being here.
from forum.search.whoosh_analysis import (  # noqa: F401
    ANALYZER,
    ATTACHMENT_MARK,
    LANGUAGE_MARK,
    PAIR_MARK,
    TITLE_MARK,
    _ArabicNormaliser,
    _ByLanguage,
    _TitleWeight,
    plain,
    words_of,
)
from forum.search.whoosh_phrase import Phrase

PAIR_BYTE = PAIR_MARK.encode()
SCHEMA_VERSION = 6  # a change to SCHEMA below needs a new number: old indexes are rebuilt
# (4: each generation holds the institutions' index too; 5: attachments' names and text;
# 6: pairs of words, for phrases)


class TextWithPairs(fields.TEXT):
    """Words, and the pairs they make (for phrases), which do not count in a document's
    length: BM25 weighs a match in a long post less, and a post is as long as its words."""

    def index(self, value, **kwargs):  # noqa: ANN001, ANN003, ANN201
        for term, frequency, weight, positions in super().index(value, **kwargs):
            yield term, 0 if PAIR_BYTE in term else frequency, weight, positions


SCHEMA = fields.Schema(
    post_id=fields.ID(unique=True, stored=True),
    thread_id=fields.ID(),
    text=TextWithPairs(analyzer=ANALYZER),
    body=fields.STORED(),  # for snippets
    attachments=fields.STORED(),  # ((name, text), ...): snippets from an attachment
    language=fields.STORED(),
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


def fields_of(document: Document) -> dict:
    title, language = plain(document.title), document.language
    flags = ("a" if document.accepted else "") + ("e" if document.expert else "")
    created = document.created_at.replace(tzinfo=UTC).timestamp()
    return {
        "post_id": str(document.post_id),
        "thread_id": str(document.thread_id),
        "text": f"{LANGUAGE_MARK}{language} {TITLE_MARK}{title}{TITLE_MARK} "
        + plain(document.body) + _attached_text(document),
        "body": document.body,
        "attachments": tuple(tuple(attached) for attached in document.attachments),
        "language": language,
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


def _attached_text(document: Document) -> str:
    """After the body, weighted below it (see _TitleWeight)."""
    if not document.attachments:
        return ""
    words = " ".join(f"{a.name_words}\n{plain(a.text)}" for a in document.attachments)
    return f" {ATTACHMENT_MARK} {words}"


def hit_of(facts: tuple, score: float) -> Hit:
    post_id, thread_id, theme, network, created, flags = facts
    return Hit(post_id, thread_id, theme, network, created, "a" in flags, "e" in flags, score)


def term_query(term: Term, language: str) -> wq.Query | None:
    """A word or phrase in the title or the body (the title weighted at indexing)."""
    tokens = words_of(term.text, language)
    if not tokens:
        return None  # only common words
    if len(tokens) == 1:
        return wq.Term("text", tokens[0])
    if term.phrase:
        return Phrase("text", tokens)
    return wq.And([wq.Term("text", t) for t in tokens])  # a word split in parts: first-aid


def searched(query: SearchQuery) -> wq.Query | None:
    """The whole query as one: its words, its filters (which add nothing to the score) and
    not its exclusions. One matcher skips through all three together."""
    wanted, kept, excluded = matching(query), filters(query), excluding(query)
    if wanted is None:
        return None
    if kept is not None:
        kept = wq.ConstantScoreQuery(kept, 0.0)
        # Every() would walk every document: the filters alone say which
        wanted = kept if isinstance(wanted, wq.Every) else wq.And([wanted, kept])
    return wq.AndNot(wanted, excluded) if excluded is not None else wanted


def newest_matches(searcher, wanted, limit: int) -> list[tuple[int, float]]:  # noqa: ANN001
    """(docnum, score) of the `limit` most recent matching documents, or all there are.

    Later segments hold later changes. A rebuild writes its segment newest post first, so
    there the newest matches are the first ones found; every other segment grew a commit at a
    time, oldest first, and is read backwards from its end (see _last_matches)."""
    context = searcher.context()
    found: list[tuple[int, float]] = []
    for subsearcher, offset in reversed(searcher.leaf_searchers()):
        wanted_here = limit - len(found)
        if _newest_first(subsearcher):
            found += _first_matches(_matcher(wanted, subsearcher, context), offset, wanted_here)
        else:
            found += _last_matches(subsearcher, wanted, context, offset, wanted_here)
        if len(found) >= limit:
            break
    return found[:limit]


def _matcher(wanted, subsearcher, context):  # noqa: ANN001, ANN202
    """Without the parts that cannot match here (a reading of the words in a language whose
    forms this segment does not hold): otherwise each step of the rest still asks them."""
    return wanted.matcher(subsearcher, context).replace()


def _newest_first(subsearcher) -> bool:  # noqa: ANN001
    """A rebuilt segment: its first document is a later post than its last."""
    last = subsearcher.doc_count_all() - 1
    if last < 1:
        return False
    facts = subsearcher.reader().column_reader("facts")
    return facts[0][0] > facts[last][0]  # facts start with the post id


def _first_matches(matcher, offset: int, limit: int) -> list[tuple[int, float]]:  # noqa: ANN001
    found = []
    while matcher.is_active() and len(found) < limit:
        found.append((offset + matcher.id(), matcher.score()))
        matcher.next()
    return found


def _last_matches(subsearcher, wanted, context, offset: int, limit: int) -> list:  # noqa: ANN001
    """Read backwards from the segment's end, a slice at a time, each slice as wide as the
    share of matching documents says is needed: first Whoosh's estimate from its term counts
    (never too low), then the share found. A query matching half the forum costs what it
    keeps."""
    end = subsearcher.doc_count_all()
    share = min(1.0, wanted.estimate_size(subsearcher.reader()) / max(end, 1))
    found: list[tuple[int, float]] = []
    scanned = matched = 0
    while end > 0 and share > 0 and len(found) < limit:
        if scanned:
            share = matched / scanned if matched else share / 4
        width = int((limit - len(found)) / share * 1.25) + 1
        start = max(0, end - width)
        slice_found = []
        matcher = _matcher(wanted, subsearcher, context)
        if matcher.is_active() and matcher.id() < start:
            matcher.skip_to(start)
        while matcher.is_active() and matcher.id() < end:
            slice_found.append((offset + matcher.id(), matcher.score()))
            matcher.next()
        found += reversed(slice_found)
        scanned, matched, end = scanned + end - start, matched + len(slice_found), start
    return found[:limit]


def matching(query: SearchQuery) -> wq.Query | None:
    """The words part, read in every language (a French post answers the query read as
    French); None when no document could match (only common words)."""
    if not query.has_words:
        return wq.Every()
    whole = query.expansions[0] if query.expansions else None
    if whole is not None and (whole.first, whole.last) == (0, len(query.groups) - 1):
        # the concept is the whole query: (its words in any language) or (any label), each
        # label once (an acronym reads the same in every language), the same as per reading
        typed = replace(query, expansions=())
        readings = [_matching_in(typed, language) for language in LANGUAGES]
        labels = [label for language in LANGUAGES for label in _labels_in(whole, language)]
        return _any(_distinct([*readings, *labels]))
    readings = _distinct(_matching_in(query, language) for language in LANGUAGES)
    return _any(readings)


def excluding(query: SearchQuery) -> wq.Query | None:
    """Posts with any excluded word, in any language's reading."""
    return _any(
        _distinct(term_query(term, language) for term in query.excluded for language in LANGUAGES)
    )


def _matching_in(query: SearchQuery, language: str) -> wq.Query | None:
    parts = []
    for groups, expansion in slots(query):
        typed = _all(_group_in(group, language) for group in groups)
        if expansion is not None:  # the typed words, or any of the concepts' labels
            typed = _any(_distinct([typed, *_labels_in(expansion, language)]))
        if typed is not None:
            parts.append(typed)
    return _all(parts)


def _group_in(group: tuple[Term, ...], language: str) -> wq.Query | None:
    return _any(_distinct(term_query(term, language) for term in group))


def _labels_in(expansion: Expansion, language: str) -> list[wq.Query | None]:
    """The labels read in this language, each weighing expansion.weight of a typed word
    (a phrase's score adds up its words')."""
    found = []
    for label in expansion.labels_in(language):
        tokens = words_of(label.text, language)
        boost = expansion.weight / max(1, len(tokens))
        if len(tokens) == 1:
            found.append(wq.Term("text", tokens[0], boost=boost))
        elif tokens:
            found.append(Phrase("text", tokens, boost=boost))
    return found


def _all(queries: Iterable[wq.Query | None]) -> wq.Query | None:
    kept = [q for q in queries if q is not None]
    if not kept:
        return None
    return wq.And(kept) if len(kept) > 1 else kept[0]


def _distinct(queries: Iterable[wq.Query | None]) -> list[wq.Query]:
    return list(dict.fromkeys(q for q in queries if q is not None))


def _any(queries: list[wq.Query]) -> wq.Query | None:
    if not queries:
        return None
    return wq.Or(queries) if len(queries) > 1 else queries[0]


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
