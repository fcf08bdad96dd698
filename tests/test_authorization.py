"""Every state-changing route in the URL map, against every role.

The wrong roles are refused (403, or sent to log in) and the refusal changes nothing in the
database; the right role succeeds and changes something. A new POST route without an entry
in SPEC fails the first test, so no route is forgotten.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from forum.extensions import db
from forum.models import (
    Affiliation,
    AffiliationStatus,
    ApiToken,
    Board,
    ExpertVerification,
    Institution,
    LabelProposal,
    Network,
    Notification,
    Post,
    Report,
    Sanction,
    Theme,
    User,
)
from forum.models._time import utcnow
from forum.services import (
    api_tokens,
    browsing,
    events,
    events_calendar,
    events_registration,
    experts,
    label_proposals,
    moderation,
    qa,
    sanctions,
)
from forum.services.events_fields import EventFields
from tests.attachment_rows import attach
from tests.conftest import PASSWORD, Person, every_role, make_person, thread_id_from
from tests.institution_helpers import make_institution

ROLES = ("anonymous", "member", "author", "moderator_elsewhere", "moderator_here", "admin")
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
MODERATORS = frozenset({"moderator_here", "admin"})
AUTHOR_OR_MODERATOR = MODERATORS | {"author"}
# open to everyone: the signed token in the link is the authority for the last four
PUBLIC = {"auth.register", "auth.login", "profiles.choose_language"} | {
    "auth.forgot",
    "auth.confirm",
    "auth.reset",
    "mail.unsubscribe",
}


@dataclass
class World:
    app: Flask
    people: dict[str, Person]
    thread_id: int  # by "author" in oic-oshnet / confined-spaces
    reply_id: int  # by "expert", a member with no role in the table
    board_id: int
    extra: dict[str, int] = field(default_factory=dict)

    def do(self, action: Callable[..., object], *names: str) -> None:
        """Run a service call as setup, with the named users loaded."""
        with self.app.app_context():
            users = [db.session.scalar(select(User).where(User.username == n)) for n in names]
            action(*users)
            db.session.remove()


@dataclass
class Spec:
    allowed: frozenset[str]
    request: Callable[[World, str], tuple[str, dict]]  # (url, form data) for a role
    changes: bool = True  # does a successful request change the database?
    refused_with: int = 403  # 404 where another member's object is as good as missing


def _ids(world: World) -> dict[str, int]:
    with world.app.app_context():
        return {
            "theme": db.session.scalar(select(Theme.id).where(Theme.slug == "mining")),
            "new_theme": db.session.scalar(select(Theme.id).where(Theme.slug == "noise")),
            "network": db.session.scalar(select(Network.id).where(Network.slug == "oic-oshnet")),
            "fire_board": db.session.scalar(
                select(Board.id)
                .join(Network)
                .join(Theme)
                .where(Network.slug == "oic-oshnet", Theme.slug == "fire-safety")
            ),
        }


def _accepted(world: World, role: str) -> tuple[str, dict]:
    world.do(lambda asker: qa.accept(asker, _post(world.reply_id)), "amina")
    return f"/threads/{world.thread_id}/unaccept", {}


def _voted(world: World, role: str) -> tuple[str, dict]:
    if role != "anonymous":
        world.do(lambda voter: qa.vote(voter, _post(world.reply_id)), world.people[role].username)
    return f"/posts/{world.reply_id}/unvote", {}


def _verified(world: World, role: str) -> tuple[str, dict]:
    world.do(
        lambda member: experts.verify_as_operator(
            member, browsing.get_theme("mining"), browsing.get_network("oic-oshnet"), "note"
        ),
        "siti",
    )
    with world.app.app_context():
        verification = db.session.scalar(select(ExpertVerification.id))
    return f"/verifications/{verification}/revoke", {}


def _proposal(world: World, role: str) -> tuple[str, dict]:
    world.do(
        lambda mod: label_proposals.propose(mod, "", "en", "bowtie", note="A method"), "oic.mod"
    )
    with world.app.app_context():
        proposal = db.session.scalar(select(LabelProposal.id))
    return f"/mod/vocabulary/{proposal}/done", {}


def _reported(decision: str) -> Callable[[World, str], tuple[str, dict]]:
    def prepare(world: World, role: str) -> tuple[str, dict]:
        world.do(
            lambda reporter: moderation.report_post(
                reporter, _post(world.reply_id), moderation.ReportReason.spam, ""
            ),
            "reporter",
        )
        with world.app.app_context():
            report = db.session.scalar(select(Report.id))
        return f"/mod/reports/{report}/{decision}", {"reason": "Unsafe"}

    return prepare


def _suspended(world: World, role: str) -> tuple[str, dict]:
    world.do(
        lambda mod, member: sanctions.suspend(
            mod, member, browsing.get_network("oic-oshnet"), utcnow() + timedelta(days=3), "spam"
        ),
        "oic.mod",
        "siti",
    )
    with world.app.app_context():
        sanction = db.session.scalar(select(Sanction.id))
    return f"/mod/sanctions/{sanction}/lift", {}


def _hidden(world: World, role: str) -> tuple[str, dict]:
    world.do(lambda mod: moderation.hide_post(mod, _post(world.reply_id), "why"), "oic.mod")
    return f"/mod/posts/{world.reply_id}/unhide", {}


def _deleted(world: World, role: str) -> tuple[str, dict]:
    world.do(
        lambda mod: moderation.delete_thread(mod, browsing.get_thread(world.thread_id), "why"),
        "oic.mod",
    )
    return f"/mod/threads/{world.thread_id}/restore", {}


def _attached(action: str, data: dict) -> Callable[[World, str], tuple[str, dict]]:
    """An attachment on the opening post, for the moderators' resource actions."""

    def prepare(world: World, role: str) -> tuple[str, dict]:
        attachment_id = attach(world.app, world.extra["opening"], "permit-form.pdf")
        return f"/mod/attachments/{attachment_id}/{action}", data

    return prepare


