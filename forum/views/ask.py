"""The "Ask a question" composer, reached from every page: a new thread with the network and
theme chosen in it (the board the member came from chosen for them)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from forum import limits, permissions
from forum.attachments.requests import accepts_uploads
from forum.extensions import db
from forum.forms import database_id
from forum.forms.threads import AskForm
from forum.models import Board, ThreadKind
from forum.services import ask_page
from forum.views import first_day
from forum.views.threads import offered, preview_of, start_thread_from

bp = Blueprint("ask", __name__)


@bp.route("/ask", methods=["GET", "POST"])
@accepts_uploads
@login_required
@limits.previews
def compose():
    boards = {board.id: board for board in ask_page.boards_to_ask_in(current_user)}
    form = AskForm(boards.values())
    if request.method == "POST":
        chosen = db.session.get(Board, request.form.get("board", type=database_id) or 0)
        if chosen is not None:  # a board not offered: the reason, as its own composer says
            permissions.require(current_user, "start_thread", chosen)
    else:
        came_from = request.args.get("board", type=database_id)
        form.board.data = came_from if came_from in boards else None
        if request.args.get("kind") in ThreadKind.__members__:
            form.kind.data = request.args["kind"]
    posted, refused = start_thread_from(form, lambda: boards[form.board.data])
    if posted is not None:
        return posted
    form.files_sent_again()
    html = render_template(
        "threads/ask.html", form=form, preview=preview_of(form), topics=offered(form)
    )
    return first_day.answer(html, form, refused)
