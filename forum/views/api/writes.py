"""Writing through the API: the pages' services, permissions, sanctions and first-day
allowances, with a write-scoped token instead of a form and its CSRF token."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_login import current_user

from forum import limits
from forum.extensions import db
from forum.languages import LANGUAGES
from forum.languages import lazy_gettext as _l
from forum.models import Board, ControlLevel, Post, ThreadKind
from forum.models.topics import CONCEPT_ID_MAX
from forum.services import browsing, inbox, posting, qa, thread_pages, topics
from forum.views.api import bp, shapes
from forum.views.api.errors import ApiError, invalid
from forum.views.api.reads import PRACTICE, SLUG, visible_thread
from forum.views.api.spec import operation

WRITE_ERRORS = (401, 403, 404, 409, 413, 429)
LANGUAGE = {"type": "string", "enum": ["", *LANGUAGES]}
BODY = {"type": "string", "minLength": 1, "maxLength": posting.BODY_MAX}
TITLE = {"type": "string", "minLength": 1, "maxLength": posting.TITLE_MAX}
TOPICS = {
    "type": "array",
    "maxItems": topics.MOST_TOPICS,
    "items": {"type": "string", "minLength": 1, "maxLength": CONCEPT_ID_MAX},
}


def _fields(required: list[str], **properties: dict) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _first_day(allowance: limits.FirstDay) -> None:
    """A new member's allowance, as the composers answer it: a 429 saying when."""
    spent = allowance.spent(current_user)
    if spent is not None:
        raise ApiError(429, "rate_limited", allowance.refusal(spent), retry_after=spent.retry_after)


def _post_json(post_id: int) -> dict[str, Any]:
    post = browsing.get_post(post_id) or abort(404)
    shown = thread_pages.one_post(current_user, post.thread, post.id) or abort(404)
    return shapes.post(shown.cards[0], post.thread_id, post.body_source, post.edited_at)


@operation(
    bp,
    "POST",
    "/threads",
    summary=_l("Start a thread on a board"),
    tag=_l("Writing"),
    response=shapes.THREAD,
    status=201,
    body=_fields(
        ["network", "theme", "kind", "title", "body"],
        network=SLUG,
        theme=SLUG,
        kind={"type": "string", "enum": shapes.KINDS},
        title=TITLE,
        body=BODY,
        language=LANGUAGE,
        practice_country={"type": ["string", "null"], "maxLength": 2},
        practice_sector={"type": ["string", "null"], "maxLength": 1},
        practice_control={
            "type": ["string", "null"],
            "enum": [None, *(c.value for c in ControlLevel)],
        },
        topics=TOPICS,
    ),
    access="write",
    errors=WRITE_ERRORS,
)
def start_thread(body: dict[str, Any]) -> dict[str, Any]:
    board = browsing.get_board(body["network"], body["theme"]) or abort(404)
    given = [name for name in PRACTICE if body.get(name) is not None]
    if given and body["kind"] != ThreadKind.good_practice.value:
        raise invalid(given[0], _l("Only good practices have these details."))
    _first_day(limits.new_account_thread_allowance)
    thread = posting.start_thread(
        current_user,
        board,
        ThreadKind(body["kind"]),
        body["title"],
        body["body"],
        practice={
            "country": body.get("practice_country"),
            "sector": body.get("practice_sector"),
            "control": body.get("practice_control"),
        },
        language=body.get("language", ""),
        topic_ids=body.get("topics", ()),
    )
    limits.new_account_thread_allowance.count(current_user)
    shown = browsing.get_thread(thread.id, with_author=True) or abort(404)
    return shapes.thread(shown, topics.of_thread(thread.id))


@operation(
    bp,
    "POST",
    "/threads/<int:thread_id>/posts",
    summary=_l("Reply to a thread"),
    tag=_l("Writing"),
    response=shapes.POST,
    status=201,
    body=_fields(["body"], body=BODY, language=LANGUAGE),
    access="write",
    errors=WRITE_ERRORS,
)
def reply(thread_id: int, body: dict[str, Any]) -> dict[str, Any]:
    thread = visible_thread(thread_id)
    _first_day(limits.new_account_reply_allowance)
    post = posting.reply(current_user, thread, body["body"], body.get("language", ""))
    limits.new_account_reply_allowance.count(current_user)
    return _post_json(post.id)


@operation(
    bp,
    "PATCH",
    "/posts/<int:post_id>",
    summary=_l(
        "Edit one's own post (its title and topics too, for an opening post); a language "
        "not given stays as it was, and an empty one is recognised again from the text"
    ),
    tag=_l("Writing"),
    response=shapes.POST,
    body=_fields(["body"], body=BODY, title=TITLE, language=LANGUAGE, topics=TOPICS),
    access="write",
    errors=WRITE_ERRORS,
)
def edit_post(post_id: int, body: dict[str, Any]) -> dict[str, Any]:
    post = _visible_post(post_id)
    for name in ("title", "topics"):
        if name in body and not post.is_opening:
            raise invalid(name, _l("Only a thread's opening post has a title and topics."))
    posting.edit_post(
        current_user,
        post,
        body["body"],
        body.get("title"),
        body.get("language", post.language),
        topic_ids=body.get("topics"),
    )
    return _post_json(post.id)


