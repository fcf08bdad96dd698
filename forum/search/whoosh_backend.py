"""Whoosh, embedded: the index lives in a folder beside the forum, no service to run.

The folder holds generations (one Whoosh index each) and a CURRENT file naming the live one,
so a rebuild fills a new generation and swaps it in with one rename. One lock file guards
every write and the swap across all server processes; writers wait for it up to a timeout.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from whoosh import columns, fields, highlight, index
from whoosh import query as wq
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.lang.snowball.english import EnglishStemmer

from forum.search.backend import (
    MATCH_END,
    MATCH_START,
    SNIPPET_CHARS,
    TITLE_WEIGHT,
    Document,
    Hit,
    IndexBusy,
    IndexWriter,
    chunks,
)
from forum.search.query import SearchQuery, Term

SCHEMA_VERSION = 2  # a change to SCHEMA below needs a new number: old indexes are rebuilt
GENERATION_PREFIX = f"s{SCHEMA_VERSION}-"
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


class WhooshBackend:
    name = "whoosh"

    def __init__(self, folder: str | os.PathLike) -> None:
        self.folder = Path(folder)
        self._opened: tuple[str, index.Index] | None = None
        self._open_lock = threading.Lock()
        # one searcher per process, refreshed when the index changes: opening one costs
        # more than most searches. Whoosh searches are pure Python, so a lock costs nothing.
        self._searcher = None
        self._search_lock = threading.Lock()

    # --- where the live index is ------------------------------------------------------------

    def _current_name(self) -> str | None:
        try:
            name = (self.folder / "CURRENT").read_text().strip()
        except (FileNotFoundError, NotADirectoryError):
            return None
        if not name.startswith(GENERATION_PREFIX):
            return None  # an index of an older schema: rebuilt, never read
        if self._opened is not None and self._opened[0] == name:
            return name
        return name if index.exists_in(self.folder / name) else None

    def _index(self) -> index.Index:
        name = self._current_name()
        if name is None:
            raise FileNotFoundError(f"no search index in {self.folder}")
        with self._open_lock:
            if self._opened is None or self._opened[0] != name:
                self._opened = (name, index.open_dir(self.folder / name))
            return self._opened[1]

    def exists(self) -> bool:
        return self._current_name() is not None

    def create(self) -> None:
        with self._lock(timeout=30):
            if not self.exists():
                name = self._new_generation()
                self._swap_to(name)

    def document_count(self) -> int:
        return self._index().doc_count() if self.exists() else 0

    def clear(self) -> None:
        with self._lock(timeout=30):
            self._swap_to(self._new_generation())

    # --- writing ----------------------------------------------------------------------------

    @contextmanager
    def _lock(self, timeout: float) -> Iterator[None]:
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / "write.lock", "a+b") as handle:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise IndexBusy(str(self.folder)) from None
                    time.sleep(0.01)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextmanager
    def writer(self, timeout: float) -> Iterator[IndexWriter]:
        with self._lock(timeout):
            if not self.exists():
                self._swap_to(self._new_generation())
            writer = _Writer(self._index().writer())
            try:
                yield writer
            except BaseException:
                writer.writer.cancel()
                raise
            writer.writer.commit()

    def rebuild(
        self,
        documents: Iterable[Document],
        replay: Callable[[IndexWriter], None],
        timeout: float,
    ) -> None:
        name = self._new_generation()
        built = index.open_dir(self.folder / name)
        for batch in chunks(documents, 5_000):
            writer = built.writer(limitmb=128)
            for document in batch:
                writer.add_document(**_fields(document))
            writer.commit()
        with self._lock(timeout):
            self._swap_to(name)
            writer = _Writer(self._index().writer())
            replay(writer)
            writer.writer.commit()

    def _new_generation(self) -> str:
        name = f"{GENERATION_PREFIX}{time.time_ns()}-{secrets.token_hex(3)}"
        (self.folder / name).mkdir(parents=True)
        index.create_in(self.folder / name, SCHEMA)
        return name

    def _swap_to(self, name: str) -> None:
        """Point CURRENT at a generation (one atomic rename) and remove the others."""
        pointer = self.folder / f"CURRENT.{secrets.token_hex(4)}"
        pointer.write_text(name)
        os.replace(pointer, self.folder / "CURRENT")
        for old in self.folder.iterdir():
            if old.is_dir() and old.name != name and _is_generation(old.name):
                # processes still reading it keep their open files until they look again
                shutil.rmtree(old, ignore_errors=True)

    # --- reading ----------------------------------------------------------------------------

    @contextmanager
    def _searching(self) -> Iterator:
        with self._search_lock:
            live = self._index()
            searcher = self._searcher
            # not searcher.refresh(): it reuses segment readers by id, and so misses
            # deletions committed to a segment it already had
            if searcher is None or searcher._ix is not live or not searcher.up_to_date():
                if searcher is not None:
                    searcher.close()
                searcher = live.searcher()
            self._searcher = searcher
            yield searcher

    def hits(self, query: SearchQuery) -> list[Hit]:
        if not self.exists():
            return []
        matching = _compile(query)
        if matching is None:
            return []
        excluded = [q for q in map(_term, query.excluded) if q is not None]
        with self._searching() as searcher:
            results = searcher.search(
                matching,
                limit=None,
                filter=_filters(query),
                mask=wq.Or(excluded) if excluded else None,
            )
            facts = searcher.reader().column_reader("facts")
            # without words nothing is more relevant than anything else, as on PostgreSQL
            scored = query.has_words
            return [_hit(facts[n], score if scored else 0.0) for score, n in results.top_n]

    def snippets(self, query: SearchQuery, post_ids: Iterable[int]) -> dict[int, str]:
        post_ids = list(post_ids)
        if not post_ids or not self.exists():
            return {}
        words = {
            token.text
            for term in query.positive_terms()
            for token in ANALYZER(term.text, mode="query")
        }
        fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=80)
        found = {}
        with self._searching() as searcher:
            for post_id in post_ids:
                stored = searcher.document(post_id=str(post_id))
                if stored is None:
                    continue
                text = stored["body"]
                passage = words and highlight.highlight(
                    text, words, ANALYZER, fragmenter, _Marker(), top=2
                )
                found[post_id] = passage or text[:SNIPPET_CHARS]
        return found


class _Writer:
    def __init__(self, writer) -> None:  # noqa: ANN001
        self.writer = writer

    def delete_thread(self, thread_id: int) -> None:
        self.writer.delete_by_term("thread_id", str(thread_id))

    def delete_post(self, post_id: int) -> None:
        self.writer.delete_by_term("post_id", str(post_id))

    def add(self, document: Document) -> None:
        self.writer.add_document(**_fields(document))


class _Marker(highlight.Formatter):
    between = " … "

    def format_token(self, text: str, token, replace: bool = False) -> str:  # noqa: ANN001
        return f"{MATCH_START}{highlight.get_text(text, token, replace)}{MATCH_END}"


def _is_generation(name: str) -> bool:
    return name[:1] == "s" and "-" in name


def _fields(document: Document) -> dict:
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


def _hit(facts: tuple, score: float) -> Hit:
    post_id, thread_id, theme, network, created, flags = facts
    return Hit(post_id, thread_id, theme, network, created, "a" in flags, "e" in flags, score)


def _term(term: Term) -> wq.Query | None:
    """A word or phrase in the title or the body (the title weighted at indexing)."""
    tokens = [token.text for token in ANALYZER(term.text, mode="query")]
    if not tokens:
        return None  # only common words
    if len(tokens) == 1:
        return wq.Term("text", tokens[0])
    if term.phrase:
        return wq.Phrase("text", tokens)
    return wq.And([wq.Term("text", t) for t in tokens])  # a word split in parts: first-aid


def _compile(query: SearchQuery) -> wq.Query | None:
    """The words part; None when no document could match (only common words)."""
    if not query.has_words:
        return wq.Every()
    groups = []
    for group in query.groups:
        alternatives = [q for q in map(_term, group) if q is not None]
        if alternatives:
            groups.append(wq.Or(alternatives) if len(alternatives) > 1 else alternatives[0])
    if not groups:
        return None
    return wq.And(groups) if len(groups) > 1 else groups[0]


def _filters(query: SearchQuery) -> wq.Query | None:
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