def _board_update(world: World, role: str) -> tuple[str, dict]:
    prefix = f"board-{world.board_id}-"
    token = world.people[role].csrf_token()
    return f"/mod/boards/{world.board_id}", {
        f"{prefix}csrf_token": token,
        f"{prefix}name": "Renamed",
        f"{prefix}position": "3",
    }


def _own_notification(world: World, role: str) -> tuple[str, dict]:
    """The author was told of the expert's reply: only the author may open that."""
    with world.app.app_context():
        notification = db.session.scalar(
            select(Notification.id).join(User, User.id == Notification.recipient_id)
            .where(User.username == "amina")
        )  # fmt: skip
    return f"/notifications/{notification}/open", {}


def _own_token(world: World, role: str) -> tuple[str, dict]:
    """The author's token: only the author may revoke it."""
    world.do(lambda author: api_tokens.create(author, "Script", write=False), "amina")
    with world.app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    return f"/profile/api-tokens/{token_id}/revoke", {}


IN_A_WEEK = (date.today() + timedelta(days=7)).isoformat()


def _event(world: World, *, proposed_by: str = "oic.mod", register: str = "") -> int:
    """An event in OIC-OSHNET a week away, published by its moderator (or a member's
    proposal); `register`: a member registered for it."""
    with world.app.app_context():
        author = db.session.scalar(select(User).where(User.username == proposed_by))
        made = events.create(author, browsing.get_network("oic-oshnet"), _event_fields())
        if register:
            member = db.session.scalar(select(User).where(User.username == register))
            events_registration.register(member, made)
        event_id = made.id
        db.session.remove()
    return event_id


def _event_fields(**changes: object) -> EventFields:
    starts = datetime.combine(date.today() + timedelta(days=7), time(9))
    fields = EventFields(
        kind="workshop", title="Confined spaces workshop", time_zone="Asia/Kuala_Lumpur",
        starts=starts, ends=starts + timedelta(hours=8), city="Bangi", capacity=20,
    )  # fmt: skip
    return replace(fields, **changes)


EVENT_FORM = {
    "kind": "workshop",
    "title": "Fire safety workshop",
    "time_zone": "Asia/Kuala_Lumpur",
    "starts": f"{IN_A_WEEK}T09:00",
    "ends": f"{IN_A_WEEK}T17:00",
    "city": "Bangi",
}


def _own_feed(world: World, role: str) -> tuple[str, dict]:
    person = world.people[role].username
    if person:
        world.do(events_calendar.renew_feed, person)
    return "/events/calendar/revoke", {}


def _post(post_id: int) -> Post:
    return browsing.get_post(post_id)


INSTITUTION = {"name": "Inspection du travail", "country": "SN", "kind": "inspectorate"}


