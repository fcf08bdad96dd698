"""Moderators at work: thread and post actions, reports and their queue, the audit log."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import permissions
from forum.extensions import db
from forum.forms import ActionForm, database_id
from forum.forms.moderation import REPORT_REASONS, MoveForm, ReasonForm, ReportForm
from forum.languages import lazy_gettext as _l
from forum.models import Board, ReportReason, ReportStatus, Thread
from forum.services import ServiceError, audit, browsing, moderation, post_history

bp = Blueprint("moderation", __name__)

FLAG_DONE = {
    "pin": _l("The thread is pinned to the top of its board."),
    "unpin": _l("The thread is no longer pinned."),
    "lock": _l("The thread is locked: no new replies."),
    "unlock": _l("The thread is open for replies again."),
}


@bp.get("/mod")
@login_required
def index():
    """The networks this member moderates, with their open reports."""
    networks = [n for n in browsing.all_networks() if permissions.may("moderate", n)]
    if not networks:
        raise permissions.Denied(_("This page is for moderators."))
    counts = {n.id: moderation.open_report_count(frozenset({n.id})) for n in networks}
    return render_template("moderation/index.html", networks=networks, counts=counts)


@bp.post("/mod/threads/<int:thread_id>/<any(pin, unpin, lock, unlock):action>")
@login_required
def thread_flag(thread_id: int, action: str):
    thread = _thread(thread_id)
    if ActionForm().validate_on_submit():
        moderation.set_thread_flag(current_user, thread, action)
        flash(FLAG_DONE[action], "success")
    return redirect(url_for("threads.show", thread_id=thread.id))


@bp.route("/mod/threads/<int:thread_id>/move", methods=["GET", "POST"])
@login_required
def move(thread_id: int):
    thread = _thread(thread_id)
    permissions.require(current_user, "moderate", thread.board.network)
    chosen = db.session.get(Board, request.form.get("board", type=database_id) or 0)
    if chosen is not None:  # another network's board: a refusal, not a form error
        permissions.require(current_user, "move_thread", (thread, chosen))
    boards = browsing.move_targets(thread, admin=current_user.is_admin)
    form = MoveForm(boards)
    if form.validate_on_submit():
        board = next(b for b in boards if b.id == form.board.data)
        try:
            moderation.move_thread(current_user, thread, board, form.reason.data or "")
        except ServiceError as error:
            form.apply_service_error(error)
        else:
            flash(_("The thread is now in %(board)s.", board=board.name), "success")
            return redirect(url_for("threads.show", thread_id=thread.id))
    return render_template("moderation/move.html", thread=thread, form=form), form.http_status


@bp.route("/mod/threads/<int:thread_id>/delete", methods=["GET", "POST"])
@login_required
def delete_thread(thread_id: int):
    thread = _thread(thread_id)
    permissions.require(current_user, "moderate", thread.board.network)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            moderation.delete_thread(current_user, thread, form.reason.data)
        except ServiceError as error:
            form.apply_service_error(error)
        else:
            flash(_("The thread is deleted. Moderators can still restore it."), "success")
            return redirect(url_for("threads.show", thread_id=thread.id))
    return render_template(
        "moderation/reason.html",
        form=form,
        title=_("Delete this thread?"),
        subject=thread.title,
        back=url_for("threads.show", thread_id=thread.id),
    ), form.http_status


@bp.post("/mod/threads/<int:thread_id>/restore")
@login_required
def restore_thread(thread_id: int):
    thread = _thread(thread_id)
    if ActionForm().validate_on_submit():
        moderation.restore_thread(current_user, thread)
        flash(_("The thread is restored."), "success")
    return redirect(url_for("threads.show", thread_id=thread.id))


@bp.route("/mod/posts/<int:post_id>/hide", methods=["GET", "POST"])
@login_required
def hide(post_id: int):
    post = browsing.get_post(post_id) or abort(404)
    permissions.require(current_user, "moderate", post.thread.board.network)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            moderation.hide_post(current_user, post, form.reason.data)
        except ServiceError as error:
            form.apply_service_error(error)
        else:
            flash(_("The post is hidden from members."), "success")
            return redirect(url_for("threads.permalink", post_id=post.id))
    return render_template(
        "moderation/reason.html",
        form=form,
        title=_("Hide this post?"),
        subject=post.thread.title,
        post=post,
        back=url_for("threads.permalink", post_id=post.id),
    ), form.http_status


@bp.post("/mod/posts/<int:post_id>/unhide")
@login_required
def unhide(post_id: int):
    post = browsing.get_post(post_id) or abort(404)
    if ActionForm().validate_on_submit():
        moderation.unhide_post(current_user, post)
        flash(_("The post is visible again."), "success")
    return redirect(url_for("threads.permalink", post_id=post.id))


@bp.get("/mod/posts/<int:post_id>/history")
@login_required
def history(post_id: int):
    post = browsing.get_post(post_id) or abort(404)
    permissions.require(current_user, "moderate", post.thread.board.network)
    shown = post_history.post_history(current_user, post)
    return render_template("threads/history.html", thread=post.thread, shown=shown)


@bp.route("/posts/<int:post_id>/report", methods=["GET", "POST"])
@login_required
def report(post_id: int):
    post = browsing.get_post(post_id) or abort(404)
    if not permissions.may("view_thread", post.thread):
        abort(404)
    permissions.require(current_user, "report", post)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            moderation.report_post(
                current_user, post, ReportReason(form.reason.data), form.details.data or ""
            )
        except ServiceError as error:
            form.apply_service_error(error)
        else:
            flash(_("Thank you. The network's moderators will review the post."), "success")
            return redirect(url_for("threads.permalink", post_id=post.id))
    return render_template("moderation/report.html", post=post, form=form), form.http_status


@bp.get("/mod/<network_slug>/reports")
@login_required
def queue(network_slug: str):
    network = browsing.get_network(network_slug) or abort(404)
    permissions.require(current_user, "moderate", network)
    status = request.args.get("status", "open")
    status = ReportStatus(status) if status in ReportStatus.__members__ else ReportStatus.open
    reports = moderation.queue(
        network.id,
        status,
        request.args.get("page", 1, type=int),
        current_app.config["THREADS_PER_PAGE"],
    )
    return render_template(
        "moderation/queue.html",
        network=network,
        reports=reports,
        status=status,
        reasons=REPORT_REASONS,
        hide_form=ReasonForm(),
    )


@bp.post("/mod/reports/<int:report_id>/<any(dismiss, hide):decision>")
@login_required
def decide(report_id: int, decision: str):
    found = moderation.get_report(report_id) or abort(404)
    permissions.require(current_user, "moderate", found.post.thread.board.network)
    form = ReasonForm() if decision == "hide" else ActionForm()
    if not form.validate_on_submit():
        flash(_("Give a reason for hiding the post."), "error")
    elif decision == "hide":
        moderation.hide_reported_post(current_user, found, form.reason.data)
        flash(_("The post is hidden and its reports are closed."), "success")
    else:
        moderation.dismiss_report(current_user, found)
        flash(_("The report is dismissed."), "success")
    network = found.post.thread.board.network
    return redirect(url_for("moderation.queue", network_slug=network.slug))


@bp.get("/mod/<network_slug>/audit")
@login_required
def audit_log(network_slug: str):
    network = browsing.get_network(network_slug) or abort(404)
    permissions.require(current_user, "moderate", network)
    entries, lines = audit.log_page(network.id, request.args.get("page", 1, type=int), 50)
    return render_template("moderation/audit.html", network=network, entries=entries, lines=lines)


def _thread(thread_id: int) -> Thread:
    return browsing.get_thread(thread_id) or abort(404)
