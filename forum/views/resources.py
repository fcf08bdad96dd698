"""The Resources pages of boards, networks and themes, and what moderators do there."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import permissions
from forum.forms import ActionForm
from forum.forms.resources import LibraryFilterForm, RemoveAttachmentForm
from forum.models import Attachment, Board, Network, Theme
from forum.page_cache import for_visitors
from forum.services import (
    ServiceError,
    attachment_moderation,
    attachment_pages,
    browsing,
    resource_library,
)

bp = Blueprint("resources", __name__)

# the query arguments of a Resources page
LIBRARY_ARGS = ("page", "kind", "language")


@bp.get("/n/<network_slug>/<theme_slug>/resources")
@for_visitors(reads=LIBRARY_ARGS, shows="board")
def board(network_slug: str, theme_slug: str):
    board = browsing.get_board(network_slug, theme_slug) or abort(404)
    form = _filters()
    library = resource_library.board_library(
        current_user, board, form.chosen(), _page_number(), _per_page()
    )
    return _render(form, library, board=board, network=board.network, theme=board.theme)


@bp.get("/n/<network_slug>/resources")
@for_visitors(reads=LIBRARY_ARGS)
def network(network_slug: str):
    network = browsing.get_network(network_slug) or abort(404)
    form = _filters()
    library = resource_library.network_library(
        current_user, network, form.chosen(), _page_number(), _per_page()
    )
    return _render(form, library, network=network)


@bp.get("/themes/<theme_slug>/resources")
@for_visitors(reads=LIBRARY_ARGS)
def theme(theme_slug: str):
    theme = browsing.get_theme(theme_slug) or abort(404)
    form = _filters()
    library = resource_library.theme_library(
        current_user, theme, form.chosen(), _page_number(), _per_page()
    )
    return _render(form, library, theme=theme)


@bp.route("/mod/attachments/<int:attachment_id>/remove", methods=["GET", "POST"])
@login_required
def remove(attachment_id: int):
    attachment = _attachment(attachment_id)
    permissions.require(current_user, "remove_attachment", attachment)
    form = RemoveAttachmentForm()
    back = _library_of(attachment)
    if form.validate_on_submit():
        try:
            attachment_moderation.remove_attachment(current_user, attachment, form.reason.data)
        except ServiceError as error:
            form.apply_service_error(error)
        else:
            flash(_("The attachment is removed from its post."), "success")
            return redirect(back)
    return render_template(
        "moderation/reason.html",
        form=form,
        title=_("Remove this attachment?"),
        subject=f"{attachment.name} · {attachment.post.thread.title}",
        back=back,
    ), form.http_status


@bp.post("/mod/attachments/<int:attachment_id>/<any(review, unreview):action>")
@login_required
def review(attachment_id: int, action: str):
    attachment = _attachment(attachment_id)
    permissions.require(current_user, "review_attachment", attachment)
    if ActionForm().validate_on_submit():
        if action == "review":
            attachment_moderation.mark_reviewed(current_user, attachment)
            flash(_("The document is marked as a reviewed resource."), "success")
        else:
            attachment_moderation.unmark_reviewed(current_user, attachment)
            flash(_("The document is no longer marked as reviewed."), "success")
    return redirect(_library_of(attachment))


def _render(
    form: LibraryFilterForm,
    library: resource_library.LibraryPage,
    *,
    board: Board | None = None,
    network: Network | None = None,
    theme: Theme | None = None,
):
    if board is not None:
        place = f"{board.name} · {network.display_short_name}"
    else:
        place = network.display_short_name if network is not None else theme.display_name
    return render_template(
        "resources/library.html",
        form=form,
        library=library,
        board=board,
        network=network,
        theme=theme,
        place=place,
        filter_url=url_for(request.endpoint, **request.view_args),
    )


def _filters() -> LibraryFilterForm:
    form = LibraryFilterForm(formdata=request.args)
    form.validate()
    return form


def _attachment(attachment_id: int) -> Attachment:
    """The attachment, or a 404 for whoever may not know it is there."""
    attachment = attachment_pages.find(attachment_id)
    if attachment is None or not permissions.may("read_attachment", attachment):
        abort(404)
    return attachment


def _library_of(attachment: Attachment) -> str:
    board = attachment.post.thread.board
    return url_for("resources.board", network_slug=board.network.slug, theme_slug=board.theme.slug)


def _page_number() -> int:
    return request.args.get("page", 1, type=int)


def _per_page() -> int:
    return current_app.config["THREADS_PER_PAGE"]
