"""Whole pages kept for visitors who are not logged in, and never served stale.

Every commit that changes something visitors can see raises one number, the content version,
in the same transaction (see `_raise_version`). A page is kept under the version it was made
with and served only while that version is still the current one, read from the database on
each request: one cheap statement, right across any number of server processes, and no
guessing about which change touches which page. Visitors all hold the same permissions, so a
page made for one visitor is right for every visitor with the same language and address.

Each visitor's own CSRF token is put back into a kept page as it is served. Pages with a
flashed message, and anything but a 200, are never kept. A member's page is kept for them
alone, under what of theirs it shows that no content change moves (`for_members`); what
members' pages share with everyone (board cards, thread lists) is kept as parts, the same
way, for when their own page is not: see `kept`. Feeds are kept for all (`for_everyone`).
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import Flask, current_app, g, has_app_context, make_response, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import event, select, update
from sqlalchemy.orm import ORMExecuteState, Session

from forum import languages, standing
from forum.extensions import db
from forum.models import ContentVersion

# Rows no visitor's page shows: changing them keeps every kept page.
PRIVATE_TABLES = frozenset(
    {"notifications", "watches", "search_outbox", "reports", "content_version"}
)
PUBLIC_CHANGE = "forum_public_change"
HEADER = "X-Page-Cache"  # hit or miss, for operators and tests
# Where a CSRF token goes in what is kept: unguessable, never leaves the process (every
# answer has it replaced by the reader's own token), and unchanged by HTML escaping.
TOKEN_MARK = f"csrf-mark-{secrets.token_hex(16)}"


@dataclass(frozen=True)
class KeptPage:
    body: str  # with TOKEN_MARK where a CSRF token goes
    headers: tuple[tuple[str, str], ...]
    size: int


class PageCache:
    """The pages of the current content version, least recently used dropped first."""

    def __init__(self, budget_bytes: int) -> None:
        self.budget = budget_bytes
        self.version = -1
        self.used = 0
        self.pages: OrderedDict[tuple, KeptPage] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, version: int, key: tuple) -> KeptPage | None:
        with self.lock:
            self._move_to(version)
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
            return page

    def put(self, version: int, key: tuple, page: KeptPage) -> None:
        with self.lock:
            self._move_to(version)
            if version != self.version or page.size > self.budget:
                return  # made from an older snapshot than pages already kept, or too big
            previous = self.pages.pop(key, None)
            self.used += page.size - (previous.size if previous else 0)
            self.pages[key] = page
            while self.used > self.budget:
                _, dropped = self.pages.popitem(last=False)
                self.used -= dropped.size

    def _move_to(self, version: int) -> None:
        if version > self.version:
            self.pages.clear()
            self.used = 0
            self.version = version


# where pages and parts are kept (app.extensions): members' own pages and parts, and search
# results, each have a store of their own, so that neither pushes out what everyone reads
STORES = {"shared": "forum_page_cache", "member": "forum_member_pages",
          "search": "forum_search_pages"}  # fmt: skip


def for_visitors(view: Callable[..., Any]) -> Callable[..., Any]:
    """Keep this GET view's pages for visitors. Only for views whose page depends on nothing
    but the content, the URL and the language."""
    return _keeping(view, "visitors")


def search_for_visitors(view: Callable[..., Any]) -> Callable[..., Any]:
    """for_visitors, in the search store: every new query is a new address."""
    return _keeping(view, "visitors", store="search")


def for_everyone(view: Callable[..., Any]) -> Callable[..., Any]:
    """Keep this GET view's answers for everyone, members too: only for answers that hold
    nothing of who asks, not even a page header (feeds)."""
    return _keeping(view, "everyone")


def for_members(
    extra: Callable[..., str] | None = None, store: str = "member"
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Keep this GET view's pages for each member alone, under the content version and all
    of theirs that the page shows and no content change moves: their standing
    (standing.page_key: what they may do, the header's counts) and `extra`, called with the
    view's arguments (their watch of the thread). Below for_visitors, which passes them on."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        return _keeping(view, "members", store, extra)

    return decorate


def _keeping(
    view: Callable[..., Any],
    who: str,
    store: str = "shared",
    extra: Callable[..., str] | None = None,
) -> Callable[..., Any]:
    @wraps(view)
    def serve(*args: Any, **kwargs: Any) -> Any:
        cache: PageCache | None = current_app.extensions.get(STORES[store])
        if cache is None or not _kept_for_this_request(who):
            return view(*args, **kwargs)
        key: tuple = (request.host_url, request.full_path, languages.current())
        if who == "members":  # their standing comes with the content version: one statement
            version = standing.of(current_user).content_version
            mine = (standing.page_key(current_user), extra(**kwargs) if extra else "")
            key += (current_user.id, *mine)
        else:
            version = current_version()
        g.content_version = version  # read before anything the page shows
        kept = cache.get(version, key)
        if kept is not None:
            return _serve(kept)
        response = _made_with_marks(view, *args, **kwargs)
        response.headers[HEADER] = "miss"
        body = response.get_data(as_text=True)
        if response.status_code == 200:
            cache.put(version, key, _keep(response, body))
        response.set_data(_with_token(body))
        return response

    return serve


def with_parts(view: Callable[..., Any]) -> Callable[..., Any]:
    """For a view whose page has kept() parts: the content version is read before the view
    reads anything, so no part is ever kept under a version newer than what it shows."""

    @wraps(view)
    def serve(*args: Any, **kwargs: Any) -> Any:
        if "forum_page_cache" in current_app.extensions and "content_version" not in g:
            g.content_version = current_version()
        response = _made_with_marks(view, *args, **kwargs)
        response.set_data(_with_token(response.get_data(as_text=True)))
        return response

    return serve


_VERSION = select(ContentVersion.number).where(ContentVersion.id == 1)  # built once: read often


def current_version() -> int:
    return db.session.scalar(_VERSION) or 0


def kept(name: str, *, caller: Callable[[], Markup], store: str = "shared") -> Markup:
    """A part of a page kept for everyone who asks for the same address in the same
    language, members included, under the content version like a visitor's page:

        {% call kept("board-cards") %}...{% endcall %}

    Only for parts that show content alone, or what the name says they depend on
    ("actions-<post>-<what this member may do>"): nothing else about the member. A CSRF
    token inside is kept as a mark and each member's own is put back, as in visitors' pages.

    store="member": kept for the signed-in member alone (their inbox, their view of a thread);
    the name still says what else the part depends on that no content change moves.
    store="search": search results, whose addresses are as many as the queries."""
    cache: PageCache | None = current_app.extensions.get(STORES[store])
    version = g.get("content_version")
    if cache is None or version is None:  # not a @with_parts view, or it wrote meanwhile
        return caller()
    key = ("part", name, request.host_url, request.full_path, languages.current())
    if store == "member":
        key += (getattr(current_user, "id", None),)  # None: visitors, who all see the same
    part = cache.get(version, key)
    if part is None:
        body = str(caller())  # inside _made_with_marks: its tokens are the mark
        part = KeptPage(body, (), len(body) * 2 + 200)
        cache.put(version, key, part)
    # the template made it as Markup, and a token is flask-wtf's: letters, digits and ".-_"
    return Markup(_with_token(part.body))  # noqa: S704


_FRAME: dict[tuple[str, str, str], Markup] = {}


def frame(name: str, *, caller: Callable[[], Markup]) -> Markup:
    """A part of every page's frame that shows only the forum's own words and links (the
    navigation, the footer), in the reader's language: made once per process, as nothing
    the forum holds changes it. No content, no address, no member, no token in it.

        {% call frame("site-nav-member") %}...{% endcall %}
    """
    key = (name, request.script_root, languages.current())
    part = _FRAME.get(key)
    if part is None:
        part = _FRAME[key] = caller()
    return part


def _kept_for_this_request(who: str) -> bool:
    return (
        request.method == "GET"
        and (who == "everyone" or current_user.is_authenticated == (who == "members"))
        and "_flashes" not in session
    )


def _made_with_marks(view: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """The view's answer made with TOKEN_MARK wherever a CSRF token goes (flask-wtf reuses
    what g holds, in forms the view makes too), so nothing kept holds anyone's token and
    nothing a member writes can be taken for one. Nested, the outermost maker serves it."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    own = g.pop(field, None)
    setattr(g, field, TOKEN_MARK)
    try:
        return make_response(view(*args, **kwargs))
    finally:
        g.pop(field, None)
        if own is not None:
            setattr(g, field, own)


