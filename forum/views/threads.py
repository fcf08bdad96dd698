"""Thread pages, starting threads, replying, editing and deleting posts."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.wrappers import Response
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import limits, permissions
from forum.attachments.requests import accepts_uploads
from forum.forms import ActionForm
from forum.forms.threads import DeletePostForm, EditPostForm, NewThreadForm, ReplyForm
from forum.forms.topics import TopicOption
from forum.languages import current
from forum.limits import Spent
from forum.models import Board, Post, Thread, ThreadKind
from forum.page_cache import for_visitors
from forum.services import (
    ServiceError,
    browsing,
    notifications,
    post_history,
    posting,
    qa,
    thread_heads,
    thread_pages,
    topics,
)
from forum.views import first_day

bp = Blueprint("threads", __name__)


@bp.get("/threads/<int:thread_id>")
@for_visitors(reads=("page", "sort"), shows="thread")
def show(thread_id: int):
    thread = thread_heads.head(thread_id)
    if thread is None or not permissions.may("view_thread", thread):
        abort(404)
    # a form holds a CSRF token: a visitor's page, kept for all, has none
    form = ReplyForm() if current_user.is_authenticated else None
    return _render_thread(thread, form, request.args.get("page", 1, type=int))


@bp.post("/threads/<int:thread_id>/reply")
@accepts_uploads
@login_required
@limits.previews
def reply(thread_id: int):
    thread = _visible_thread(thread_id)
    form = ReplyForm()
    allowance, refused = limits.new_account_reply_allowance, None
    if form.validate_on_submit() and not previewing():
        refused = first_day.spent(allowance, form)
        if refused is None:
            try:
                post = posting.reply(
                    current_user, thread, form.body.data, form.language.data, form.files.data
                )
            except ServiceError as error:
                form.apply_service_error(error)
            else:
                allowance.count(current_user)
                flash(_("Your reply is posted."), "success")
                _say_if_mentions_capped(post.mentions_written)
                return redirect(_post_url(post))
    form.files_sent_again()
    html, _status = _render_thread(thread, form, page=None)
    return first_day.answer(html, form, refused)


@bp.route("/n/<network_slug>/<theme_slug>/new", methods=["GET", "POST"])
@accepts_uploads
@login_required
@limits.previews
def new(network_slug: str, theme_slug: str):
    board = browsing.get_board(network_slug, theme_slug) or abort(404)
    permissions.require(current_user, "start_thread", board)
    form = NewThreadForm()
    if request.method == "GET" and request.args.get("kind") in ThreadKind.__members__:
        form.kind.data = request.args["kind"]
    posted, refused = start_thread_from(form, lambda: board)
    if posted is not None:
        return posted
    form.files_sent_again()
    html = render_template(
        "threads/new.html", board=board, form=form, preview=preview_of(form), topics=offered(form)
    )
    return first_day.answer(html, form, refused)


def start_thread_from(
    form: NewThreadForm, board_of: Callable[[], Board]
) -> tuple[Response | None, Spent | None]:
    """A composer's POST (this board's, or "Ask a question"'s): the new thread's address, or
    None to show the form again, with the first day's refusal if that is why."""
    if not form.validate_on_submit() or previewing():
        return None, None
    allowance = limits.new_account_thread_allowance
    refused = first_day.spent(allowance, form)
    if refused is not None:
        return None, refused
    try:
        thread = posting.start_thread(
            current_user,
            board_of(),
            ThreadKind(form.kind.data),
            form.title.data,
            form.body.data,
            practice=form.practice(),
            language=form.language.data,
            files=form.files.data,
            topic_ids=form.topics.data or [],
        )
    except ServiceError as error:
        form.apply_service_error(error)
        return None, None
    allowance.count(current_user)
    flash(_("Your thread is posted."), "success")
    _say_if_mentions_capped(thread.mentions_written)
    return redirect(url_for("threads.show", thread_id=thread.id)), None


@bp.get("/posts/<int:post_id>")
def permalink(post_id: int):
    post = browsing.get_post(post_id) or abort(404)
    _visible_thread(post.thread_id)
    return redirect(_post_url(post))


@bp.get("/threads/<int:thread_id>/posts/<int:post_id>/history")
@for_visitors(shows="thread")
def history(thread_id: int, post_id: int):
    """What changed in a post, and when: for whoever may read it (permissions "read_history")."""
    thread = _visible_thread(thread_id)
    post = browsing.get_post(post_id)
    if post is None or post.thread_id != thread.id:
        abort(404)
    shown = post_history.post_history(current_user, post)
    return render_template("threads/history.html", thread=thread, shown=shown)


@bp.get("/threads/<int:thread_id>/posts/<int:post_id>/fragment")
def post_fragment(thread_id: int, post_id: int):
    """One post as it shows on the thread page, for a page that adds a new reply live
    (static/js/live-thread.js). Made for each reader, never kept: its forms carry their token."""
    thread = _visible_thread(thread_id)
    shown = thread_pages.one_post(current_user, thread, post_id)
    if shown is None or shown.cards[0].refusal is not None:
        abort(404)
    return render_template("threads/_post_fragment.html", thread=thread, shown=shown)


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@accepts_uploads
@login_required
@limits.previews
def edit(post_id: int):
    post = browsing.get_post(post_id) or abort(404)
    permissions.require(current_user, "edit_post", post)
    form = EditPostForm(body=post.body_source, title=post.thread.title, language=post.language)
    if post.is_opening and not form.is_submitted():
        form.topics.data = topics.of_thread(post.thread_id)
    if form.validate_on_submit() and not previewing():
        try:
            posting.edit_post(
                current_user,
                post,
                form.body.data,
                form.title.data,
                form.language.data,
                files=form.files.data,
                topic_ids=form.chosen_topics(),
            )
        except ServiceError as error:
            form.apply_service_error(error)
        else:
            flash(_("Your changes are saved."), "success")
            return redirect(_post_url(post))
    form.files_sent_again()
    preview = preview_of(form)
    shown = offered(form) if post.is_opening else None
    return render_template(
        "threads/edit.html", post=post, form=form, preview=preview, topics=shown
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


def _render_thread(thread: Thread, form: ReplyForm | None, page: int | None):
    # first: a preview refused is an error on the form, and a 422
    preview = preview_of(form) if form else None
    shown = thread_pages.thread_page(
        current_user,
        thread,
        page,
        current_app.config["POSTS_PER_PAGE"],
        by_votes=request.args.get("sort") == "votes",
    )
    return render_template(
        "threads/show.html",
        thread=thread,
        shown=shown,
        form=form,
        preview=preview,
    ), form.http_status if form else 200


def _post_url(post: Post) -> str:
    page = browsing.page_of_post(post, current_app.config["POSTS_PER_PAGE"])
    return url_for(
        "threads.show",
        thread_id=post.thread_id,
        page=page if page > 1 else None,
        _anchor=f"post-{post.id}",
    )


def offered(form: NewThreadForm | EditPostForm) -> list[TopicOption]:
    """The topics a composer offers: those ticked, and those its title and body name."""
    return form.topic_options(f"{form.title.data or ''}\n{form.body.data or ''}", current())


def previewing() -> bool:
    return "preview" in request.form


def preview_of(form) -> str | None:  # noqa: ANN001
    """The composer's preview: the same rendering the post will get when saved."""
    if not previewing() or form.body.errors or not (form.body.data or "").strip():
        return None
    try:
        return posting.preview_html(form.body.data)
    except ServiceError as error:
        form.apply_service_error(error)
        return None
