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
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from whoosh import columns, index
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.filedb.filestore import FileStorage

from forum.languages import LANGUAGES
from forum.search import whoosh_institutions
from forum.search.backend import (
    SNIPPET_CHARS,
    AttachedText,
    Document,
    Hit,
    IndexBusy,
    IndexWriter,
    InstitutionDocument,
    InstitutionHit,
    Snippet,
)
from forum.search.expansion import label_words
from forum.search.query import SearchQuery
from forum.search.whoosh_analysis import marked, marked_passage, words_of
from forum.search.whoosh_schema import (
    SCHEMA,
    SCHEMA_VERSION,
    fields_of,
    hit_of,
    newest_matches,
    searched,
)

GENERATION_PREFIX = f"s{SCHEMA_VERSION}-"


class WhooshBackend:
    name = "whoosh"

    def __init__(self, folder: str | os.PathLike) -> None:
        self.folder = Path(folder)
        self._opened: tuple[str, index.Index] | None = None
        self._open_lock = threading.Lock()
        # one searcher per process, refreshed when the index changes: opening one costs
        # more than most searches. Whoosh searches are pure Python, so a lock costs nothing.
        self._held = _Held()
        self._search_lock = threading.Lock()
        # its files are closed when this backend goes, even if no one calls close()
        weakref.finalize(self, self._held.close)

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
                self._opened = (name, _open(self.folder / name))
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

    def institution_count(self) -> int:
        return self._institutions().doc_count() if self.exists() else 0

    def _institutions(self) -> index.Index:
        """The institutions' index in the live generation (opened anew: it is small)."""
        name = self._current_name()
        if name is None:
            raise FileNotFoundError(f"no search index in {self.folder}")
        return _open(self.folder / name, whoosh_institutions.INDEX_NAME)

    def clear(self) -> None:
        with self._lock(timeout=30):
            self._swap_to(self._new_generation())

    def close(self) -> None:
        with self._search_lock:
            self._held.close()

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
            writer = _Writer(self._index().writer(), self._institutions)
            try:
                yield writer
            except BaseException:
                writer.cancel()
                raise
            writer.commit()

    def rebuild(
        self,
        documents: Iterable[Document],
        replay: Callable[[IndexWriter], None],
        timeout: float,
        institutions: Iterable[InstitutionDocument] = (),
    ) -> None:
        name = self._new_generation()
        # One writer, so one segment, in the order given (newest first: see newest_matches).
        # A query's set-up is paid per segment (sixteen made every search at 200,000 posts
        # several times slower). Its files stay separate:
        # read through a compound file, each block header of a long posting list costs a
        # Python call, and a broad query skips through thousands of them.
        writer = _open(self.folder / name).writer(limitmb=128, compound=False)
        try:
            for document in documents:
                writer.add_document(**fields_of(document))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        writer = _open(self.folder / name, whoosh_institutions.INDEX_NAME).writer()
        for institution in institutions:
            writer.add_document(**whoosh_institutions.fields_of(institution))
        writer.commit()
        with self._lock(timeout):
            self._swap_to(name)
            writer = _Writer(self._index().writer(), self._institutions)
            replay(writer)
            writer.commit()

    def _new_generation(self) -> str:
        name = f"{GENERATION_PREFIX}{time.time_ns()}-{secrets.token_hex(3)}"
        (self.folder / name).mkdir(parents=True)
        index.create_in(self.folder / name, SCHEMA)
        index.create_in(
            self.folder / name, whoosh_institutions.SCHEMA, indexname=whoosh_institutions.INDEX_NAME
        )
        return name

    def _swap_to(self, name: str) -> None:
        """Point CURRENT at a generation (one atomic rename) and remove all but it and the
        one it replaces: a search under way there may still open a file it had not needed
        yet (a rebuilt segment's files are opened as they are first read). Every search
        looks at CURRENT first, so that one is removed at the next swap."""
        try:
            replaced = (self.folder / "CURRENT").read_text().strip()
        except FileNotFoundError:
            replaced = None
        pointer = self.folder / f"CURRENT.{secrets.token_hex(4)}"
        pointer.write_text(name)
        os.replace(pointer, self.folder / "CURRENT")
        for old in self.folder.iterdir():
            if old.is_dir() and old.name not in (name, replaced) and _is_generation(old.name):
                shutil.rmtree(old, ignore_errors=True)

    # --- reading ----------------------------------------------------------------------------

    @contextmanager
    def _searching(self) -> Iterator:
        with self._search_lock:
            live = self._index()
            searcher = self._held.searcher
            # not searcher.refresh(): it reuses segment readers by id, and so misses
            # deletions committed to a segment it already had
            if searcher is None or searcher._ix is not live or not searcher.up_to_date():
                if searcher is not None:
                    searcher.close()
                searcher = live.searcher()
                _lengths_in_memory(searcher)
            self._held.searcher = searcher
            yield searcher

    def hits(self, query: SearchQuery, limit: int) -> list[Hit]:
        if not self.exists():
            return []
        wanted = searched(query)
        if wanted is None:
            return []
        scored = query.has_words  # without words nothing is more relevant, as on PostgreSQL
        with self._searching() as searcher:
            found = newest_matches(searcher, wanted, limit)
            if not found:  # an index with no documents yet has no columns to read
                return []
            facts = searcher.reader().column_reader("facts")
            hits = [hit_of(facts[docnum], score if scored else 0.0) for docnum, score in found]
        return sorted(hits, key=lambda hit: (hit.created, hit.post_id), reverse=True)

    def institution_hits(self, query: SearchQuery, limit: int) -> list[InstitutionHit]:
        if not self.exists():
            return []
        with self._institutions().searcher() as searcher:
            return whoosh_institutions.hits(searcher, query, limit)

    def snippets(self, query: SearchQuery, titles: Mapping[int, str]) -> dict[int, Snippet]:
        if not titles or not self.exists():
            return {}
        typed = {
            word
            for term in query.positive_terms()
            for language in LANGUAGES
            for word in words_of(term.text, language)
        }
        also = label_words(query)  # the concepts' labels, marked in their own language
        found = {}
        with self._searching() as searcher:
            for post_id, title in titles.items():
                stored = searcher.document(post_id=str(post_id))
                if stored is None:
                    continue
                text, language = stored["body"], stored["language"]
                words = typed | also.get(language, set())
                passage = words and marked_passage(text, words, language)
                attachment = ""
                if words and not passage:
                    attachment, passage = _attachment_passage(stored, words, language)
                found[post_id] = Snippet(
                    marked(title, words, language) if words else title,
                    passage or text[:SNIPPET_CHARS],
                    attachment,
                )
        return found


