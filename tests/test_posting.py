from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from forum import markup
from forum.extensions import db
from forum.models import Post, PostRevision, Thread
from tests.conftest import Person, errors_in, thread_id_from


def _thread(app: Flask, thread_id: int) -> Thread:
    with app.app_context():
        return db.session.get(Thread, thread_id)


def test_start_a_question_and_find_it_on_the_board(member: Person, anonymous: Person) -> None:
    response = member.start_thread(
        "Rescue plan for a grain silo entry", "Who keeps the **rescue tripod** on site?"
    )
    assert response.status_code == 302
    thread_id = thread_id_from(response)

    page = anonymous.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert "Rescue plan for a grain silo entry" in page
    assert "<strong>rescue tripod</strong>" in page
    assert "amina" in page

    board = anonymous.get("/n/oic-oshnet/confined-spaces").get_data(as_text=True)
    assert "Rescue plan for a grain silo entry" in board
    assert "Rescue plan for a grain silo entry" not in anonymous.get(
        "/n/ilo-global/confined-spaces"
    ).get_data(as_text=True)


def test_reply_shows_both_posts_and_counts_the_reply(
    app: Flask, member: Person, other_member: Person
) -> None:
    thread_id = thread_id_from(member.start_thread("Ventilation of a manhole", "How long?"))
    response = other_member.reply(thread_id, "At least ten minutes of forced air first.")
    assert response.status_code == 302
    assert f"/threads/{thread_id}" in response.headers["Location"]
    assert "#post-" in response.headers["Location"]

    page = other_member.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert "How long?" in page
    assert "At least ten minutes of forced air first." in page
    assert "1 reply" in page
    thread = _thread(app, thread_id)
    assert thread.reply_count == 1
    assert thread.last_poster_id is not None


def test_edit_own_post_keeps_the_old_text_and_marks_it_edited(app: Flask, member: Person) -> None:
    thread_id = thread_id_from(member.start_thread("Ear plugs or muffs", "Which is better?"))
    with app.app_context():
        post_id = db.session.scalar(select(Post.id).where(Post.thread_id == thread_id))

    response = member.post(
        f"/posts/{post_id}/edit",
        {
            "title": "Ear plugs or ear muffs at 95 dB(A)?",
            "body": "Which protects better at 95 dB(A)?",
        },
    )
    assert response.status_code == 302
    page = member.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert "Which protects better at 95 dB(A)?" in page
    assert "Ear plugs or ear muffs at 95 dB(A)?" in page
    assert "edited" in page
    with app.app_context():
        revision = db.session.scalar(select(PostRevision).where(PostRevision.post_id == post_id))
        assert revision.body_source == "Which is better?"
        assert revision.title == "Ear plugs or muffs"


def test_editing_another_members_post_is_forbidden_and_changes_nothing(
    app: Flask, member: Person, other_member: Person
) -> None:
    thread_id = thread_id_from(member.start_thread("Lockout boxes", "Original words."))
    with app.app_context():
        post_id = db.session.scalar(select(Post.id).where(Post.thread_id == thread_id))

    assert other_member.get(f"/posts/{post_id}/edit").status_code == 403
    response = other_member.post(f"/posts/{post_id}/edit", {"body": "Vandalised."})
    assert response.status_code == 403
    assert "Only the author can edit this post." in response.get_data(as_text=True)
    assert other_member.post(f"/posts/{post_id}/delete").status_code == 403
    page = other_member.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert "Original words." in page
    assert "Vandalised." not in page
    assert f"/posts/{post_id}/edit" not in page  # no edit link for someone else's post


def test_delete_own_reply_leaves_a_placeholder(
    app: Flask, member: Person, other_member: Person
) -> None:
    thread_id = thread_id_from(member.start_thread("Hot work permits", "Fire watch length?"))
    other_member.reply(thread_id, "Sixty minutes after the work ends.")
    with app.app_context():
        reply_id = db.session.scalar(
            select(Post.id).where(Post.thread_id == thread_id, Post.is_opening.is_(False))
        )
    confirm = other_member.get(f"/posts/{reply_id}/delete")
    assert "Delete this post?" in confirm.get_data(as_text=True)

    response = other_member.post(f"/posts/{reply_id}/delete")
    assert response.status_code == 302
    page = member.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert "Sixty minutes after the work ends." not in page
    assert "This post was deleted." in page
    assert _thread(app, thread_id).reply_count == 0
    with app.app_context():
        assert db.session.get(Post, reply_id).deleted_at is not None  # soft: the row stays


