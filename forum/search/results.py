"""From a backend's raw hits to a page of results: the same for every backend.

A broad query is answered from its MOST_POSTS most recent matching posts, so its cost and
memory do not grow with the forum. Hits are grouped per thread (its best post speaks for
it), boosted for accepted and expert answers, counted per theme and network, sorted, paged,
then fetched from the database in a fixed number of queries. The database has the last word
on visibility: a post hidden a moment ago and not yet out of the index is dropped here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from forum.extensions import db
from forum.languages import lazy_gettext as _l
from forum.models import Network, Post, Theme, Thread
from forum.search.backend import MATCH_END, MATCH_START, Hit, SearchBackend
from forum.search.query import SearchQuery
from forum.services import browsing
from forum.services.browsing import Page

MOST_POSTS = 1_000  # a query matching more is answered from its most recent matches
ACCEPTED_BOOST = 2.0
EXPERT_BOOST = 1.5
SORTS = ("relevance", "newest")


@dataclass
class ThreadMatch:
    thread_id: int
    best: Hit
    score: float
    newest: float  # the thread's latest matching post, seconds since the epoch


@dataclass
class Result:
    thread: Thread
    post: Post
    snippet: list[tuple[str, bool]]  # (text, is a match), escaped when shown
    title: list[tuple[str, bool]] = field(default_factory=list)  # the thread's, likewise
    accepted: bool = False  # the post is the question's accepted answer
    expert: bool = False  # by an expert verified in the thread's theme
    score: float = 0.0  # relevance with the boosts, only ever compared within one search
    attachment: str = ""  # the snippet is from this attachment of the post (its name)


@dataclass
class SearchPage:
    query: SearchQuery
    results: Page
    themes: list[tuple[Theme, int]] = field(default_factory=list)
    networks: list[tuple[Network, int]] = field(default_factory=list)
    cut: int = 0  # more posts matched: only this many, the most recent, were counted
    # institutions matching the same words (see forum.search.search_page): "all" shows a few
    # beside the threads, "institutions" a page of them instead, "threads" none
    shows: str = "threads"
    institutions: Page | None = None
    institution_total: int = 0
    also_searched: list[str] = field(default_factory=list)  # the concepts' labels, shown
    typed_only: bool = False  # the words name concepts, but only the words were searched


def group(hits: Sequence[Hit]) -> list[ThreadMatch]:
    """Each thread's best post (boosted), and its newest matching post's time.

    The hot loop of a broad query: plain lists and locals, no object per hit.
    """
    best: dict[int, list] = {}
    for hit in hits:
        score = hit.score
        if hit.accepted:
            score *= ACCEPTED_BOOST
        if hit.expert:
            score *= EXPERT_BOOST
        found = best.get(hit.thread_id)
        if found is None:
            best[hit.thread_id] = [hit, score, hit.created]
            continue
        if score > found[1] or (score == found[1] and hit.post_id < found[0].post_id):
            found[0], found[1] = hit, score
        if hit.created > found[2]:
            found[2] = hit.created
    return [
        ThreadMatch(thread_id, hit, score, newest)
        for thread_id, (hit, score, newest) in best.items()
    ]


def ordered(matches: list[ThreadMatch], sort: str) -> list[ThreadMatch]:
    if sort == "newest":
        return sorted(matches, key=lambda m: (m.newest, m.score, m.thread_id), reverse=True)
    return sorted(matches, key=lambda m: (-m.score, -m.newest, -m.thread_id))


def search(
    backend: SearchBackend,
    query: SearchQuery,
    page: int,
    per_page: int,
    sort: str = "relevance",
    fetch: bool = True,
) -> SearchPage:
    """fetch False: the counts and facets only, no results made (institutions shown)."""
    themes = {theme.slug: theme for theme in browsing.all_themes()}
    networks = {network.slug: network for network in browsing.all_networks()}
    query = _check_names(query, themes, networks)
    if query.is_empty or query.unmatchable:
        return SearchPage(query, Page([], 1, per_page, 0))

    hits = backend.hits(query, MOST_POSTS + 1)  # newest first
    cut = len(hits) > MOST_POSTS
    matches = ordered(group(hits[:MOST_POSTS]), sort if sort in SORTS else "relevance")
    browsing.check_page(page, len(matches), per_page)
    window = matches[(page - 1) * per_page : page * per_page] if fetch else []
    results = _fetch(backend, query, window)
    theme_counts = Counter(m.best.theme for m in matches)
    network_counts = Counter(m.best.network for m in matches)
    return SearchPage(
        query,
        Page(results, page, per_page, len(matches)),
        themes=[(t, theme_counts[s]) for s, t in themes.items() if theme_counts[s]],
        networks=[(n, network_counts[s]) for s, n in networks.items() if network_counts[s]],
        cut=MOST_POSTS if cut else 0,
    )


def _check_names(
    query: SearchQuery, themes: dict[str, Theme], networks: dict[str, Network]
) -> SearchQuery:
    """Filters naming a theme or network we do not have find nothing, and say why."""
    unknown = []
    if query.theme and query.theme not in themes:
        unknown.append(_l("There is no theme “%(name)s”.", name=query.theme))
    if query.network and query.network not in networks:
        unknown.append(_l("There is no network “%(name)s”.", name=query.network))
    if query.board:
        network, _, theme = query.board.partition("/")
        if network not in networks or theme not in themes:
            unknown.append(_l("There is no board “%(name)s”.", name=query.board))
    for notice in unknown:
        query = query.with_notice(notice)
    return replace(query, unmatchable=True) if unknown else query


def _fetch(backend: SearchBackend, query: SearchQuery, window: list[ThreadMatch]) -> list[Result]:
    if not window:
        return []
    thread_ids = [m.thread_id for m in window]
    post_ids = [m.best.post_id for m in window]
    threads = {
        thread.id: thread
        for thread in db.session.scalars(
            browsing.with_list_details(select(Thread)).where(
                Thread.id.in_(thread_ids), Thread.deleted_at.is_(None)
            )
        ).unique()
    }
    posts = {
        post.id: post
        for post in db.session.scalars(
            select(Post)
            .where(Post.id.in_(post_ids), Post.deleted_at.is_(None), Post.hidden_at.is_(None))
            .options(joinedload(Post.author))
        )
    }
    shown = [m for m in window if m.thread_id in threads and m.best.post_id in posts]
    snippets = backend.snippets(query, {m.best.post_id: threads[m.thread_id].title for m in shown})
    results = []
    for m in shown:
        thread, snippet = threads[m.thread_id], snippets.get(m.best.post_id)
        results.append(
            Result(
                thread,
                posts[m.best.post_id],
                segments(snippet.body if snippet else None),
                title=_title(thread.title, snippet.title if snippet else None),
                accepted=m.best.accepted,
                expert=m.best.expert,
                score=m.score,
                attachment=snippet.attachment if snippet else "",
            )
        )
    return results


def _title(title: str, marked: str | None) -> list[tuple[str, bool]]:
    """The title with its matches marked, unless the index's copy is not the title any more
    (an edit on its way to the index): then the title as it is, unmarked."""
    pieces = segments(marked)
    if "".join(text for text, _ in pieces) != title:
        return [(title, False)]
    return pieces


def segments(snippet: str | None) -> list[tuple[str, bool]]:
    """Split a marked passage into (text, is a match) pieces for the template to escape."""
    pieces: list[tuple[str, bool]] = []
    for number, part in enumerate((snippet or "").split(MATCH_START)):
        rest = part
        if number and MATCH_END in part:
            match, _, rest = part.partition(MATCH_END)
            pieces.append((match, True))
        if rest:
            pieces.append((rest.replace(MATCH_END, ""), False))
    return pieces
