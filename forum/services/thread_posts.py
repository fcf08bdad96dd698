"""A thread's posts as its page shows them: a page of them (the thread page), those after a
cursor's post (the API), one (a reply added live) or the accepted answer. Each is plain data
read in one query with what its card needs: the author's names and confirmed affiliation,
and whether there is more to read for it (files, open unsafe-advice reports, the author's
expertise in the theme), so that the page reads those only for the posts that have them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, exists, func, or_, select

from forum.extensions import db
from forum.models import (
    AcceptedAnswer,
    Affiliation,
    AffiliationStatus,
    Attachment,
    ExpertiseClaim,
    ExpertVerification,
    Institution,
    Post,
    Report,
    ReportReason,
    ReportStatus,
    User,
)
from forum.services import profiles, slices
from forum.services.browsing import Page, check_page
from forum.services.thread_heads import AnyThread


@dataclass(frozen=True, slots=True)
class ThreadPost:
    """A post of `thread`, with the attributes of a Post that its card and the permissions
    read (forum/permissions/posts.py asks is_deleted, is_hidden, author_id, thread...)."""

    id: int
    thread_id: int
    author_id: int
    is_opening: bool
    body_html: str
    language: str
    created_at: datetime
    edited_at: datetime | None
    deleted_at: datetime | None
    hidden_at: datetime | None
    hidden_reason: str
    vote_count: int
    author_username: str
    author_display_name: str | None
    author_institution: str | None  # in their own words
    affiliation: profiles.ShownAffiliation | None  # confirmed
    has_files: bool
    reported_unsafe: bool  # open unsafe-advice reports: whether they call for a caution
    author_has_expertise: bool  # in the thread's theme, claimed or verified
    thread: AnyThread
    body_source: str | None = None  # the Markdown, read for the API only

    is_deleted = Post.is_deleted
    is_hidden = Post.is_hidden


_HAS_FILES = exists().where(Attachment.post_id == Post.id, Attachment.removed_at.is_(None))
_REPORTED_UNSAFE = exists().where(
    Report.post_id == Post.id,
    Report.status == ReportStatus.open,
    Report.reason == ReportReason.unsafe_advice,
)
_HAS_EXPERTISE = or_(
    exists().where(
        ExpertVerification.user_id == Post.author_id,
        ExpertVerification.theme_id == bindparam("theme_id"),
        ExpertVerification.revoked_at.is_(None),
    ),
    exists().where(
        ExpertiseClaim.user_id == Post.author_id,
        ExpertiseClaim.theme_id == bindparam("theme_id"),
    ),
)
# built once: every thread page reads a page of posts
_POSTS = (
    select(
        Post.id,
        Post.thread_id,
        Post.author_id,
        Post.is_opening,
        Post.body_html,
        Post.language,
        Post.created_at,
        Post.edited_at,
        Post.deleted_at,
        Post.hidden_at,
        Post.hidden_reason,
        Post.vote_count,
        User.username,
        User.display_name,
        User.institution,
        _HAS_FILES.label("has_files"),
        _REPORTED_UNSAFE.label("reported_unsafe"),
        _HAS_EXPERTISE.label("author_has_expertise"),
        Affiliation.position,
        Institution.slug,
        Institution.name,
        Institution.other_names,
        Institution.acronym,
    )
    .join(User, User.id == Post.author_id)
    .outerjoin(
        Affiliation,
        and_(
            Affiliation.user_id == Post.author_id,
            Affiliation.status == AffiliationStatus.confirmed,
        ),
    )
    .outerjoin(Institution, Institution.id == Affiliation.institution_id)
)
_COLUMNS = len(_POSTS.selected_columns)
_OF_THREAD = _POSTS.where(Post.thread_id == bindparam("thread_id"))
_THREAD_POST_COUNT = select(func.count(Post.id)).where(Post.thread_id == bindparam("thread_id"))


def _page_query(order: slices.Order) -> Select:
    """A page of a thread's posts and the thread's number of posts, in one query: the page's
    ids are chosen first, so that the flags above are worked out for its posts alone, not
    for every post of a long thread."""
    page = (
        select(Post.id, func.count().over().label("total"))
        .where(Post.thread_id == bindparam("thread_id"))
        .order_by(*slices.order_by(order))
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
        .subquery()
    )
    return (
        _POSTS.add_columns(page.c.total)
        .join(page, page.c.id == Post.id)
        .order_by(*slices.order_by(order))
    )


_PAGE = {False: _page_query(slices.POSTS), True: _page_query(slices.POSTS_BY_VOTES)}
_ONE = _POSTS.where(Post.id == bindparam("post_id"), Post.thread_id == bindparam("thread_id"))
_ACCEPTED = _POSTS.join(AcceptedAnswer, AcceptedAnswer.post_id == Post.id).where(
    AcceptedAnswer.thread_id == bindparam("thread_id")
)

# a larger offset overflows the database's integers: such a page is counted first, and refused
_OFFSET_MAX = 2**31


def page_of(thread: AnyThread, page: int | None, per_page: int, by_votes: bool = False) -> Page:
    """A page of a thread's posts, deleted ones as placeholders; page None: the last page.
    By votes: the opening post first, then the most helpful replies."""
    parameters = _parameters(thread)
    rows = []
    if page is not None and page >= 1 and (page - 1) * per_page < _OFFSET_MAX:
        window = {**parameters, "limit": per_page, "offset": (page - 1) * per_page}
        rows = _execute(_PAGE[by_votes], window).all()
    if rows:
        total = rows[0][-1]
    else:  # the last page (its number needs the count first), or none there
        total = _execute(_THREAD_POST_COUNT, parameters).scalar() or 0
        if page is None:
            page = max(1, math.ceil(total / per_page))
        check_page(page, total, per_page)
        window = {**parameters, "limit": per_page, "offset": (page - 1) * per_page}
        rows = _execute(_PAGE[by_votes], window).all()
    return Page(_shown(rows, thread), page, per_page, total)


def after(
    thread: AnyThread, order: slices.Order, key: Sequence[Any] | None, limit: int
) -> slices.Slice:
    """The API's posts of a thread in `order`, read after a cursor's post, with their
    Markdown."""
    query = _OF_THREAD.add_columns(Post.body_source).params(_parameters(thread))
    found = slices.read(query, order, key, limit, plain_rows=True)
    posts = [
        replace(post, body_source=row[_COLUMNS])
        for post, row in zip(_shown(found.items, thread), found.items, strict=True)
    ]
    return replace(found, items=posts)


def one(thread: AnyThread, post_id: int) -> ThreadPost | None:
    """One post of the thread (a reply added live, or written through the API)."""
    rows = _execute(_ONE, {**_parameters(thread), "post_id": post_id}).all()
    return next(iter(_shown(rows, thread)), None)


def accepted(thread: AnyThread) -> ThreadPost | None:
    """The thread's accepted answer, if it has one (no query when it has none)."""
    if not thread.is_answered:
        return None
    rows = _execute(_ACCEPTED, _parameters(thread)).all()
    return next(iter(_shown(rows, thread)), None)


def _parameters(thread: AnyThread) -> dict[str, Any]:
    return {"thread_id": thread.id, "theme_id": thread.board.theme_id}


def _execute(statement: Select, parameters: dict[str, Any]) -> Any:
    # plain rows: the connection's, without the session's ORM work
    return db.session.connection().execute(statement, parameters)


def _shown(rows: Sequence[Any], thread: AnyThread) -> list[ThreadPost]:
    affiliation = profiles.AffiliationShown()
    return [
        ThreadPost(
            *row[:15],
            has_files=bool(row[15]),
            reported_unsafe=bool(row[16]),
            author_has_expertise=bool(row[17]),
            affiliation=affiliation(*row[18:23]) if row[19] is not None else None,
            thread=thread,
        )
        for row in rows
    ]