def _institution(world: World, *affiliated: tuple[str, bool, bool]) -> str:
    """An institution in OIC-OSHNET; affiliated: (username, confirmed, manager)."""
    slug = make_institution(world.app, networks={"oic-oshnet": "member"})
    with world.app.app_context():
        institution_id = db.session.scalar(select(Institution.id).where(Institution.slug == slug))
        for username, confirmed, manager in affiliated:
            db.session.add(
                Affiliation(
                    user_id=db.session.scalar(select(User.id).where(User.username == username)),
                    institution_id=institution_id,
                    status=AffiliationStatus.confirmed if confirmed else AffiliationStatus.pending,
                    is_manager=manager,
                )
            )
        db.session.commit()
    return slug


def _siti(world: World, confirmed: bool, manager: bool, action: str) -> tuple[str, dict]:
    slug = _institution(world, ("siti", confirmed, manager))
    with world.app.app_context():
        siti = db.session.scalar(select(User.id).where(User.username == "siti"))
    return f"/institutions/{slug}/{action.format(siti)}", {}


def _own_affiliation(world: World, role: str) -> tuple[str, dict]:
    person = world.people[role].username
    slug = _institution(world, *([(person, True, False)] if person else []))
    return f"/institutions/{slug}/affiliation/withdraw", {}


