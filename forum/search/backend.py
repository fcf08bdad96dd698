"""The contract every search backend keeps; tests/test_search_conformance.py holds them to it.

A backend stores one document per visible post and answers a SearchQuery with raw hits,
one per matching post. Grouping per thread, boosts, facets, sorting and paging happen once,
in forum.search.results, so both backends mean the same thing by a query. Institutions are
kept apart (their own index or table): their words never weigh on a thread's relevance.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, Protocol

from forum.search.query import SearchQuery

# Snippets mark matches with these; display code turns them into <mark> after escaping the text.
MATCH_START, MATCH_END = "\x02", "\x03"
SNIPPET_CHARS = 240
TITLE_WEIGHT = 3.0  # a word in the title counts this much more than one in the body
ATTACHMENT_WEIGHT = 0.5  # and a word in an attached document's name or text, this much


class AttachedText(NamedTuple):
    """An attachment of the post, as search reads it: its name, and its text when read."""

    name: str
    text: str

    @property
    def name_words(self) -> str:
        """The name as words: "noise_fact-sheet.pdf" is found by "noise", "fact", "sheet"."""
        return re.sub(r"[\W_]+", " ", self.name).strip()


@dataclass(frozen=True)
class Document:
    post_id: int
    thread_id: int
    title: str
    body: str  # plain text
    language: str  # forum.languages: the analysis its words get
    author: str  # casefolded username
    network: str
    theme: str
    kind: str
    answered: bool
    accepted: bool
    expert: bool
    created_at: datetime
    attachments: tuple[AttachedText, ...] = ()  # not removed ones, in their order on the post

    @property
    def board(self) -> str:
        return f"{self.network}/{self.theme}"


@dataclass(frozen=True)
class InstitutionDocument:
    """An institution's words, folded (forum.models.institutions.search_key: no case, accents,
    Arabic marks), read in every language: its names are in several, its text in any."""

    institution_id: int
    names: str  # every name and the acronym: weighted as a thread's title
    text: str  # its country and type in every language, description, capacities
    networks: tuple[str, ...]  # slugs
    themes: tuple[str, ...]  # the themes of its capacities


class InstitutionHit(NamedTuple):
    institution_id: int
    score: float


class Hit(NamedTuple):
    """One matching post. A tuple, not a dataclass: a broad query makes tens of thousands."""

    post_id: int
    thread_id: int
    theme: str
    network: str
    created: float  # seconds since the epoch (UTC): only ever compared
    accepted: bool
    expert: bool
    score: float  # the backend's own relevance, before forum-wide boosts


class Snippet(NamedTuple):
    """How a result shows its matches, each between MATCH_START and MATCH_END."""

    title: str  # the thread's whole title
    body: str  # the passage of the post that holds the most matches
    attachment: str = ""  # when the words are only in an attachment: its name (body: its passage)


class IndexBusy(Exception):
    """Another process held the index's write lock for longer than we wait."""


class IndexWriter(Protocol):
    def delete_thread(self, thread_id: int) -> None: ...
    def delete_post(self, post_id: int) -> None: ...
    def add(self, document: Document) -> None: ...
    def delete_institution(self, institution_id: int) -> None: ...
    def add_institution(self, document: InstitutionDocument) -> None: ...


class SearchBackend(Protocol):
    name: str

    def exists(self) -> bool:
        """An index of the current schema is there to search and write."""

    def create(self) -> None:
        """Make an empty index (when none exists)."""

    def document_count(self) -> int: ...

    def institution_count(self) -> int: ...

    def writer(self, timeout: float) -> AbstractContextManager[IndexWriter]:
        """The one writer at a time across processes; IndexBusy after timeout seconds."""

    def rebuild(
        self,
        documents: Iterable[Document],
        replay: Callable[[IndexWriter], None],
        timeout: float,
        institutions: Iterable[InstitutionDocument] = (),
    ) -> None:
        """Fill a new index from documents and institutions, swap it in under the write
        lock, then replay()."""

    def hits(self, query: SearchQuery, limit: int) -> list[Hit]:
        """The `limit` most recent matching posts (or all there are; Whoosh: the most
        recently indexed), newest first, each with its score: a broad query costs what is
        kept, however much matches."""

    def snippets(self, query: SearchQuery, titles: Mapping[int, str]) -> dict[int, Snippet]:
        """For each post (id: its thread's title as the database has it), the title and the
        post's best passage with the query's words marked, read as the index reads them."""

    def institution_hits(self, query: SearchQuery, limit: int) -> list[InstitutionHit]:
        """The best `limit` institutions for the query's words (folded, see
        forum.search.institutions.folded), filtered by theme and network; best first,
        ties by id."""

    def clear(self) -> None: ...

    def close(self) -> None:
        """Let go of open files (an app being discarded: tests, shutdown)."""


def chunks(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for document in documents:
        batch.append(document)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
