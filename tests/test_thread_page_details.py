"""What a reader notices on a thread page: a caution on advice reported as unsafe, counts that
leave out hidden replies, the accepted answer once, Pinned, and one notifications control."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select

from forum.extensions import db
from forum.models import ExpertVerification, Network, Theme, Thread, User
from tests.conftest import Person, make_person, reply_ids, thread_id_from

CAUTION = "Reported as possibly unsafe; a moderator is reviewing it."


@pytest.fixture
def oic_mod(app: Flask) -> Person:
    return make_person(app, "oic.mod", moderates=("oic-oshnet",))


@pytest.fixture
def thread_id(member: Person) -> int:
    return thread_id_from(member.start_thread("Wet well entry", "What do we wear?"))


@pytest.fixture
def reply_id(app: Flask, other_member: Person, thread_id: int) -> int:
    other_member.reply(thread_id, "A dust mask is enough.")
    return reply_ids(app, thread_id)[0]


def _report(person: Person, post_id: int, reason: str = "unsafe_advice"):  # noqa: ANN202
    response = person.post(f"/posts/{post_id}/report", {"reason": reason, "details": "why"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def _verify(app: Flask, username: str, theme: str = "confined-spaces") -> None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        db.session.add(
            ExpertVerification(
                user_id=user.id,
                theme_id=db.session.scalar(select(Theme.id).where(Theme.slug == theme)),
                network_id=db.session.scalar(
                    select(Network.id).where(Network.slug == "ilo-global")
                ),
                note="trainer",
            )
        )
        db.session.commit()


def _page(person: Person, thread_id: int) -> str:
    return person.get(f"/threads/{thread_id}").get_data(as_text=True)


def test_an_unsafe_report_by_a_verified_expert_cautions_every_reader(
    app: Flask, anonymous: Person, member: Person, oic_mod: Person, thread_id: int, reply_id: int
) -> None:
    _verify(app, "amina")
    assert CAUTION not in _page(anonymous, thread_id)  # kept for visitors...
    _report(member, reply_id)
    page = _page(anonymous, thread_id)  # ...and made again when the report comes in
    assert CAUTION in page
    # on the reported post, not the question
    assert page.index(CAUTION) > page.index(f'id="post-{reply_id}"')
    assert CAUTION in _page(member, thread_id)
    # a moderator acts: the caution goes
    report_id = re.search(
        r"/mod/reports/(\d+)/dismiss", oic_mod.get("/mod/oic-oshnet/reports").get_data(as_text=True)
    )
    assert report_id
    oic_mod.post(f"/mod/reports/{report_id.group(1)}/dismiss")
    assert CAUTION not in _page(anonymous, thread_id)


def test_an_expert_in_another_theme_or_another_reason_does_not_caution(
    app: Flask, anonymous: Person, member: Person, thread_id: int, reply_id: int
) -> None:
    _verify(app, "amina", theme="fire-safety")
    _report(member, reply_id)
    assert CAUTION not in _page(anonymous, thread_id)


def test_three_members_reporting_it_as_unsafe_caution_readers(
    app: Flask, anonymous: Person, member: Person, thread_id: int, reply_id: int
) -> None:
    _report(member, reply_id)
    _report(make_person(app, "dave_t"), reply_id, reason="spam")  # not about safety
    _report(make_person(app, "sara"), reply_id)
    assert CAUTION not in _page(anonymous, thread_id)
    _report(make_person(app, "lin"), reply_id)
    _report(make_person(app, "omar"), reply_id)
    assert CAUTION in _page(anonymous, thread_id)


def test_hiding_the_post_ends_the_caution(
    app: Flask, member: Person, oic_mod: Person, thread_id: int, reply_id: int
) -> None:
    _verify(app, "amina")
    _report(member, reply_id)
    oic_mod.post(f"/mod/posts/{reply_id}/hide", {"reason": "Dangerous"})
    assert CAUTION not in _page(oic_mod, thread_id)


def test_a_hidden_reply_is_not_counted_nor_the_last_activity(
    app: Flask,
    anonymous: Person,
    member: Person,
    other_member: Person,
    oic_mod: Person,
    thread_id: int,
    reply_id: int,
) -> None:
    later = make_person(app, "dave_t")
    later.reply(thread_id, "Spam link")
    spam_id = reply_ids(app, thread_id)[-1]
    assert "2 replies" in _page(anonymous, thread_id)
    oic_mod.post(f"/mod/posts/{spam_id}/hide", {"reason": "Spam"})
    assert "1 reply" in _page(anonymous, thread_id)
    board = anonymous.get("/n/oic-oshnet/confined-spaces").get_data(as_text=True)
    assert "dave_t" not in board  # not the last poster any more
    with app.app_context():
        thread = db.session.get(Thread, thread_id)
        assert thread.reply_count == 1
        kemal = db.session.scalar(select(User.id).where(User.username == "kemal"))
        assert thread.last_poster_id == kemal
    oic_mod.post(f"/mod/posts/{spam_id}/unhide")
    assert "2 replies" in _page(anonymous, thread_id)
    # a hidden reply deleted afterwards is not taken off the count twice
    oic_mod.post(f"/mod/posts/{spam_id}/hide", {"reason": "Spam"})
    oic_mod.post(f"/posts/{spam_id}/delete")
    assert "1 reply" in _page(anonymous, thread_id)


def test_the_accepted_answer_of_a_one_reply_thread_is_shown_once(
    member: Person, anonymous: Person, other_member: Person, thread_id: int, reply_id: int
) -> None:
    member.post(f"/threads/{thread_id}/accept/{reply_id}")
    page = _page(anonymous, thread_id)
    assert page.count("A dust mask is enough.") == 1
    assert "Accepted answer" in page
    # with other replies, it is featured under the question and kept in its place
    other_member.reply(thread_id, "And a gas detector.")
    page = _page(anonymous, thread_id)
    assert page.count("A dust mask is enough.") == 2
    assert 'id="accepted-heading"' in page


def test_pinned_shows_on_the_thread_page(
    anonymous: Person, oic_mod: Person, thread_id: int
) -> None:
    assert ">Pinned<" not in _page(anonymous, thread_id)
    oic_mod.post(f"/mod/threads/{thread_id}/pin")
    assert '<span class="tag tag-pinned">Pinned</span>' in _page(anonymous, thread_id)


def test_one_notifications_control_says_watching_normal_or_muted(
    other_member: Person, thread_id: int
) -> None:
    def pressed(page: str) -> list[str]:
        return re.findall(r'aria-pressed="true">([^<]+)</button>', page)

    page = _page(other_member, thread_id)
    assert "<legend>Notifications</legend>" in page
    assert pressed(page) == ["Normal"]
    for label in ("Watching", "Normal", "Muted"):
        assert f">{label}</button>" in page
    other_member.post(f"/threads/{thread_id}/watch/watch")
    assert pressed(_page(other_member, thread_id)) == ["Watching"]
    other_member.post(f"/threads/{thread_id}/watch/mute")
    assert pressed(_page(other_member, thread_id)) == ["Muted"]
    # each button posts to its state's route
    page = _page(other_member, thread_id)
    for state in ("watch", "none", "mute"):
        assert f'formaction="/threads/{thread_id}/watch/{state}"' in page


def test_one_post_renders_from_its_card_as_the_page_shows_it(
    app: Flask, anonymous: Person, thread_id: int, reply_id: int
) -> None:
    """The one way to render a post of a thread (a page of them, or one new reply alone):
    thread_pages.post_cards, then the post_card macro."""
    from flask import render_template_string
    from flask_login import current_user

    from forum.services import browsing, thread_pages

    page = _page(anonymous, thread_id)
    with app.test_request_context(f"/threads/{thread_id}"):
        thread = browsing.get_thread(thread_id)
        card = thread_pages.one_post(current_user, thread, reply_id).cards[0]
        alone = render_template_string(
            '{% from "threads/_post.html" import post_card %}{{ post_card(card) }}', card=card
        )
    assert f'id="post-{reply_id}"' in alone
    assert "A dust mask is enough." in alone
    assert " ".join(alone.split()) in " ".join(page.split())