SPEC: dict[str, Spec] = {
    "auth.logout": Spec(frozenset(ROLES), lambda w, r: ("/auth/logout", {}), changes=False),
    "auth.change_password": Spec(
        SIGNED_IN,
        lambda w, r: (
            "/auth/password",
            {"current_password": PASSWORD, "password": "x" * 12, "confirm": "x" * 12},
        ),
    ),
    "threads.reply": Spec(
        SIGNED_IN, lambda w, r: (f"/threads/{w.thread_id}/reply", {"body": "Reply"})
    ),
    "threads.new": Spec(
        SIGNED_IN,
        lambda w, r: (
            "/n/oic-oshnet/confined-spaces/new",
            {"kind": "question", "title": "T", "body": "B"},
        ),
    ),
    "threads.edit": Spec(
        AUTHOR_OR_MODERATOR,
        lambda w, r: (
            f"/posts/{w.extra['opening']}/edit",
            {"body": "Edited", "title": "Edited title"},
        ),
    ),
    "threads.delete": Spec(
        AUTHOR_OR_MODERATOR, lambda w, r: (f"/posts/{w.extra['opening']}/delete", {})
    ),
    "threads.accept": Spec(
        AUTHOR_OR_MODERATOR, lambda w, r: (f"/threads/{w.thread_id}/accept/{w.reply_id}", {})
    ),
    "threads.unaccept": Spec(AUTHOR_OR_MODERATOR, _accepted),
    "threads.vote": Spec(SIGNED_IN, lambda w, r: (f"/posts/{w.reply_id}/vote", {})),
    "threads.unvote": Spec(SIGNED_IN, _voted),
    "profiles.edit": Spec(SIGNED_IN, lambda w, r: ("/profile", {"institution": "Somewhere"})),
    "profiles.welcome": Spec(SIGNED_IN, lambda w, r: ("/welcome", {"institution": "Somewhere"})),
    "ask.compose": Spec(
        SIGNED_IN,
        lambda w, r: ("/ask", {"board": w.board_id, "kind": "question", "title": "T", "body": "B"}),
    ),
    "profiles.verify": Spec(
        MODERATORS,
        lambda w, r: (
            "/u/siti/verify",
            {"theme": _ids(w)["theme"], "network": _ids(w)["network"], "unclaimed_ok": "y"},
        ),
    ),
    "profiles.revoke": Spec(MODERATORS, _verified),
    "moderation.thread_flag": Spec(
        MODERATORS, lambda w, r: (f"/mod/threads/{w.thread_id}/lock", {})
    ),
    "moderation.move": Spec(
        MODERATORS,
        lambda w, r: (f"/mod/threads/{w.thread_id}/move", {"board": _ids(w)["fire_board"]}),
    ),
    "moderation.delete_thread": Spec(
        MODERATORS, lambda w, r: (f"/mod/threads/{w.thread_id}/delete", {"reason": "Duplicate"})
    ),
    "moderation.restore_thread": Spec(MODERATORS, _deleted),
    "moderation.hide": Spec(
        MODERATORS, lambda w, r: (f"/mod/posts/{w.reply_id}/hide", {"reason": "Why"})
    ),
    "moderation.unhide": Spec(MODERATORS, _hidden),
    "moderation.report": Spec(
        SIGNED_IN, lambda w, r: (f"/posts/{w.reply_id}/report", {"reason": "spam"})
    ),
    "moderation.decide": Spec(MODERATORS, _reported("hide")),
    "resources.remove": Spec(MODERATORS, _attached("remove", {"reason": "Personal data"})),
    "resources.review": Spec(MODERATORS, _attached("review", {})),
    "admin.boards": Spec(
        MODERATORS, lambda w, r: ("/mod/oic-oshnet/boards", {"theme": _ids(w)["new_theme"]})
    ),
    "admin.update_board": Spec(MODERATORS, _board_update),
    "admin.archive_board": Spec(MODERATORS, lambda w, r: (f"/mod/boards/{w.board_id}/archive", {})),
    "admin.suspensions": Spec(
        MODERATORS,
        lambda w, r: (
            "/mod/oic-oshnet/sanctions",
            {"username": "siti", "ends_on": IN_A_WEEK, "reason": "Spam"},
        ),
    ),
    "admin.lift": Spec(MODERATORS, _suspended),
    "admin.bans": Spec(
        frozenset({"admin"}), lambda w, r: ("/admin/bans", {"username": "siti", "reason": "Abuse"})
    ),
    "admin.index": Spec(
        frozenset({"admin"}),
        lambda w, r: (
            "/admin",
            {"slug": "new-net", "short_name": "New", "name": "New network", "create_network": "1"},
        ),
    ),
    "api_tokens.index": Spec(SIGNED_IN, lambda w, r: ("/profile/api-tokens", {"name": "Script"})),
    "api_tokens.revoke": Spec(frozenset({"author"}), _own_token, refused_with=404),
    "notifications.open_one": Spec(frozenset({"author"}), _own_notification, refused_with=404),
    "notifications.mark_all_read": Spec(
        SIGNED_IN, lambda w, r: ("/notifications/read", {}), changes=False
    ),
    "notifications.settings": Spec(
        SIGNED_IN, lambda w, r: ("/notifications/settings", {"kinds": []})
    ),
    "notifications.watch_thread": Spec(
        SIGNED_IN, lambda w, r: (f"/threads/{w.thread_id}/watch/mute", {})
    ),
    "notifications.watch_board": Spec(
        SIGNED_IN, lambda w, r: (f"/boards/{w.board_id}/watch/watch", {})
    ),
    "auth.change_address": Spec(
        SIGNED_IN,
        lambda w, r: (
            "/auth/account/address",
            {"email": f"{r}.new@example.org", "current_password": PASSWORD},
        ),
    ),
    # confirmed members: nothing to send again, nothing to cancel
    "auth.send_again": Spec(
        SIGNED_IN, lambda w, r: ("/auth/account/send-again", {}), changes=False
    ),
    "auth.cancel_address": Spec(
        SIGNED_IN, lambda w, r: ("/auth/account/cancel-address", {}), changes=False
    ),
    "mail.check": Spec(frozenset({"admin"}), lambda w, r: ("/admin/mail/check", {})),
    "mail.retry": Spec(frozenset({"admin"}), lambda w, r: ("/admin/mail/retry", {}), changes=False),
    # institutions: moderators (of any network: their own) add them; the moderators of their
    # networks (and managers, tested in test_institution_pages) edit them and decide requests
    "institutions.new": Spec(
        MODERATORS | {"moderator_elsewhere"}, lambda w, r: ("/institutions/new", INSTITUTION)
    ),
    "institutions.edit": Spec(
        MODERATORS,
        lambda w, r: (
            f"/institutions/{_institution(w)}/edit",
            {**INSTITUTION, "country": "MY", "network-oic-oshnet": "member"},
        ),
    ),
    "institutions.claim": Spec(
        SIGNED_IN, lambda w, r: (f"/institutions/{_institution(w)}/affiliation", {})
    ),
    "institutions.withdraw": Spec(SIGNED_IN, _own_affiliation),
    "institutions.confirm": Spec(
        MODERATORS, lambda w, r: _siti(w, False, False, "affiliations/{}/confirm")
    ),
    "institutions.decline": Spec(
        MODERATORS, lambda w, r: _siti(w, False, False, "affiliations/{}/decline")
    ),
    "institutions.remove": Spec(
        MODERATORS, lambda w, r: _siti(w, True, False, "affiliations/{}/remove")
    ),
    "institutions.appoint": Spec(MODERATORS, lambda w, r: _siti(w, True, False, "managers/{}")),
    "institutions.unappoint": Spec(
        MODERATORS, lambda w, r: _siti(w, True, True, "managers/{}/remove")
    ),
    # events: members propose, the network's moderators publish, edit, approve and cancel
    "events.new": Spec(SIGNED_IN, lambda w, r: ("/n/oic-oshnet/events/new", EVENT_FORM)),
    "events.edit": Spec(MODERATORS, lambda w, r: (f"/events/{_event(w)}/edit", EVENT_FORM)),
    # a proposal is seen by its proposer and the moderators only: to others it is missing
    "events.approve": Spec(
        MODERATORS,
        lambda w, r: (f"/events/{_event(w, proposed_by='siti')}/approve", {}),
        refused_with=404,
    ),
    "events.cancel": Spec(MODERATORS, lambda w, r: (f"/events/{_event(w)}/cancel", {})),
    "events.follow_up": Spec(
        MODERATORS,
        lambda w, r: (f"/events/{_event(w)}/follow-up", {"report": "We saw the drills."}),
    ),
    "events.register": Spec(SIGNED_IN, lambda w, r: (f"/events/{_event(w)}/register", {})),
    "events.unregister": Spec(
        SIGNED_IN,
        lambda w, r: (
            f"/events/{_event(w, register=w.people[r].username or '')}/unregister",
            {},
        ),
    ),
    "events.renew_feed": Spec(SIGNED_IN, lambda w, r: ("/events/calendar/renew", {})),
    "events.revoke_feed": Spec(SIGNED_IN, _own_feed),
    "events.time_zone": Spec(
        SIGNED_IN, lambda w, r: ("/events/time-zone", {"time_zone": "Africa/Nouakchott"})
    ),
    # the vocabulary's upkeep: moderators of any network propose, admins review
    "vocabulary_review.propose": Spec(
        MODERATORS | {"moderator_elsewhere"},
        lambda w, r: ("/mod/searches/propose", {"language": "en", "label": "bowtie analysis"}),
    ),
    "vocabulary_review.decide": Spec(frozenset({"admin"}), _proposal),
    "admin.revoke_moderator": Spec(
        frozenset({"admin"}),
        lambda w, r: ("/admin/networks/ilo-global/moderators/ilo.mod/revoke", {}),
    ),
}


