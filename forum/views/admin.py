"""Running the forum: a network's boards and suspensions (its moderators), networks,
moderators, bans and the whole audit log (administrators)."""

from __future__ import annotations

from datetime import date, datetime, time

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import permissions
from forum.extensions import db
from forum.forms import ActionForm
from forum.forms.moderation import (
    BanForm,
    BoardForm,
    ModeratorForm,
    NetworkForm,
    NewBoardForm,
    SuspendForm,
)
from forum.models import Board, Network, Theme
from forum.services import ServiceError, accounts, admin, audit, browsing, sanctions

bp = Blueprint("admin", __name__)


def end_of(day: date | None) -> datetime | None:
    """A sanction chosen "until 3 March" lasts through that day (UTC)."""
    return datetime.combine(day, time(23, 59, 59)) if day else None


@bp.route("/mod/<network_slug>/boards", methods=["GET", "POST"])
@login_required
def boards(network_slug: str):
    network = _network(network_slug)
    permissions.require(current_user, "moderate", network)
    form = NewBoardForm(browsing.all_themes())
    if form.validate_on_submit():
        theme = db.session.get(Theme, form.theme.data)
        try:
            admin.create_board(
                current_user, network, theme, form.name.data or "", form.description.data or ""
            )
        except ServiceError as error:
            form.apply_service_error(error)
        else:
            flash(_("The board is created."), "success")
            return redirect(url_for("admin.boards", network_slug=network.slug))
    return _render_boards(network, form)


@bp.post("/mod/boards/<int:board_id>")
@login_required
def update_board(board_id: int):
    board = db.session.get(Board, board_id) or abort(404)
    permissions.require(current_user, "moderate", board.network)
    form = BoardForm(prefix=f"board-{board.id}")
    if form.validate_on_submit():
        try:
            admin.update_board(
                current_user,
                board,
                form.name.data or "",
                form.description.data or "",
                form.position.data,
            )
        except ServiceError as error:
            form.apply_service_error(error)
        else:
            flash(_("The board is saved."), "success")
            return redirect(url_for("admin.boards", network_slug=board.network.slug))
    return _render_boards(
        board.network, NewBoardForm(browsing.all_themes()), failed=(board.id, form)
    )


@bp.post("/mod/boards/<int:board_id>/<any(archive, unarchive):action>")
@login_required
def archive_board(board_id: int, action: str):
    board = db.session.get(Board, board_id) or abort(404)
    if ActionForm().validate_on_submit():
        admin.set_archived(current_user, board, action == "archive")
        flash(
            _("The board is archived.") if action == "archive" else _("The board is open again."),
            "success",
        )
    return redirect(url_for("admin.boards", network_slug=board.network.slug))


@bp.route("/mod/<network_slug>/sanctions", methods=["GET", "POST"])
@login_required
def suspensions(network_slug: str):
    network = _network(network_slug)
    permissions.require(current_user, "moderate", network)
    form = SuspendForm()
    if form.validate_on_submit():
        member = accounts.find_user(form.username.data)
        if member is None:
            form.username.errors.append(_("No member by that name."))
        else:
            try:
                sanctions.suspend(
                    current_user, member, network, end_of(form.ends_on.data), form.reason.data
                )
            except ServiceError as error:
                form.apply_service_error(error)
            else:
                flash(
                    _(
                        "%(name)s is suspended in %(network)s.",
                        name=member.username,
                        network=network.short_name,
                    ),
                    "success",
                )
                return redirect(url_for("admin.suspensions", network_slug=network.slug))
    return render_template(
        "admin/sanctions.html",
        network=network,
        form=form,
        sanctions=sanctions.in_force(network.id),
    ), form.http_status


@bp.post("/mod/sanctions/<int:sanction_id>/lift")
@login_required
def lift(sanction_id: int):
    sanction = sanctions.get(sanction_id) or abort(404)
    if ActionForm().validate_on_submit():
        sanctions.lift(current_user, sanction)
        flash(_("The sanction is lifted."), "success")
    if sanction.network is None:
        return redirect(url_for("admin.bans"))
    return redirect(url_for("admin.suspensions", network_slug=sanction.network.slug))


