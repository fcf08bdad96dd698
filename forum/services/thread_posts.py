"""A thread's posts, each with its author's name and the thread itself in place: a page of
them (the thread page), or those after a cursor's post (the API)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from forum.extensions import db
from forum.models import Post, Thread, User
from forum.services import slices
from forum.services.browsing import Page, paginate_built

# built once: every thread page reads a page of posts
_THREAD_POST_COUNT = select(func.count(Post.id)).where(Post.thread_id == bindparam("thread_id"))
# what a post's card shows of its author (forum/services/post_cards.py): not their profile's
# text, settings and mail choices
POST_AUTHOR = joinedload(Post.author).load_only(User.username, User.display_name, User.institution)
_POSTS_OF_THREAD = select(Post).where(Post.thread_id == bindparam("thread_id")).options(POST_AUTHOR)
_THREAD_POSTS = {
    by_votes: _POSTS_OF_THREAD.order_by(*slices.order_by(order))
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
    for by_votes, order in ((False, slices.POSTS), (True, slices.POSTS_BY_VOTES))
}


# the same, each row with the thread's number of posts: a page and its total in one query
_THREAD_POSTS_COUNTED = {
    by_votes: statement.add_columns(func.count().over())
    for by_votes, statement in _THREAD_POSTS.items()
}


# a larger offset overflows the database's integers: such a page is counted first, and refused
_OFFSET_MAX = 2**31


def page_of(thread: Thread, page: int | None, per_page: int, by_votes: bool = False) -> Page:
    """A page of a thread's posts, deleted ones as placeholders; page None: the last page.

    By votes: the opening post first, then the most helpful replies.
    """
    parameters = {"thread_id": thread.id}
    rows = []
    if page is not None and page >= 1 and (page - 1) * per_page < _OFFSET_MAX:
        window = {**parameters, "limit": per_page, "offset": (page - 1) * per_page}
        rows = db.session.execute(_THREAD_POSTS_COUNTED[by_votes], window).all()
    if rows:
        posts = Page([post for post, _total in rows], page, per_page, rows[0][1])
    else:  # the last page (its number needs the count first), or none there
        posts = paginate_built(
            _THREAD_POST_COUNT, _THREAD_POSTS[by_votes], parameters, page, per_page
        )
    return replace(posts, items=_in_thread(posts.items, thread))


def after(
    thread: Thread, order: slices.Order, key: Sequence[Any] | None, limit: int
) -> slices.Slice:
    """The API's posts of a thread in `order`, read after a cursor's post."""
    found = slices.read(_POSTS_OF_THREAD.params(thread_id=thread.id), order, key, limit)
    return replace(found, items=_in_thread(found.items, thread))


def _in_thread(posts: Sequence[Post], thread: Thread) -> list[Post]:
    for post in posts:
        # the caller already holds the thread: no query per post for it
        set_committed_value(post, "thread", thread)
    return list(posts)