def test_every_state_changing_route_has_a_spec(app: Flask) -> None:
    changing = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
        and not rule.endpoint.startswith("api.")  # tests/test_api_authorization.py
    }
    assert changing - PUBLIC == set(SPEC)


@pytest.fixture
def world(app: Flask, anonymous: Person, member: Person, other_member: Person) -> World:
    expert = make_person(app, "siti")
    make_person(app, "reporter")
    people = every_role(app, anonymous, member, other_member)
    thread_id = thread_id_from(member.start_thread("A question", "Opening post"))
    expert.reply(thread_id, "An answer")
    with app.app_context():
        opening, reply = db.session.scalars(
            select(Post.id).where(Post.thread_id == thread_id).order_by(Post.id)
        ).all()
        board_id = db.session.scalar(
            select(Board.id)
            .join(Network)
            .join(Theme)
            .where(Network.slug == "oic-oshnet", Theme.slug == "confined-spaces")
        )
        db.session.add(Theme(slug="noise", name="Noise", position=99))  # a theme with no boards yet
        db.session.commit()
    return World(app, people, thread_id, reply, board_id, {"opening": opening})


def _snapshot(app: Flask) -> dict[str, list[tuple]]:
    with app.app_context():
        return {
            table.name: sorted(map(tuple, db.session.execute(table.select()).all()), key=repr)
            for table in db.metadata.sorted_tables
        }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(SPEC))
def test_only_the_right_roles_change_anything(world: World, endpoint: str, role: str) -> None:
    spec = SPEC[endpoint]
    url, data = spec.request(world, role)
    before = _snapshot(world.app)
    response = world.people[role].post(url, data)
    after = _snapshot(world.app)

    if role in spec.allowed:
        assert response.status_code in (200, 302), (response.status_code, url)
        assert "/auth/login" not in response.headers.get("Location", "")
        if spec.changes:
            assert after != before, f"{role} was allowed {url} but nothing changed"
    else:
        if role == "anonymous":
            assert response.status_code == 302
            assert "/auth/login" in response.headers["Location"]
        else:
            assert response.status_code == spec.refused_with, (response.status_code, url)
        assert after == before, f"a refused {url} by {role} changed the database"
