"""What a thread page shows, gathered before it is rendered: its posts, the accepted answer,
the authors' expertise, what the reader may do with each post and their watch of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from forum import permissions
from forum.models import Post, Thread
from forum.services import browsing, experts, inbox, qa
from forum.services.browsing import Page
from forum.services.experts import Expertise


@dataclass(frozen=True)
class ThreadPage:
    thread: Thread
    posts: Page
    accepted: Post | None
    actions: dict[int, permissions.PostActions]  # by post id
    expertise: dict[int, list[Expertise]]  # by author id
    watch_state: str  # "watch", "mute" or "none"
    by_votes: bool


def thread_page(
    reader: Any, thread: Thread, page: int | None, per_page: int, by_votes: bool
) -> ThreadPage:
    """A page of the thread's posts as `reader` sees it (page None: the last); a page past
    the end is a PageOutOfRange (404)."""
    posts = browsing.thread_posts(thread, page, per_page, by_votes)
    accepted = qa.accepted_post(thread)
    authors = {post.author_id for post in posts.items}
    if accepted is not None:
        authors.add(accepted.author_id)
    my_votes = qa.votes_by(reader, posts.items)
    actions = {
        post.id: permissions.post_actions(post, thread, accepted, my_votes) for post in posts.items
    }
    return ThreadPage(
        thread=thread,
        posts=posts,
        accepted=accepted,
        actions=actions,
        expertise=experts.expertise_of(sorted(authors), thread.board.theme_id),
        watch_state=inbox.thread_watch(reader, thread.id),
        by_votes=by_votes,
    )
