"""Members' public profiles, editing one's own, and verifying expertise."""

from __future__ import annotations

from dataclasses import replace

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import languages, permissions
from forum.extensions import csrf, db
from forum.forms import ActionForm, database_id
from forum.forms.experts import VerifyForm
from forum.forms.profiles import LanguageForm, ProfileForm
from forum.models import ExpertVerification, Network, Theme, User
from forum.page_cache import for_visitors
from forum.services import ServiceError, accounts, browsing, experts, profile_pages, profiles
from forum.views.auth import safe_next

bp = Blueprint("profiles", __name__)


@bp.get("/u/<username>")
@for_visitors()
def show(username: str):
    member = accounts.find_user(username) or abort(404)
    return _render_profile(member, _verify_form())


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def edit():
    member = current_user._get_current_object()
    permissions.require(current_user, "edit_profile", member)
    form = _profile_form(member)
    if form.validate_on_submit() and _saved(member, form):
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("profiles.show", username=member.username))
    return render_template("profiles/edit.html", form=form), form.http_status


# what the welcome page asks of a new member; the rest of the profile is kept as it is
WELCOME_FIELDS = ("institution", "country", "theme_ids", "languages")


@bp.route("/welcome", methods=["GET", "POST"])
@login_required
def welcome():
    """Just after registering: the few things that make a member findable (where they work,
    what they know, which languages they speak), with a way past it."""
    member = current_user._get_current_object()
    permissions.require(current_user, "edit_profile", member)
    form = _profile_form(member)
    next_page = safe_next(request.args.get("next"))
    if form.validate_on_submit() and _saved(member, form, only=WELCOME_FIELDS):
        flash(_("Your profile is saved."), "success")
        return redirect(next_page)
    return render_template(
        "profiles/welcome.html", form=form, next_page=next_page
    ), form.http_status


def _profile_form(member: User) -> ProfileForm:
    form = ProfileForm(browsing.all_networks(), browsing.all_themes())
    if request.method == "GET":
        now = profiles.current_profile(member)
        form.process(
            data={
                "display_name": now.display_name,
                "institution": now.institution,
                "country": now.country or "",
                "languages": now.languages,
                "locale": now.locale,
                "bio": now.bio,
                "networks": sorted(now.network_ids),
                "expertise": sorted(now.theme_ids),
            }
        )
    return form


def _saved(member: User, form: ProfileForm, only: tuple[str, ...] | None = None) -> bool:
    """The form saved (only the named parts of the profile, when a page shows only those);
    False with the refusal on the form."""
    typed = profiles.ProfileChanges(
        display_name=form.display_name.data or "",
        institution=form.institution.data or "",
        country=form.country.data or None,
        languages=form.languages.data or [],
        bio=form.bio.data or "",
        locale=form.locale.data or "",
        network_ids=set(form.networks.data or []),
        theme_ids=set(form.expertise.data or []),
    )
    if only is not None:
        typed = replace(
            profiles.current_profile(member), **{name: getattr(typed, name) for name in only}
        )
    try:
        profiles.update_profile(member, typed)
    except ServiceError as error:
        form.apply_service_error(error)
        return False
    return True


@bp.post("/language")
@csrf.exempt  # a visitor's page holds no token, and their choice only sets their cookie
def choose_language():
    """The footer's switcher: kept in a cookie, and in the profile of a member logged in,
    which is a change to their account: theirs is checked for a CSRF token."""
    if current_user.is_authenticated:
        csrf.protect()
    form = LanguageForm(meta={"csrf": False})
    response = redirect(safe_next(form.next.data), 303)
    if not form.validate_on_submit():
        flash(_("Choose a language from the list."), "error")
        return response
    code = form.language.data
    if current_user.is_authenticated:
        profiles.set_locale(current_user._get_current_object(), code)
    response.set_cookie(
        languages.LANGUAGE_COOKIE,
        code,
        max_age=60 * 60 * 24 * 365,
        secure=current_app.config["SECURE_COOKIES"],
        httponly=True,
        samesite="Lax",
    )
    return response


@bp.post("/u/<username>/verify")
@login_required
def verify(username: str):
    member = accounts.find_user(username) or abort(404)
    form = _verify_form()
    if form is None:  # moderates no network
        raise permissions.Denied(_("Only network moderators can verify expertise."))
    chosen = db.session.get(Network, request.form.get("network", type=database_id) or 0)
    if chosen is not None:
        permissions.require(current_user, "verify_expertise", chosen)  # a 403, not a form error
    if form.validate_on_submit():
        theme = db.session.get(Theme, form.theme.data) or abort(404)
        network = db.session.get(Network, form.network.data) or abort(404)
        try:
            experts.verify(
                current_user,
                member,
                theme,
                network,
                form.note.data or "",
                unclaimed_ok=form.unclaimed_ok.data,
            )
        except ServiceError as error:
            form.apply_service_error(error)
        else:
            flash(
                _(
                    "%(name)s is verified in %(theme)s.",
                    name=member.username,
                    theme=theme.display_name,
                ),
                "success",
            )
            return redirect(url_for("profiles.show", username=member.username))
    return _render_profile(member, form, status=form.http_status)


@bp.post("/verifications/<int:verification_id>/revoke")
@login_required
def revoke(verification_id: int):
    verification = db.session.get(ExpertVerification, verification_id) or abort(404)
    member = db.session.get(User, verification.user_id)
    if ActionForm().validate_on_submit():
        experts.revoke(current_user, verification)
        flash(_("The verification is revoked."), "info")
    return redirect(url_for("profiles.show", username=member.username))


def _verify_form() -> VerifyForm | None:
    """The verification form for moderators (networks they moderate), else None."""
    if not current_user.is_authenticated:
        return None
    networks = experts.verifiable_networks(current_user)
    if not networks:
        return None
    return VerifyForm(browsing.all_themes(), networks)


def _render_profile(member, verify_form: VerifyForm | None, status: int = 200):  # noqa: ANN001
    return render_template(
        "profiles/show.html",
        member=member,
        shown=profile_pages.profile_page(member),
        verify_form=verify_form,
    ), status
