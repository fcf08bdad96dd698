"""Moderators of a network govern its boards; their actions are on the record."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from forum.extensions import db
from forum.models import AuditEntry, Post, Report, ReportStatus, Theme, Thread
from tests.conftest import Person, board_id, errors_in, make_person, thread_id_from


@pytest.fixture
def oic_mod(app: Flask) -> Person:
    return make_person(app, "oic.mod", moderates=("oic-oshnet",))


@pytest.fixture
def ilo_mod(app: Flask) -> Person:
    return make_person(app, "ilo.mod", moderates=("ilo-global",))


@pytest.fixture
def admin(app: Flask) -> Person:
    return make_person(app, "root.admin", admin=True)


@pytest.fixture
def thread_id(member: Person) -> int:
    return thread_id_from(member.start_thread("Entering a silo", "Is a harness enough?"))


def _post_ids(app: Flask, thread_id: int) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(select(Post.id).where(Post.thread_id == thread_id).order_by(Post.id))
        )


def _audit(app: Flask) -> list[tuple[str, str]]:
    # entries by people: the fixtures' moderator grants come from the command line
    entries = select(AuditEntry).where(AuditEntry.actor_id.is_not(None)).order_by(AuditEntry.id)
    with app.app_context():
        return [(e.action, e.reason) for e in db.session.scalars(entries)]


def test_pin_and_lock_are_moderator_actions_on_the_record(
    app: Flask, oic_mod: Person, member: Person, thread_id: int, other_member: Person
) -> None:
    member.start_thread("A newer thread", "x")
    oic_mod.post(f"/mod/threads/{thread_id}/pin")
    oic_mod.post(f"/mod/threads/{thread_id}/lock")
    board = member.get("/n/oic-oshnet/confined-spaces").get_data(as_text=True)
    assert board.index("Entering a silo") < board.index("A newer thread")
    assert other_member.reply(thread_id, "late").status_code == 403
    assert oic_mod.reply(thread_id, "A moderator may still close the topic.").status_code == 302
    assert [a for a, _ in _audit(app)] == ["thread.pin", "thread.lock"]


def test_a_moderator_moves_threads_within_the_network_only(
    app: Flask, oic_mod: Person, admin: Person, thread_id: int
) -> None:
    inside = board_id(app, "oic-oshnet", "fire-safety")
    outside = board_id(app, "ilo-global", "confined-spaces")
    refused = oic_mod.post(f"/mod/threads/{thread_id}/move", {"board": outside})
    assert refused.status_code == 403
    with app.app_context():
        assert db.session.get(Thread, thread_id).board_id == board_id(
            app, "oic-oshnet", "confined-spaces"
        )
    assert oic_mod.post(f"/mod/threads/{thread_id}/move", {"board": inside}).status_code == 302
    with app.app_context():
        assert db.session.get(Thread, thread_id).board_id == inside
    assert admin.post(f"/mod/threads/{thread_id}/move", {"board": outside}).status_code == 302
    with app.app_context():
        assert db.session.get(Thread, thread_id).board_id == outside
        moves = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "thread.move")
        ).all()
        assert [m.after["board"] for m in moves] == [
            "oic-oshnet/fire-safety",
            "ilo-global/confined-spaces",
        ]


def test_hidden_posts_show_a_placeholder_to_members_and_the_text_to_moderators(
    app: Flask,
    oic_mod: Person,
    member: Person,
    other_member: Person,
    thread_id: int,
    anonymous: Person,
) -> None:
    other_member.reply(thread_id, "Just hold your breath.")
    reply_id = _post_ids(app, thread_id)[1]
    response = oic_mod.post(f"/mod/posts/{reply_id}/hide", {"reason": "Unsafe advice"})
    assert response.status_code == 302
    for viewer in (anonymous, member):
        page = viewer.get(f"/threads/{thread_id}").get_data(as_text=True)
        assert "Just hold your breath." not in page
        assert "A moderator hid this post." in page
        assert "Reason: Unsafe advice" not in page
    author_view = other_member.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert "Reason: Unsafe advice" in author_view
    assert "Just hold your breath." not in author_view
    moderator_view = oic_mod.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert "Just hold your breath." in moderator_view
    assert "Hidden from members. Reason: Unsafe advice" in moderator_view
    assert "Entering a silo" not in anonymous.get("/u/kemal").get_data(as_text=True)
    oic_mod.post(f"/mod/posts/{reply_id}/unhide")
    assert "Entering a silo" in anonymous.get("/u/kemal").get_data(as_text=True)
    assert "Just hold your breath." in anonymous.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert [a for a, _ in _audit(app)] == ["post.hide", "post.unhide"]


def test_hiding_needs_a_reason_under_a_thousand_characters(
    app: Flask, oic_mod: Person, thread_id: int
) -> None:
    post_id = _post_ids(app, thread_id)[0]
    empty = oic_mod.post(f"/mod/posts/{post_id}/hide", {"reason": "  "})
    assert empty.status_code == 422
    assert "Give a reason." in errors_in(empty)
    long = oic_mod.post(f"/mod/posts/{post_id}/hide", {"reason": "r" * 1001})
    assert long.status_code == 422
    assert "Keep it under 1000 characters." in errors_in(long)
    with app.app_context():
        assert db.session.get(Post, post_id).hidden_at is None


def test_a_moderator_edits_a_post_and_reads_its_history(
    app: Flask, oic_mod: Person, member: Person, thread_id: int
) -> None:
    post_id = _post_ids(app, thread_id)[0]
    assert (
        oic_mod.post(
            f"/posts/{post_id}/edit",
            {"body": "Is a harness enough? [edited: phone number removed]"},
        ).status_code
        == 302
    )
    history = oic_mod.get(f"/mod/posts/{post_id}/history").get_data(as_text=True)
    assert "Is a harness enough?" in history
    assert "phone number removed" in history
    assert member.get(f"/mod/posts/{post_id}/history").status_code == 403
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "post.edit"))
        assert entry.before["body"] == "Is a harness enough?"


def test_deleted_threads_are_gone_for_members_and_restorable_by_moderators(
    app: Flask, oic_mod: Person, member: Person, thread_id: int
) -> None:
    assert (
        oic_mod.post(f"/mod/threads/{thread_id}/delete", {"reason": "Duplicate"}).status_code == 302
    )
    assert member.get(f"/threads/{thread_id}").status_code == 404
    assert "This thread is deleted" in oic_mod.get(f"/threads/{thread_id}").get_data(as_text=True)
    oic_mod.post(f"/mod/threads/{thread_id}/restore")
    assert member.get(f"/threads/{thread_id}").status_code == 200
    assert _audit(app) == [("thread.delete", "Duplicate"), ("thread.restore", "")]


def test_members_report_a_post_once_and_never_their_own(
    app: Flask, member: Person, other_member: Person, thread_id: int
) -> None:
    post_id = _post_ids(app, thread_id)[0]
    own = member.post(f"/posts/{post_id}/report", {"reason": "spam"})
    assert own.status_code == 403
    assert "You cannot report your own post." in own.get_data(as_text=True)
    assert (
        other_member.post(
            f"/posts/{post_id}/report",
            {"reason": "unsafe_advice", "details": "A harness is not enough without a winch."},
        ).status_code
        == 302
    )
    again = other_member.post(f"/posts/{post_id}/report", {"reason": "spam"})
    assert again.status_code == 422
    assert "You have already reported this post." in errors_in(again)
    other = other_member.post(f"/posts/{post_id}/report", {"reason": "other"})
    assert other.status_code == 422
    with app.app_context():
        assert db.session.query(Report).count() == 1


def test_the_queue_shows_unsafe_advice_first_and_resolves_reports(
    app: Flask,
    oic_mod: Person,
    ilo_mod: Person,
    admin: Person,
    member: Person,
    other_member: Person,
    thread_id: int,
) -> None:
    other_member.reply(thread_id, "Buy cheap harnesses at example.com")
    other_member.reply(thread_id, "No gas test needed.")
    opening, spam_id, unsafe_id = _post_ids(app, thread_id)
    member.post(f"/posts/{spam_id}/report", {"reason": "spam"})
    member.post(f"/posts/{unsafe_id}/report", {"reason": "unsafe_advice"})
    badge = '<span class="count-badge" title="Open reports">2</span>'
    assert "Moderation" in oic_mod.get("/").get_data(as_text=True)
    assert badge in oic_mod.get("/").get_data(as_text=True)
    assert badge in admin.get("/").get_data(as_text=True)  # every network's reports
    elsewhere = ilo_mod.get("/").get_data(as_text=True)  # a moderator of another network
    assert "Moderation" in elsewhere
    assert 'title="Open reports"' not in elsewhere
    assert "Moderation" not in member.get("/").get_data(as_text=True)
    queue = oic_mod.get("/n/oic-oshnet").data and oic_mod.get("/mod/oic-oshnet/reports").get_data(
        as_text=True
    )
    assert queue.index("No gas test needed.") < queue.index("Buy cheap harnesses")
    assert ilo_mod.get("/mod/oic-oshnet/reports").status_code == 403
    assert member.get("/mod/oic-oshnet/reports").status_code == 403

    with app.app_context():
        unsafe_report, spam_report = (
            db.session.scalar(select(Report.id).where(Report.post_id == unsafe_id)),
            db.session.scalar(select(Report.id).where(Report.post_id == spam_id)),
        )
    oic_mod.post(
        f"/mod/reports/{unsafe_report}/hide", {"reason": "Gas testing is always required."}
    )
    oic_mod.post(f"/mod/reports/{spam_report}/dismiss")
    with app.app_context():
        assert db.session.get(Report, unsafe_report).status == ReportStatus.actioned
        assert db.session.get(Report, spam_report).status == ReportStatus.dismissed
        assert db.session.get(Post, unsafe_id).hidden_reason == "Gas testing is always required."
    assert "No reports here." in oic_mod.get("/mod/oic-oshnet/reports").get_data(as_text=True)
    assert 'title="Open reports"' not in oic_mod.get("/").get_data(as_text=True)


def test_a_suspended_member_cannot_post_in_that_network_only(
    app: Flask, oic_mod: Person, member: Person, other_member: Person, thread_id: int
) -> None:
    until = (date.today() + timedelta(days=7)).isoformat()
    response = oic_mod.post(
        "/mod/oic-oshnet/sanctions",
        {"username": "kemal", "ends_on": until, "reason": "Repeated spam"},
    )
    assert response.status_code == 302
    refused = other_member.reply(thread_id, "more spam")
    assert refused.status_code == 403
    page = refused.get_data(as_text=True)
    assert "You are suspended in OIC-OSHNET until" in page
    assert "Repeated spam" in page
    assert (
        other_member.start_thread("Elsewhere", "ok", board="ilo-global/mining").status_code == 302
    )

    with app.app_context():
        from forum.models import Sanction

        sanction_id = db.session.scalar(select(Sanction.id))
    oic_mod.post(f"/mod/sanctions/{sanction_id}/lift")
    assert other_member.reply(thread_id, "reformed").status_code == 302
    assert [a for a, _ in _audit(app)] == ["user.suspension", "user.lift_suspension"]


@pytest.mark.parametrize(
    ("ends_on", "username", "reason", "message"),
    [
        ("2001-01-01", "kemal", "spam", "Choose an end in the future."),
        (
            (date.today() + timedelta(days=4000)).isoformat(),
            "kemal",
            "spam",
            "A sanction lasts three years at most.",
        ),
        ("not-a-date", "kemal", "spam", "Choose the day the suspension ends."),
        ("", "kemal", "spam", "Choose the day the suspension ends."),
        (
            (date.today() + timedelta(days=3)).isoformat(),
            "kemal",
            "x" * 1001,
            "Keep it under 1000 characters.",
        ),
        (
            (date.today() + timedelta(days=3)).isoformat(),
            "root.admin",
            "spam",
            "Administrators cannot be suspended or banned.",
        ),
        (
            (date.today() + timedelta(days=3)).isoformat(),
            "nobody.here",
            "spam",
            "No member by that name.",
        ),
    ],
)
def test_bad_sanctions_are_refused_with_a_message(
    app: Flask,
    oic_mod: Person,
    admin: Person,
    other_member: Person,
    ends_on: str,
    username: str,
    reason: str,
    message: str,
) -> None:
    response = oic_mod.post(
        "/mod/oic-oshnet/sanctions", {"username": username, "ends_on": ends_on, "reason": reason}
    )
    assert response.status_code in (403, 422)
    assert message in response.get_data(as_text=True)
    with app.app_context():
        from forum.models import Sanction

        assert db.session.query(Sanction).count() == 0


def test_a_ban_ends_sessions_and_refuses_log_in_with_the_reason(
    app: Flask, admin: Person, oic_mod: Person, other_member: Person
) -> None:
    assert (
        oic_mod.post("/admin/bans", {"username": "kemal", "reason": "Harassment"}).status_code
        == 403
    )
    assert "Log out" in other_member.get("/").get_data(as_text=True)
    assert (
        admin.post("/admin/bans", {"username": "kemal", "reason": "Harassment"}).status_code == 302
    )
    assert "Log out" not in other_member.get("/").get_data(as_text=True)
    again = other_member.login("kemal")
    assert again.status_code == 403
    assert "This account is banned until further notice. Reason: Harassment" in errors_in(again)


def test_moderators_manage_their_boards(
    app: Flask, oic_mod: Person, ilo_mod: Person, member: Person
) -> None:
    board = board_id(app, "oic-oshnet", "confined-spaces")
    token = oic_mod.csrf_token()
    prefix = f"board-{board}-"
    renamed = oic_mod.post(
        f"/mod/boards/{board}",
        {
            f"{prefix}csrf_token": token,
            f"{prefix}name": "Confined spaces and tanks",
            f"{prefix}description": "Silos, tanks, sewers.",
            f"{prefix}position": "0",
        },
    )
    assert renamed.status_code == 302
    assert "Confined spaces and tanks" in member.get("/n/oic-oshnet").get_data(as_text=True)
    assert ilo_mod.post(f"/mod/boards/{board}/archive").status_code == 403
    assert oic_mod.post(f"/mod/boards/{board}/archive").status_code == 302
    page = member.get("/n/oic-oshnet/confined-spaces").get_data(as_text=True)
    assert "This board is archived and read-only." in page
    assert member.start_thread("In an archive", "x").status_code == 403
    duplicate = oic_mod.post("/mod/oic-oshnet/boards", {"theme": _theme_id(app, "mining")})
    assert duplicate.status_code == 422
    assert "This network already has a board for that theme." in errors_in(duplicate)
    assert [a for a, _ in _audit(app)] == ["board.update", "board.archive"]


def _theme_id(app: Flask, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Theme.id).where(Theme.slug == slug))


def test_admins_create_networks_and_assign_moderators(
    app: Flask, admin: Person, oic_mod: Person, member: Person
) -> None:
    created = admin.post(
        "/admin",
        {
            "slug": "kosh-net",
            "short_name": "KOSHA Net",
            "name": "Korean OSH network",
            "create_network": "1",
        },
    )
    assert created.status_code == 302
    assert member.get("/n/kosh-net/confined-spaces").status_code == 200
    assert (
        admin.post(
            "/admin", {"username": "amina", "network": "kosh-net", "make_moderator": "1"}
        ).status_code
        == 302
    )
    assert "Moderation" in member.get("/").get_data(as_text=True)
    assert (
        oic_mod.post(
            "/admin", {"slug": "rogue", "short_name": "R", "name": "R", "create_network": "1"}
        ).status_code
        == 403
    )
    bad = admin.post(
        "/admin", {"slug": "Bad Slug!", "short_name": "B", "name": "B", "create_network": "1"}
    )
    assert bad.status_code == 422
    admin.post("/admin/networks/kosh-net/moderators/amina/revoke")
    assert "Moderation" not in member.get("/").get_data(as_text=True)


def test_the_audit_log_is_per_network_for_moderators_and_whole_for_admins(
    app: Flask, oic_mod: Person, ilo_mod: Person, admin: Person, member: Person, thread_id: int
) -> None:
    oic_mod.post(f"/mod/threads/{thread_id}/pin")
    ilo_thread = thread_id_from(member.start_thread("ILO thread", "x", board="ilo-global/mining"))
    ilo_mod.post(f"/mod/threads/{ilo_thread}/lock")
    oic_log = oic_mod.get("/mod/oic-oshnet/audit").get_data(as_text=True)
    assert "<bdi>oic.mod</bdi> pinned" in oic_log
    assert "locked" not in oic_log
    assert oic_mod.get("/mod/ilo-global/audit").status_code == 403
    assert member.get("/mod/oic-oshnet/audit").status_code == 403
    whole = admin.get("/admin/audit").get_data(as_text=True)
    assert "<bdi>oic.mod</bdi> pinned" in whole
    assert "<bdi>ilo.mod</bdi> locked" in whole
    assert oic_mod.get("/admin/audit").status_code == 403