def _with_token(body: str) -> str:
    """The mark replaced by this visitor's or member's own token (by the mark itself, so
    left as it is, while an outer maker is still making the page)."""
    return body.replace(TOKEN_MARK, generate_csrf()) if TOKEN_MARK in body else body


def _keep(response: Any, body: str) -> KeptPage:
    headers = tuple(
        (name, value)
        for name, value in response.headers.items()
        if name not in ("Set-Cookie", "Content-Length", HEADER)
    )
    return KeptPage(body, headers, len(body) * 2 + 200)


def _serve(kept: KeptPage) -> Any:
    response = make_response(_with_token(kept.body))
    response.headers.clear()
    response.headers.extend(kept.headers)
    response.headers[HEADER] = "hit"
    return response


def public_change(session: Session) -> None:
    """Say that this transaction changes what visitors see in a way no row of theirs shows
    (the search index: see search.outbox)."""
    session.info[PUBLIC_CHANGE] = True


def _note_flushed_changes(session: Session, _context: object) -> None:
    for instance in (*session.new, *session.dirty, *session.deleted):
        if instance.__table__.name not in PRIVATE_TABLES:
            session.info[PUBLIC_CHANGE] = True
            return


def _note_statement_changes(state: ORMExecuteState) -> None:
    """update(Post)... and the like change rows without a flush."""
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) not in PRIVATE_TABLES:
            state.session.info[PUBLIC_CHANGE] = True


