"""Thread pages, starting threads, replying, editing and deleting posts."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial
from typing import NamedTuple

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import limits, permissions, standing
from forum.forms import ActionForm
from forum.forms.threads import DeletePostForm, EditPostForm, NewThreadForm, ReplyForm
from forum.models import Post, Thread, ThreadKind
from forum.page_cache import for_members, for_visitors, with_parts
from forum.services import ServiceError, browsing, experts, inbox, notifications, posting, qa
from forum.services.browsing import Page

bp = Blueprint("threads", __name__)


@bp.get("/threads/<int:thread_id>")
@for_visitors
@for_members(partial(inbox.thread_watch, current_user))
@with_parts
def show(thread_id: int):
    thread = _visible_thread(thread_id)
    return _render_thread(thread, ReplyForm(), request.args.get("page", 1, type=int))


@bp.post("/threads/<int:thread_id>/reply")
@login_required
@limits.new_account_replies
@limits.previews
def reply(thread_id: int):
    thread = _visible_thread(thread_id)
    form = ReplyForm()
    if form.validate_on_submit() and not _previewing():
        try:
            post = posting.reply(current_user, thread, form.body.data, form.language.data)
        except ServiceError as error:
            form.apply_service_error(error)
        else:
            flash(_("Your reply is posted."), "success")
            _say_if_mentions_capped(post.mentions_written)
            return redirect(_post_url(post))
    return _render_thread(thread, form, page=None)


@bp.route("/n/<network_slug>/<theme_slug>/new", methods=["GET", "POST"])
@login_required
@limits.new_account_threads
@limits.previews
def new(network_slug: str, theme_slug: str):
    board = browsing.get_board(network_slug, theme_slug) or abort(404)
    permissions.require(current_user, "start_thread", board)
    form = NewThreadForm()
    if request.method == "GET" and request.args.get("kind") in ThreadKind.__members__:
        form.kind.data = request.args["kind"]
    if form.validate_on_submit() and not _previewing():
        try:
            thread = posting.start_thread(
                current_user,
                board,
                ThreadKind(form.kind.data),
                form.title.data,
                form.body.data,
                practice=form.practice(),
                language=form.language.data,
            )
        except ServiceError as error:
            form.apply_service_error(error)
        else:
            flash(_("Your thread is posted."), "success")
            _say_if_mentions_capped(thread.mentions_written)
            return redirect(url_for("threads.show", thread_id=thread.id))
    return render_template(
        "threads/new.html", board=board, form=form, preview=_preview(form)
    ), form.http_status


@bp.get("/posts/<int:post_id>")
def permalink(post_id: int):
    post = browsing.get_post(post_id) or abort(404)
    _visible_thread(post.thread_id)
    return redirect(_post_url(post))


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
@limits.previews
def edit(post_id: int):
    post = browsing.get_post(post_id) or abort(404)
    permissions.require(current_user, "edit_post", post)
    form = EditPostForm(body=post.body_source, title=post.thread.title, language=post.language)
    if form.validate_on_submit() and not _previewing():
        try:
            posting.edit_post(
                current_user, post, form.body.data, form.title.data, form.language.data
            )
        except ServiceError as error:
            form.apply_service_error(error)
        else:
            flash(_("Your changes are saved."), "success")
            return redirect(_post_url(post))
    return render_template(
        "threads/edit.html", post=post, form=form, preview=_preview(form)
    ), form.http_status


@bp.route("/posts/<int:post_id>/delete", methods=["GET", "POST"])
@login_required
def delete(post_id: int):
    post = browsing.get_post(post_id) or abort(404)
    permissions.require(current_user, "delete_post", post)
    form = DeletePostForm()
    if form.validate_on_submit():
        board = post.thread.board
        if posting.delete_post(current_user, post):
            flash(_("The post and its thread are deleted."), "success")
            return redirect(
                url_for("main.board", network_slug=board.network.slug, theme_slug=board.theme.slug)
            )
        flash(_("The post is deleted."), "success")
        return redirect(_post_url(post))
    return render_template("threads/delete.html", post=post, form=form)


@bp.post("/threads/<int:thread_id>/accept/<int:post_id>")
@login_required
def accept(thread_id: int, post_id: int):
    post = browsing.get_post(post_id)
    if post is None or post.thread_id != thread_id:
        abort(404)  # a reply from another thread is not this question's answer
    _visible_thread(thread_id)
    if ActionForm().validate_on_submit():
        qa.accept(current_user, post)
        flash(_("Marked as the accepted answer."), "success")
    return redirect(url_for("threads.show", thread_id=thread_id))


@bp.post("/threads/<int:thread_id>/unaccept")
@login_required
def unaccept(thread_id: int):
    thread = _visible_thread(thread_id)
    if ActionForm().validate_on_submit():
        qa.unaccept(current_user, thread)
        flash(_("The question has no accepted answer now."), "info")
    return redirect(url_for("threads.show", thread_id=thread_id))


@bp.post("/posts/<int:post_id>/vote")
@login_required
def vote(post_id: int):
    post = browsing.get_post(post_id) or abort(404)
    _visible_thread(post.thread_id)
    if ActionForm().validate_on_submit():
        counted = qa.vote(current_user, post)
        message = _("Thanks: your vote is counted.") if counted else _("You already voted.")
        flash(message, "success")
    return redirect(_post_url(post))


@bp.post("/posts/<int:post_id>/unvote")
@login_required
def unvote(post_id: int):
    post = browsing.get_post(post_id) or abort(404)
    _visible_thread(post.thread_id)
    if ActionForm().validate_on_submit():
        qa.unvote(current_user, post)
        flash(_("Your vote is withdrawn."), "info")
    return redirect(_post_url(post))


def _say_if_mentions_capped(named: int) -> None:
    if named > notifications.MENTION_LIMIT:
        flash(
            _(
                "You mentioned %(named)d members; only the first %(limit)d were notified.",
                named=named,
                limit=notifications.MENTION_LIMIT,
            ),
            "info",
        )


def _visible_thread(thread_id: int) -> Thread:
    thread = browsing.get_thread(thread_id)
    if thread is None or not permissions.may("view_thread", thread):
        abort(404)
    return thread


def _render_thread(thread: Thread, form: ReplyForm, page: int | None):
    by_votes = request.args.get("sort") == "votes"
    watch_state = inbox.thread_watch(current_user, thread.id)
    preview = _preview(form)  # first: a preview refused is an error on the form, and a 422
    return render_template(
        "threads/show.html",
        thread=thread,
        form=form,
        preview=preview,
        by_votes=by_votes,
        watch_state=watch_state,
        # the page as this member sees it is kept for them under what no content change moves
        member_view=f"thread-{watch_state}-{standing.rights_key(current_user)}",
        # read once, and only if that part is made (page_cache.kept)
        read_posts=cache(partial(_shown_posts, thread, page, by_votes)),
    ), form.http_status


class ShownPosts(NamedTuple):
    posts: Page
    accepted: Post | None
    actions: dict[int, permissions.PostActions]
    read_expertise: Callable[[], dict]  # read once, and only if a post's kept part is made
    list_part: str | None


def _shown_posts(thread: Thread, page: int | None, by_votes: bool) -> ShownPosts:
    posts = browsing.thread_posts(thread, page, current_app.config["POSTS_PER_PAGE"], by_votes)
    accepted = qa.accepted_post(thread)
    authors = {post.author_id for post in posts.items} | (
        {accepted.author_id} if accepted else set()
    )
    my_votes = qa.votes_by(current_user, posts.items)
    actions = {
        post.id: permissions.post_actions(post, thread, accepted, my_votes) for post in posts.items
    }
    return ShownPosts(
        posts,
        accepted,
        actions,
        cache(partial(experts.expertise_of, sorted(authors), thread.board.theme_id)),
        _post_list_part([*posts.items, accepted], actions),
    )


def _post_list_part(
    shown: list[Post | None], actions: dict[int, permissions.PostActions]
) -> str | None:
    """The name the page's whole post list (and the accepted answer shown under the question)
    is kept under: members who may do the same with every post share it. None, not kept
    whole, when one of them is hidden: that reads differently for moderators, its author and
    everyone else."""
    if any(post is not None and post.is_hidden for post in shown):
        return None
    return "posts-" + "-".join(action.key for action in actions.values())


def _post_url(post: Post) -> str:
    page = browsing.page_of_post(post, current_app.config["POSTS_PER_PAGE"])
    return url_for(
        "threads.show",
        thread_id=post.thread_id,
        page=page if page > 1 else None,
        _anchor=f"post-{post.id}",
    )


def _previewing() -> bool:
    return "preview" in request.form


def _preview(form) -> str | None:  # noqa: ANN001
    """The composer's preview: the same rendering the post will get when saved."""
    if not _previewing() or form.body.errors or not (form.body.data or "").strip():
        return None
    try:
        return posting.preview_html(form.body.data)
    except ServiceError as error:
        form.apply_service_error(error)
        return None