VOTE = shapes.obj(post_id=shapes.ID, voted=shapes.FLAG)


@operation(
    bp,
    "PUT",
    "/posts/<int:post_id>/vote",
    summary=_l("Vote a reply helpful (once)"),
    tag=_l("Writing"),
    response=VOTE,
    access="write",
    errors=WRITE_ERRORS,
)
def vote(post_id: int) -> dict[str, Any]:
    post = _visible_post(post_id)
    qa.vote(current_user, post)
    return {"post_id": post.id, "voted": True}


@operation(
    bp,
    "DELETE",
    "/posts/<int:post_id>/vote",
    summary=_l("Withdraw one's vote"),
    tag=_l("Writing"),
    response=VOTE,
    access="write",
    errors=WRITE_ERRORS,
)
def unvote(post_id: int) -> dict[str, Any]:
    post = _visible_post(post_id)
    qa.unvote(current_user, post)
    return {"post_id": post.id, "voted": False}


ACCEPTED = shapes.obj(thread_id=shapes.ID, post_id={"type": ["integer", "null"]})


@operation(
    bp,
    "PUT",
    "/threads/<int:thread_id>/accepted",
    summary=_l("Accept a reply as the question's answer"),
    tag=_l("Writing"),
    response=ACCEPTED,
    body=_fields(["post_id"], post_id={"type": "integer", "minimum": 1, "maximum": 2**31 - 1}),
    access="write",
    errors=WRITE_ERRORS,
)
def accept(thread_id: int, body: dict[str, Any]) -> dict[str, Any]:
    post = browsing.get_post(body["post_id"])
    if post is None or post.thread_id != thread_id:
        abort(404)  # a reply from another thread is not this question's answer
    visible_thread(thread_id)
    qa.accept(current_user, post)
    return {"thread_id": thread_id, "post_id": post.id}


@operation(
    bp,
    "DELETE",
    "/threads/<int:thread_id>/accepted",
    summary=_l("Withdraw the accepted answer"),
    tag=_l("Writing"),
    response=ACCEPTED,
    access="write",
    errors=WRITE_ERRORS,
)
def unaccept(thread_id: int) -> dict[str, Any]:
    qa.unaccept(current_user, visible_thread(thread_id))
    return {"thread_id": thread_id, "post_id": None}


WATCH_STATE = _fields(["state"], state={"type": "string", "enum": ["watch", "mute", "none"]})
WATCHED = shapes.obj(state={"type": "string", "enum": ["watch", "mute", "none"]})


@operation(
    bp,
    "PUT",
    "/threads/<int:thread_id>/watch",
    summary=_l("Watch, mute or reset one's watch of a thread"),
    tag=_l("Writing"),
    response=WATCHED,
    body=WATCH_STATE,
    access="write",
    errors=WRITE_ERRORS,
)
def watch_thread(thread_id: int, body: dict[str, Any]) -> dict[str, Any]:
    thread = browsing.get_thread(thread_id)
    if thread is None or thread.is_deleted:
        abort(404)
    inbox.set_watch(current_user, thread=thread, state=body["state"])
    return {"state": body["state"]}


@operation(
    bp,
    "PUT",
    "/boards/<int:board_id>/watch",
    summary=_l("Watch, mute or reset one's watch of a board"),
    tag=_l("Writing"),
    response=WATCHED,
    body=WATCH_STATE,
    access="write",
    errors=WRITE_ERRORS,
)
def watch_board(board_id: int, body: dict[str, Any]) -> dict[str, Any]:
    board = db.session.get(Board, board_id) or abort(404)
    inbox.set_watch(current_user, board=board, state=body["state"])
    return {"state": body["state"]}


@operation(
    bp,
    "POST",
    "/notifications/read",
    summary=_l("Mark some (ids) or all of one's notifications read"),
    tag=_l("Notifications"),
    response=shapes.obj(marked=shapes.COUNT),
    body=_fields(
        [],
        ids={
            "type": "array",
            "maxItems": 500,
            "items": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
        },
    ),
    access="write",
    errors=(401, 403, 413),
)
def mark_read(body: dict[str, Any]) -> dict[str, Any]:
    return {"marked": inbox.mark_read(current_user, body.get("ids"))}


def _visible_post(post_id: int) -> Post:
    post = browsing.get_post(post_id) or abort(404)
    visible_thread(post.thread_id)
    return post