def _raise_version(session: Session) -> None:
    """Last in the transaction, so the one row every writer updates is held only briefly,
    and by a transaction that waits for nothing else."""
    session.flush()
    if not session.info.pop(PUBLIC_CHANGE, False):
        return
    raised = session.execute(
        update(ContentVersion)
        .where(ContentVersion.id == 1)
        .values(number=ContentVersion.number + 1)
        .execution_options(synchronize_session=False)
    )
    if raised.rowcount == 0:  # a database made without the migrations' first row
        session.add(ContentVersion(id=1, number=1))
        session.flush()


def _forget_changes(session: Session, *_args: object) -> None:
    session.info.pop(PUBLIC_CHANGE, None)


def _forget_version(_session: Session) -> None:
    """A request that commits has moved past the version it read."""
    if has_app_context():
        g.pop("content_version", None)


def init_app(app: Flask) -> None:
    megabytes = int(app.config["PAGE_CACHE_MB"])
    if megabytes > 0:
        for store, share in (("shared", 1), ("member", 4), ("search", 4)):
            app.extensions[STORES[store]] = PageCache(megabytes * 1024 * 1024 // share)
    app.add_template_global(kept)
    app.add_template_global(frame)
    # the version is kept whether or not this process caches: other processes may
    if not event.contains(db.session, "before_commit", _raise_version):
        event.listen(db.session, "after_flush", _note_flushed_changes)
        event.listen(db.session, "do_orm_execute", _note_statement_changes)
        event.listen(db.session, "before_commit", _raise_version)
        event.listen(db.session, "after_commit", _forget_version)
        event.listen(db.session, "after_rollback", _forget_changes)
