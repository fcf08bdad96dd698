"""Moderation that reads like sentences: the audit log says who did what to whom, where, until
when and why, in whole sentences; a suspended member is told where and until when."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import Flask
from flask_babel import format_date
from sqlalchemy import select

from forum.extensions import db
from forum.models import Board, Network, Theme, User
from forum.services import admin as admin_service
from forum.services import browsing, experts
from tests.conftest import (
    Person,
    board_id,
    counting_queries,
    make_person,
    reply_ids,
    thread_id_from,
)

TITLE = "Wet well <script>alert(1)</script> entry"


@pytest.fixture
def oic_mod(app: Flask) -> Person:
    return make_person(app, "oic.mod", moderates=("oic-oshnet",))


@pytest.fixture
def root(app: Flask) -> Person:
    return make_person(app, "root.admin", admin=True)


@pytest.fixture
def thread_id(member: Person) -> int:
    return thread_id_from(member.start_thread(TITLE, "What do we wear?"))


def _sentences(html: str) -> list[str]:
    """Each entry's sentence as a reader reads it: tags gone, entities as characters."""
    found = re.findall(r'<p class="audit-sentence">(.*?)</p>', html, re.S)
    return [
        re.sub(r"<[^>]+>", "", s).replace("&lt;", "<").replace("&gt;", ">").strip() for s in found
    ]


def _suspend(oic_mod: Person, username: str, until: date, reason: str):  # noqa: ANN202
    return oic_mod.post(
        "/mod/oic-oshnet/sanctions",
        {"username": username, "ends_on": until.isoformat(), "reason": reason},
    )


def test_a_suspension_reads_as_a_sentence_with_network_date_and_reason(
    app: Flask, oic_mod: Person, other_member: Person
) -> None:
    until = date.today() + timedelta(days=30)
    assert _suspend(oic_mod, "kemal", until, "repeated unsafe advice").status_code == 302
    html = oic_mod.get("/mod/oic-oshnet/audit").get_data(as_text=True)
    with app.test_request_context():
        shown = format_date(until, "d MMM yyyy")
    assert _sentences(html)[0] == f"oic.mod suspended kemal in OIC-OSHNET until {shown}."
    assert "Reason: <bdi>repeated unsafe advice</bdi>" in html
    assert "<bdi>oic.mod</bdi> suspended <bdi>kemal</bdi> in <bdi>OIC-OSHNET</bdi>" in html
    # no codes, no JSON
    assert "user.suspension" not in html
    assert '"until"' not in html
    assert "&#34;until&#34;" not in html


def test_thread_and_post_actions_name_the_thread_and_the_author_and_escape_them(
    app: Flask, oic_mod: Person, member: Person, other_member: Person, thread_id: int
) -> None:
    other_member.reply(thread_id, "A dust mask is fine.")
    reply_id = reply_ids(app, thread_id)[0]
    oic_mod.post(f"/mod/threads/{thread_id}/pin")
    oic_mod.post(f"/mod/threads/{thread_id}/lock")
    oic_mod.post(f"/posts/{reply_id}/edit", {"body": "A dust mask is not enough."})
    oic_mod.post(f"/mod/posts/{reply_id}/hide", {"reason": "<b>Dangerous</b> advice"})
    oic_mod.post(
        f"/mod/threads/{thread_id}/move", {"board": board_id(app, "oic-oshnet", "fire-safety")}
    )
    html = oic_mod.get("/mod/oic-oshnet/audit").get_data(as_text=True)
    assert _sentences(html) == [
        f"oic.mod moved {TITLE} from Confined spaces in OIC-OSHNET to Fire safety in OIC-OSHNET.",
        f"oic.mod hid a post by kemal in {TITLE}.",
        f"oic.mod edited a post by kemal in {TITLE}.",
        f"oic.mod locked {TITLE}: it takes no new replies.",
        f"oic.mod pinned {TITLE}.",
        "An operator at the command line made oic.mod a moderator of OIC-OSHNET.",
    ]
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert "<b>Dangerous</b>" not in html
    assert "Reason: <bdi>&lt;b&gt;Dangerous&lt;/b&gt; advice</bdi>" in html
    # the thread is linked, and a moderator's edit links to what changed
    assert f'<a href="/threads/{thread_id}"><bdi>' in html
    assert f'href="/threads/{thread_id}/posts/{reply_id}/history">See what changed</a>' in html