def _attachment_passage(stored: Mapping, words: set[str], language: str) -> tuple[str, str]:
    """The first attachment holding the query's words: its name and the passage of its text
    that holds them (its opening when only the name matches); ("", "") if none does."""
    for name, text in stored.get("attachments", ()):
        passage = marked_passage(text, words, language)
        if passage or marked_passage(AttachedText(name, "").name_words, words, language):
            return name, passage or text[:SNIPPET_CHARS]
    return "", ""


class _Held:
    searcher = None

    def close(self) -> None:
        if self.searcher is not None:
            self.searcher.close()
            self.searcher = None


class _Writer:
    def __init__(self, writer, institutions: Callable[[], index.Index]) -> None:  # noqa: ANN001
        self.writer = writer
        self._institutions = institutions
        self._institution_writer = None  # opened when an institution changes

    def _for_institutions(self):  # noqa: ANN202
        if self._institution_writer is None:
            self._institution_writer = self._institutions().writer()
        return self._institution_writer

    def commit(self) -> None:
        self.writer.commit(mergetype=merge_small_segments)
        if self._institution_writer is not None:
            self._institution_writer.commit()

    def cancel(self) -> None:
        self.writer.cancel()
        if self._institution_writer is not None:
            self._institution_writer.cancel()

    def delete_institution(self, institution_id: int) -> None:
        self._for_institutions().delete_by_term("institution_id", str(institution_id))

    def add_institution(self, document: InstitutionDocument) -> None:
        self._for_institutions().add_document(**whoosh_institutions.fields_of(document))

    def delete_thread(self, thread_id: int) -> None:
        self.writer.delete_by_term("thread_id", str(thread_id))

    def delete_post(self, post_id: int) -> None:
        self.writer.delete_by_term("post_id", str(post_id))

    def add(self, document: Document) -> None:
        self.writer.add_document(**fields_of(document))


SMALL_SEGMENT = 1_000  # documents
SEGMENTS_PER_MERGE = 10


def merge_small_segments(writer, segments: list) -> list:  # noqa: ANN001
    """Each commit adds a segment; merge them ten at a time while they are small, never a
    large one, so the work a commit does under the index's lock stays bounded. Whoosh's own
    policy may fold in a segment of any size once enough small ones pile up. Larger
    segments are merged by `forum reindex`."""
    from whoosh.reading import SegmentReader

    tiers: dict[int, list] = {}
    for segment in segments:
        size = segment.doc_count_all()
        if size < SMALL_SEGMENT:
            tiers.setdefault(len(str(size)), []).append(segment)
    merging = [s for tier in tiers.values() if len(tier) >= SEGMENTS_PER_MERGE for s in tier]
    for segment in merging:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [segment for segment in segments if segment not in merging]


def _lengths_in_memory(searcher) -> None:  # noqa: ANN001
    """Relevance (BM25) reads each matching document's length, through the file a read each:
    two thousand for a broad query. One byte per document, so each segment's lengths are read
    at once when a searcher opens (180 KB at 200,000 posts). Whoosh keeps them in a column
    reader of its own; where it does not look as expected, it is left to read them itself."""
    name = _lenfield("text")
    for subsearcher, _ in searcher.leaf_searchers():
        perdoc = getattr(subsearcher.reader(), "_perdoc", None)
        on_disk = perdoc._cached_reader(name, LENGTHS_COLUMN) if perdoc else None
        if isinstance(on_disk, columns.NumericColumn.Reader) and on_disk._fixedlen == 1:
            perdoc._readers[name] = _Lengths(on_disk._dbfile.get(on_disk._basepos, on_disk._count))


class _Lengths:
    def __init__(self, stored: bytes) -> None:
        self.stored = stored  # the last documents' lengths are left out when they are 0

    def __getitem__(self, docnum: int) -> int:
        return self.stored[docnum] if docnum < len(self.stored) else 0


def _open(folder: Path, indexname: str = index._DEF_INDEX_NAME) -> index.Index:
    """Segments read through their files, not memory maps: Whoosh copies each mapped
    segment into memory whenever a reader opens (140 ms and 290 MB at 200,000 posts, on
    every search and write after a change); reading the file costs a little per search."""
    return FileStorage(str(folder), supports_mmap=False).open_index(indexname)


def _is_generation(name: str) -> bool:
    return name[:1] == "s" and "-" in name