def test_deleting_the_only_post_deletes_the_thread(app: Flask, member: Person) -> None:
    thread_id = thread_id_from(member.start_thread("Posted by mistake", "Oops."))
    with app.app_context():
        post_id = db.session.scalar(select(Post.id).where(Post.thread_id == thread_id))
    response = member.post(f"/posts/{post_id}/delete")
    assert response.headers["Location"].endswith("/n/oic-oshnet/confined-spaces")
    assert member.get(f"/threads/{thread_id}").status_code == 404
    assert "Posted by mistake" not in member.get("/n/oic-oshnet/confined-spaces").get_data(
        as_text=True
    )


def test_a_locked_thread_takes_no_replies(app: Flask, member: Person, other_member: Person) -> None:
    thread_id = thread_id_from(member.start_thread("Closed topic", "Settled."))
    with app.app_context():
        db.session.get(Thread, thread_id).is_locked = True
        db.session.commit()
    page = other_member.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert "This thread is locked: it takes no new replies." in page
    assert f'action="/threads/{thread_id}/reply"' not in page

    response = other_member.reply(thread_id, "Sneaking in.")
    assert response.status_code == 403
    assert "This thread is locked" in response.get_data(as_text=True)
    assert _thread(app, thread_id).reply_count == 0


def test_anonymous_visitors_are_sent_to_log_in_and_nothing_is_posted(
    app: Flask, anonymous: Person, member: Person
) -> None:
    thread_id = thread_id_from(member.start_thread("A question", "Body."))
    for response in (
        anonymous.reply(thread_id, "anonymous reply"),
        anonymous.start_thread("anonymous thread", "body"),
        anonymous.get("/n/oic-oshnet/confined-spaces/new"),
    ):
        assert response.status_code == 302
        assert "/auth/login" in response.headers["Location"]
    with app.app_context():
        assert db.session.query(Thread).count() == 1
        assert db.session.query(Post).count() == 1


def test_preview_renders_the_markdown_without_saving(app: Flask, member: Person) -> None:
    response = member.post(
        "/n/oic-oshnet/fire-safety/new",
        {
            "kind": "good_practice",
            "title": "Drills",
            "body": "Run **monthly** drills",
            "preview": "1",
        },
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<strong>monthly</strong>" in html
    assert "Run **monthly** drills" in html  # the text stays in the composer
    with app.app_context():
        assert db.session.query(Thread).count() == 0


def test_thread_kinds_are_shown_and_filtered(member: Person, anonymous: Person) -> None:
    member.start_thread("Our evacuation drill", "Worked well.", kind="good_practice")
    member.start_thread("Which extinguisher?", "For a lab.", kind="question")
    board = "/n/oic-oshnet/confined-spaces"
    good = anonymous.get(f"{board}?show=good_practice").get_data(as_text=True)
    assert "Our evacuation drill" in good
    assert "Which extinguisher?" not in good
    every = anonymous.get(f"{board}?show=unknown").get_data(as_text=True)
    assert "Our evacuation drill" in every
    assert "Which extinguisher?" in every


def test_an_unknown_kind_is_refused(member: Person) -> None:
    response = member.post(
        "/n/oic-oshnet/fire-safety/new", {"kind": "rant", "title": "x", "body": "y"}
    )
    assert response.status_code == 422
    assert "Not a valid choice" in errors_in(response)


def test_a_new_thread_appears_first_and_replies_bump_threads(
    member: Person, anonymous: Person
) -> None:
    first = thread_id_from(member.start_thread("First thread", "one"))
    member.start_thread("Second thread", "two")
    board = anonymous.get("/n/oic-oshnet/confined-spaces").get_data(as_text=True)
    assert board.index("Second thread") < board.index("First thread")
    member.reply(first, "bump")
    board = anonymous.get("/n/oic-oshnet/confined-spaces").get_data(as_text=True)
    assert board.index("First thread") < board.index("Second thread")


def test_a_reply_is_parsed_once(
    member: Person, other_member: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    thread_id = thread_id_from(member.start_thread("Harness inspection", "How often?"))
    parses = []
    real_parse = markup._parse
    monkeypatch.setattr(markup, "_parse", lambda *a: parses.append(a) or real_parse(*a))
    replied = other_member.reply(
        thread_id, "Before each use, @amina, and yearly by a **competent** person."
    )
    assert replied.status_code == 302
    assert len(parses) == 1  # the mentions, the links to them and the HTML: one parse
    page = other_member.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert '<a href="/u/amina"' in page
    assert "<strong>competent</strong>" in page