def test_the_whole_log_names_the_network_and_reads_admin_actions(
    app: Flask, root: Person, oic_mod: Person, member: Person
) -> None:
    until = date.today() + timedelta(days=3)
    root.post("/admin/bans", {"username": "amina", "ends_on": until.isoformat(), "reason": "spam"})
    make_person(app, "dave_t")
    root.post("/admin/bans", {"username": "dave_t", "reason": "threats"})  # no end date
    with app.app_context():
        network = browsing.get_network("oic-oshnet")
        moderator = db.session.scalar(select(User).where(User.username == "oic.mod"))
        person = db.session.scalar(select(User).where(User.username == "amina"))
        theme = db.session.scalar(select(Theme).where(Theme.slug == "confined-spaces"))
        experts.verify(moderator, person, theme, network, "trainer", unclaimed_ok=True)
        board = db.session.scalar(
            select(Board)
            .join(Network)
            .where(Network.slug == "oic-oshnet", Board.theme_id == theme.id)
        )
        admin_service.update_board(moderator, board, "Silos <i>and</i> tanks", "", 3)
        db.session.remove()
    html = root.get("/admin/audit").get_data(as_text=True)
    sentences = _sentences(html)
    assert "oic.mod changed the board Silos <i>and</i> tanks in OIC-OSHNET." in sentences
    assert "<i>and</i>" not in html  # a board's name is text, never markup
    assert "Its name changed from — to Silos &lt;i&gt;and&lt;/i&gt; tanks." in html.replace(
        "<bdi>", ""
    ).replace("</bdi>", "")
    assert "oic.mod verified amina as an expert in Confined spaces for OIC-OSHNET." in sentences
    with app.test_request_context():
        day = format_date(until, "d MMM yyyy")
    assert f"root.admin banned amina from the whole forum until {day}." in sentences
    assert "root.admin banned dave_t from the whole forum until further notice." in sentences
    assert any(
        s == "An operator at the command line made oic.mod a moderator of OIC-OSHNET."
        for s in sentences
    )
    assert '<span class="tag">OIC-OSHNET</span>' in html


@pytest.mark.parametrize("app_config", [{"PAGE_CACHE_MB": 0}])
def test_the_log_costs_the_same_queries_whatever_it_shows(
    app: Flask, oic_mod: Person, member: Person, other_member: Person, thread_id: int
) -> None:
    other_member.reply(thread_id, "one")
    oic_mod.post(f"/mod/threads/{thread_id}/pin")
    oic_mod.get("/mod/oic-oshnet/audit")
    with counting_queries(app) as few:
        oic_mod.get("/mod/oic-oshnet/audit")
    for number in range(4):
        other_member.reply(thread_id, f"reply {number}")
    for reply_id in reply_ids(app, thread_id):
        oic_mod.post(f"/mod/posts/{reply_id}/hide", {"reason": "r"})
        oic_mod.post(f"/mod/posts/{reply_id}/unhide")
    _suspend(oic_mod, "kemal", date.today() + timedelta(days=2), "r")
    with counting_queries(app) as many:
        html = oic_mod.get("/mod/oic-oshnet/audit").get_data(as_text=True)
    assert len(_sentences(html)) == 13  # and the fixture's moderator grant
    assert many.count <= few.count + 1  # the posts the entries name: one query for them all


def test_a_suspended_member_is_told_where_and_until_when(
    app: Flask, oic_mod: Person, member: Person, other_member: Person, thread_id: int
) -> None:
    until = date.today() + timedelta(days=7)
    _suspend(oic_mod, "kemal", until, "repeated unsafe advice")
    refused = other_member.reply(thread_id, "more")
    assert refused.status_code == 403
    text = refused.get_data(as_text=True)
    with app.test_request_context():
        day = format_date(until, "d MMM yyyy")
    assert re.search(
        rf"You are suspended in OIC-OSHNET until {re.escape(day)}: you can read it but "
        r"not take part\. Reason: repeated unsafe advice",
        text,
    ), text
    sanctions = oic_mod.get("/mod/oic-oshnet/sanctions").get_data(as_text=True)
    assert f"Suspended in OIC-OSHNET until {day}" in sanctions
    assert "until lifted" not in sanctions


def test_report_decisions_read_as_sentences_naming_the_reason(
    app: Flask, oic_mod: Person, member: Person, other_member: Person, thread_id: int
) -> None:
    from forum.models import Report

    other_member.reply(thread_id, "No gas test needed.")
    other_member.reply(thread_id, "Buy cheap harnesses here.")
    unsafe_id, spam_id = reply_ids(app, thread_id)
    member.post(f"/posts/{unsafe_id}/report", {"reason": "unsafe_advice"})
    member.post(f"/posts/{spam_id}/report", {"reason": "spam"})
    with app.app_context():
        unsafe, spam = (
            db.session.scalar(select(Report.id).where(Report.post_id == post))
            for post in (unsafe_id, spam_id)
        )
    oic_mod.post(f"/mod/reports/{unsafe}/hide", {"reason": "Gas testing is always required."})
    oic_mod.post(f"/mod/reports/{spam}/dismiss")
    response = oic_mod.get("/mod/oic-oshnet/audit")
    assert response.status_code == 200
    sentences = _sentences(response.get_data(as_text=True))
    assert sentences[0] == f"oic.mod dismissed a report of spam on a post by kemal in {TITLE}."
    assert sentences[1] == f"oic.mod hid a post by kemal in {TITLE}, reported for unsafe advice."