@bp.route("/admin/bans", methods=["GET", "POST"])
@login_required
def bans():
    permissions.require(current_user, "administer")
    form = BanForm()
    if form.validate_on_submit():
        member = accounts.find_user(form.username.data)
        if member is None:
            form.username.errors.append(_("No member by that name."))
        else:
            try:
                sanctions.ban(current_user, member, end_of(form.ends_on.data), form.reason.data)
            except ServiceError as error:
                form.apply_service_error(error)
            else:
                flash(_("%(name)s is banned.", name=member.username), "success")
                return redirect(url_for("admin.bans"))
    return render_template(
        "admin/sanctions.html",
        network=None,
        form=form,
        sanctions=sanctions.in_force(None),
    ), form.http_status


@bp.route("/admin", methods=["GET", "POST"])
@login_required
def index():
    """Networks (create) and their moderators (grant, take back)."""
    permissions.require(current_user, "administer")
    networks = browsing.all_networks()
    network_form, moderator_form = NetworkForm(), ModeratorForm(networks)
    if network_form.create_network.data and network_form.validate_on_submit():
        try:
            created = admin.create_network(
                current_user,
                network_form.slug.data,
                network_form.short_name.data,
                network_form.name.data,
                network_form.description.data or "",
            )
        except ServiceError as error:
            network_form.apply_service_error(error)
        else:
            flash(
                _(
                    "%(network)s is created with a board for every theme.",
                    network=created.short_name,
                ),
                "success",
            )
            return redirect(url_for("admin.index"))
    if moderator_form.make_moderator.data and moderator_form.validate_on_submit():
        member = accounts.find_user(moderator_form.username.data)
        network = browsing.get_network(moderator_form.network.data)
        if member is None:
            moderator_form.username.errors.append(_("No member by that name."))
        else:
            admin.set_moderator(current_user, member, network, moderator=True)
            flash(
                _(
                    "%(name)s moderates %(network)s.",
                    name=member.username,
                    network=network.short_name,
                ),
                "success",
            )
            return redirect(url_for("admin.index"))
    status = max(network_form.http_status, moderator_form.http_status)
    return render_template(
        "admin/index.html",
        networks=networks,
        moderators=admin.moderators_by_network(),
        network_form=network_form,
        moderator_form=moderator_form,
    ), status


@bp.post("/admin/networks/<network_slug>/moderators/<username>/revoke")
@login_required
def revoke_moderator(network_slug: str, username: str):
    network = _network(network_slug)
    member = accounts.find_user(username) or abort(404)
    if ActionForm().validate_on_submit():
        admin.set_moderator(current_user, member, network, moderator=False)
        flash(
            _(
                "%(name)s no longer moderates %(network)s.",
                name=member.username,
                network=network.short_name,
            ),
            "success",
        )
    return redirect(url_for("admin.index"))


@bp.get("/admin/audit")
@login_required
def audit_log():
    permissions.require(current_user, "administer")
    entries, lines = audit.log_page(None, request.args.get("page", 1, type=int), 50)
    return render_template("moderation/audit.html", network=None, entries=entries, lines=lines)


def _network(slug: str) -> Network:
    return browsing.get_network(slug) or abort(404)


def _render_boards(network: Network, form: NewBoardForm, failed: tuple | None = None):
    boards = browsing.boards_of_network(network)
    forms = {}
    for board in boards:
        if failed and failed[0] == board.id:
            forms[board.id] = failed[1]
        else:
            forms[board.id] = BoardForm(
                prefix=f"board-{board.id}",
                formdata=None,
                obj=None,
                name=board.custom_name,
                description=board.description,
                position=board.position,
            )
    status = failed[1].http_status if failed else form.http_status
    return render_template(
        "admin/boards.html",
        network=network,
        form=form,
        boards=boards,
        board_forms=forms,
    ), status
